import { createServer, type Server } from 'node:http';
import express from 'express';
import { closeDatabase, connectOrRefusal, databaseLabel, PgSilentError, whileDatabaseAnswers } from '../db/client';
import { EnvError, ignoredSettings, parseEnv } from './env';
import { createLogger, endLogs } from './logger';
import { answerParseErrors, jsonErrors } from './http/json-errors';
import { METRICS_PATH, metricsRoute } from './http/metrics';
import { servicePubSub } from './pubsub-pg';
import { createApp, GRAPHQL_PATH } from './server';
import { onStopSignals } from './stop-signals';

/** Ends the start with one line, as a process manager's log shows it best. */
function refuseStart(line: string): never {
  console.error(line);
  process.exit(1);
}

let env;
try {
  env = parseEnv();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  refuseStart(error.message);
}

const logger = createLogger(env.LOG_LEVEL);
for (const line of ignoredSettings(env)) logger.warn(line);
const connected = await connectOrRefusal(env);
if ('refusal' in connected) refuseStart(connected.refusal);
const { db } = connected;
const pubsub = await servicePubSub(db, env.DATABASE_URL, (error) => logger.error({ err: error }, 'publish/subscribe across instances failed'));
const app = await createApp({ env, db, logger, pubsub });
/** Errors of the interface a listener was given, not of its port: a name that does not resolve, an address not this host's. */
const HOST_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EADDRNOTAVAIL']);

/**
 * Listens, or ends the start with one line naming the setting, as an invalid variable does: on a port already taken
 * the process would otherwise stay up serving nothing (the WebSocket server only logs its HTTP server's error). Ahead
 * of that listener and synchronous, so graphql-ws never reports it as an error of its own. An interface that cannot
 * be had is named by its own setting (HOST, METRICS_HOST), not the port's. Resolves once listening.
 */
function listen(server: Server, settings: { port: 'PORT' | 'METRICS_PORT'; host: 'HOST' | 'METRICS_HOST' }, port: number, host: string): Promise<number> {
  return new Promise((resolve) => {
    const refuse = (error: NodeJS.ErrnoException) => {
      const setting = HOST_ERRORS.has(error.code ?? '') ? `${settings.host}=${host}` : `${settings.port}=${port}`;
      console.error(`Cannot serve on ${setting}: ${error.message}`);
      process.exit(1);
    };
    server.prependOnceListener('error', refuse);
    server.listen(port, host, () => {
      server.off('error', refuse);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

let metricsServer: Server | null = null;
if (env.METRICS_PORT !== undefined) {
  metricsServer = createServer(express().disable('x-powered-by').get(METRICS_PATH, metricsRoute(app.metrics)).use(jsonErrors({ logger, hideSuggestions: true })));
  answerParseErrors(metricsServer);
  // Listening before the service says it is ready: a metrics listener refused after "ready" would end a service just announced.
  const port = await listen(metricsServer, { port: 'METRICS_PORT', host: 'METRICS_HOST' }, env.METRICS_PORT, env.METRICS_HOST);
  logger.info({ port }, `metrics at http://${env.METRICS_HOST}:${port}${METRICS_PATH}`);
}
const port = await listen(app.httpServer, { port: 'PORT', host: 'HOST' }, env.PORT, env.HOST);

/**
 * One SIGTERM or SIGINT (a process manager, Ctrl-C) drains: /readyz turns 503, the scheduler stops, HTTP and
 * WebSocket connections finish or are closed after a grace period, and the database closes, which checkpoints
 * the WAL away. A PostgreSQL that stops answering meanwhile ends the stop with 1 (`whileDatabaseAnswers`): its
 * statements and `end()` have no timeout of their own. A second request exits at once (src/stop-signals.ts tells it
 * from npm's copy of the first).
 */
onStopSignals(
  (signal) => {
    logger.info({ signal }, 'draining connections');
    metricsServer?.close();
    whileDatabaseAnswers(
      env,
      app
        .stop()
        .then(() => pubsub.close())
        .then(() => closeDatabase(db)),
    )
      .then(
        () => {
          logger.info('stopped');
          return 0;
        },
        (error: unknown) => {
          // What waits on it is dropped: PostgreSQL made each write it acknowledged durable first, and rolls back the rest.
          if (error instanceof PgSilentError) logger.error(`stopped without finishing: ${databaseLabel(env)} does not answer: ${error.message}; work in flight on it dropped (nothing it acknowledged)`);
          else logger.error({ err: error }, 'error while stopping');
          return 1;
        },
      )
      .then(async (code) => {
        await endLogs(logger);
        process.exit(code);
      });
  },
  (signal) => {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  },
);
// Said once a stop request drains: a SIGTERM right after it used to find no handler yet, and killed the process.
logger.info({ port }, `Sandan Exchange ready at http://localhost:${port}${GRAPHQL_PATH} (ws://localhost:${port}${GRAPHQL_PATH})`);
