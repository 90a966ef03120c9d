import { migrateDatabase, openDatabase } from '../db/client';
import { DEFAULT_SEED, isEmpty, seedDemo } from './demo/seed-demo';
import { seedDemoHistory } from './demo/seed-demo-history';
import { writeDemoKeys } from './demo/write-demo-keys';
import { EnvError, parseEnv } from './env';
import { createLogger } from './logger';
import { createInProcessPubSub } from './pubsub';
import { createApp, GRAPHQL_PATH } from './server';

let env;
try {
  env = parseEnv();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(env.LOG_LEVEL);
const db = openDatabase(env.DATABASE_PATH);
migrateDatabase(db);
const pubsub = createInProcessPubSub();
if (env.SEED_ON_EMPTY && isEmpty({ ctx: { db } })) {
  const { demoKeys, ...summary } = seedDemo({ ctx: { db }, input: DEFAULT_SEED });
  writeDemoKeys(env.DEMO_KEYS_PATH, demoKeys);
  const history = await seedDemoHistory({ ctx: { db, pubsub, logger, env, now: () => new Date() }, input: DEFAULT_SEED });
  logger.info({ ...summary, ...history, demoKeysPath: env.DEMO_KEYS_PATH }, 'empty database: loaded demo data, played the recent days of every complex and wrote demo API keys');
}

const app = await createApp({ env, db, logger, pubsub });
app.httpServer.listen(env.PORT, env.HOST, () => {
  const address = app.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  logger.info({ port }, `Sandan Exchange ready at http://localhost:${port}${GRAPHQL_PATH} (ws://localhost:${port}${GRAPHQL_PATH})`);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'draining connections');
    app
      .stop()
      .then(() => {
        db.$client.close();
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      });
  });
}
