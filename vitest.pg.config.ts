import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * Tests of what only SQLite has, and where PostgreSQL has its own (test/pg): they run under `npm test` alone.
 * Every other test runs on both databases, each test server on a fresh database of the cluster (test/helpers/server.ts).
 */
const SQLITE_ONLY = [
  // Group commit on one synchronous connection; PostgreSQL's transactions: test/pg/invariants.test.ts.
  'test/unit/db/transaction.test.ts',
  // db/migrations' data conversions on SQLite files; PostgreSQL's migrations: test/pg/triggers.test.ts.
  'test/unit/db/migrations.test.ts',
  // SQLite's storage forms (a report as a JSON array, a blob of durations); PostgreSQL's: test/pg/triggers.test.ts.
  'test/integration/lean-history.test.ts',
  // The one-file deployment: DATABASE_PATH's folders, its WAL, backup by SQLite's online backup, `npm run seed`.
  'test/integration/process.test.ts',
  // README's examples as a new user runs them: `npm start` on the embedded default.
  'test/integration/readme.test.ts',
  // The simulation plays on a throwaway SQLite file of its own, whatever DATABASE_URL says.
  'test/integration/simulate.test.ts',
];

// `npm run test:pg`: the whole suite but the above, against the throwaway cluster scripts/pg-cluster.ts starts (DATABASE_URL).
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SQLITE_ONLY] },
});
