import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:pg`: the PostgreSQL tests, against the throwaway cluster scripts/pg-cluster.ts starts (DATABASE_URL).
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/pg/**/*.test.ts'], exclude: [...configDefaults.exclude] },
});
