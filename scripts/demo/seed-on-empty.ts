/**
 * `npm start`'s first step: an empty database gets the demo (the programme complexes, demo organisations and their
 * keys, the recent days of every complex played by the simulation's actors), then the database is closed and the
 * service starts in the same process (scripts/start.mjs imports this module, then the service's). A separate step,
 * so that the service itself (src/main.ts) never loads the simulation or faker. Does nothing when SEED_ON_EMPTY is
 * false, the database holds organisations, or the environment is invalid (the service then says which variable); a
 * database it cannot open ends the start in the service's one line.
 * On PostgreSQL, instances starting at once take turns (an advisory lock): the first seeds, the others then find
 * the database seeded.
 */
import { closeDatabase, connectOrRefusal, databaseLabel, pgPoolOf, type Db } from '../../db/client';
import { DIALECT } from '../../db/dialect';
import { EnvError, parseEnv, type Env } from '../../src/env';
import { createLogger, endLogs, type Logger } from '../../src/logger';
import { createInProcessPubSub } from '../../src/pubsub';
import { onStopSignals } from '../../src/stop-signals';
import { isEmpty } from './is-empty';

let env: Env | undefined;
try {
  env = parseEnv();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
}

/**
 * Runs `work` while holding PostgreSQL's session advisory lock 'sandan-seed' on a connection of its own, so that of
 * instances starting at once on an empty database one seeds and the others wait, then find it seeded (as
 * migratePgDatabase does for migrations). A process that dies holding it frees it with its connection.
 * SQLite needs none: one file, served by one process.
 */
async function alone(db: Db, logger: Logger, work: () => Promise<void>): Promise<void> {
  if (DIALECT === 'sqlite') return work();
  const client = await pgPoolOf(db).connect();
  try {
    const { rows } = await client.query<{ got: boolean }>('select pg_try_advisory_lock(hashtext($1)) as got', ['sandan-seed']);
    if (!rows[0]!.got) {
      // Seeding takes the other instance seconds to a minute: say why this one is silent meanwhile.
      logger.info('another instance is loading the demo data into this database: waiting for it');
      await client.query('select pg_advisory_lock(hashtext($1))', ['sandan-seed']);
    }
    await work();
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', ['sandan-seed']).catch(() => {});
    client.release();
  }
}

/**
 * While the demo loads, SIGINT or SIGTERM stop the start once it is loaded, not half-way: a database holding part of
 * it is no longer empty, so it would never be seeded again, with some complexes' days missing for good. A second
 * request later exits at once with 1, as one does while the service drains.
 */
function stopOnceLoaded(logger: Logger, database: string) {
  return onStopSignals(
    (signal) => logger.info({ signal }, 'stopping once the demo data is loaded'),
    (signal) => {
      console.error(`${signal} again: exiting now. ${database} holds part of the demo, and a start serves it as it is; to seed afresh, remove it (SQLite: the file; PostgreSQL: drop and create the database) and start again.`);
      process.exit(1);
    },
  );
}

// A database that cannot be opened ends the start here with the service's one line (a PostgreSQL that never answers
// would otherwise be waited for twice).
const connected = env?.SEED_ON_EMPTY ? await connectOrRefusal(env) : null;
if (connected && 'refusal' in connected) {
  console.error(connected.refusal);
  process.exit(1);
}
const db = connected?.db;
if (env && db) {
  // A keys file that cannot be written stops the start as an invalid variable does, with the database left empty.
  let refused: EnvError | null = null;
  /** Set when a signal asked to stop while the demo loaded: the start ends once it is in. */
  let stoppedBy = null as Logger | null;
  try {
    const logger = createLogger(env.LOG_LEVEL);
    await alone(db, logger, async () => {
      if (await isEmpty({ ctx: { db } })) {
        const stop = stopOnceLoaded(logger, databaseLabel(env));
        try {
          // Loaded only for an empty database: every other start skips the simulation and faker altogether.
          const [{ DEFAULT_SEED, seedDemo }, { seedDemoHistory }, { writeDemoKeys }] = await Promise.all([import('./seed-demo'), import('./seed-demo-history'), import('./write-demo-keys')]);
          let previous = null as string | null;
          const path = env!.DEMO_KEYS_PATH;
          const { demoKeys, ...summary } = await seedDemo({ ctx: { db }, input: DEFAULT_SEED, saveKeys: (keys) => (previous = writeDemoKeys(path, keys)) });
          if (previous) logger.warn({ previous }, `the demo keys file held another database's keys: kept at ${previous}`);
          logger.info('empty database: demo organisations and keys written; playing the recent days of every complex, a few seconds');
          const history = await seedDemoHistory({ ctx: { db, pubsub: createInProcessPubSub(), logger, env, now: () => new Date() }, input: DEFAULT_SEED });
          logger.info({ ...summary, ...history, demoKeysPath: env.DEMO_KEYS_PATH }, 'empty database: loaded demo data, played the recent days of every complex and wrote demo API keys');
        } finally {
          stop.release();
        }
        if (stop.requested()) stoppedBy = logger;
      }
    });
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    refused = error;
  } finally {
    await closeDatabase(db);
  }
  if (refused) {
    console.error(refused.message);
    process.exit(1);
  }
  if (stoppedBy) {
    stoppedBy.info('stopped');
    await endLogs(stoppedBy);
    process.exit(0);
  }
}
