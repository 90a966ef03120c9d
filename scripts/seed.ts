/**
 * npm run seed [-- --scale N] [--seed N] [--reset]
 * Loads the seven programme complexes and demo organisations into DATABASE_PATH.
 * --scale: demo organisations per 1,000 tenant companies (default 2); --reset: rebuild the database first.
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '../db/client';
import { DEFAULT_SEED, seedDemo } from '../src/demo/seed-demo';
import { parseEnv } from '../src/env';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: String(DEFAULT_SEED.scale) },
    seed: { type: 'string', default: String(DEFAULT_SEED.seed) },
    reset: { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!(scale > 0) || !Number.isInteger(seed)) {
  console.error('--scale must be a positive number and --seed an integer');
  process.exit(2);
}

const env = parseEnv();
if (values.reset) for (const suffix of ['', '-wal', '-shm']) rmSync(env.DATABASE_PATH + suffix, { force: true });
const db = openDatabase(env.DATABASE_PATH);
migrateDatabase(db);
const summary = seedDemo({ ctx: { db }, input: { scale, seed } });
db.$client.close();
console.log(`seeded ${env.DATABASE_PATH}: ${summary.complexes} complexes, ${summary.organisations} demo organisations added`);
