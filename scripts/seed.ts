/**
 * npm run seed [-- --scale N] [--seed N] [--reset]
 * Loads the seven programme complexes, demo organisations and (with them) the recent days of a demo market into the
 * database (DATABASE_URL, else DATABASE_PATH). --scale: demo organisations per 1,000 tenant companies (default 2);
 * --reset: rebuild the SQLite file first (on PostgreSQL, drop and create the database instead). Exit code 2 for a bad flag.
 */
import { rmSync } from 'node:fs';
import { closeDatabase, databaseLabel } from '../db/client';
import { DIALECT } from '../db/dialect';
import { connectOrExit, envOrExit, fail, parseFlags } from './cli';
import { DEFAULT_SEED, seedDemo } from './demo/seed-demo';
import { seedDemoHistory } from './demo/seed-demo-history';
import { createLogger } from '../src/logger';
import { createInProcessPubSub } from '../src/pubsub';
import { writeDemoKeys } from './demo/write-demo-keys';
import { EnvError } from '../src/env';

const { values } = parseFlags({
  options: {
    scale: { type: 'string', default: String(DEFAULT_SEED.scale) },
    seed: { type: 'string', default: String(DEFAULT_SEED.seed) },
    reset: { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!(scale > 0) || !Number.isInteger(seed)) fail('--scale must be a positive number and --seed an integer');

const env = envOrExit();
if (values.reset && DIALECT === 'pg') fail('--reset rebuilds a SQLite file; on PostgreSQL drop and create the database (dropdb, createdb), then seed');
if (values.reset) for (const path of [env.DATABASE_PATH, `${env.DATABASE_PATH}-wal`, `${env.DATABASE_PATH}-shm`, env.DEMO_KEYS_PATH]) rmSync(path, { force: true });
const db = await connectOrExit(env);
let previous = null as string | null;
// A keys file that cannot be written seeds nothing (seedDemo's transaction rolls back) and ends in one line.
const { demoKeys, ...summary } = await seedDemo({ ctx: { db }, input: { scale, seed }, saveKeys: (keys) => (previous = writeDemoKeys(env.DEMO_KEYS_PATH, keys)) }).catch((error: unknown) => {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
});
// The demo history goes with the demo organisations: only when they were just created.
const history = demoKeys.length > 0 ? await seedDemoHistory({ ctx: { db, env, pubsub: createInProcessPubSub(), logger: createLogger('silent'), now: () => new Date() }, input: { seed } }) : null;
await closeDatabase(db);
console.log(`seeded ${databaseLabel(env)}: ${summary.complexes} complexes, ${summary.organisations} demo organisations added`);
if (history) console.log(`demo history up to now: ${history.requests} requests, ${history.bookings} bookings, ${history.deliveries} delivered; ${history.vehicles} vehicles, ${history.listings} warehouse listings; ${history.comingRequests} requests waiting for the next rounds`);
if (demoKeys.length > 0) console.log(`demo API keys (one per role per complex) written to ${env.DEMO_KEYS_PATH}${previous ? `; the keys it held before kept at ${previous}` : ''}`);
