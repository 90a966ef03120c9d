import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The integration tests that run unchanged on PostgreSQL: each starts the real service on a fresh database of the
 * cluster (test/helpers/server.ts). The others still read the database synchronously or through better-sqlite3 in
 * their fixtures (README, "PostgreSQL").
 */
const ON_BOTH = ['compiled-execution', 'concurrency', 'demand-board', 'demand-requests', 'input-errors', 'matching', 'metrics', 'request-log', 'service', 'websocket-limits'];

// `npm run test:pg`: the PostgreSQL tests and those above, against the throwaway cluster scripts/pg-cluster.ts starts (DATABASE_URL).
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/pg/**/*.test.ts', ...ON_BOTH.map((name) => `test/integration/${name}.test.ts`)], exclude: [...configDefaults.exclude] },
});
