import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql 16 ships index.js and index.mjs without an exports map: Node loads index.js for every
  // importer, Vite would pick index.mjs for our sources. Two copies break instanceof checks
  // ("Cannot use GraphQLSchema from another module or realm"), so point Vite at Node's choice.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    // PostgreSQL tests need a cluster: `npm run test:pg` (vitest.pg.config.ts).
    exclude: [...configDefaults.exclude, 'test/pg/**'],
    // Integration tests start real servers on real SQLite files: give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
