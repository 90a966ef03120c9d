import { createServer, type IncomingMessage, type Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express, { type RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { Registry } from 'prom-client';
import { isMigrated, pgPoolOf, type Db } from '../db/client';
import { DIALECT } from '../db/dialect';
import { noStoreResponses } from '../graph/cache-control';
import { buildGraphSchema } from '../graph/schema';
import { PARSE_OPTIONS, securityRules } from '../graph/security';
import { authenticate, bearerKey } from './auth/authenticate';
import { Admission } from './auth/rate-limiter';
import { PgRateLimiter } from './auth/rate-limiter-pg';
import { loadProgramme } from './complexes/load-programme';
import type { Context, Viewer } from './context';
import type { Env } from './env';
import { clientAddress, trustedProxies } from './http/client-address';
import { compiledExecution } from './http/compiled-execution';
import { dashboardRoutes } from './http/dashboard';
import { graphqlHttpHandler } from './http/graphql-http';
import { answerParseErrors, formatError, jsonErrors, sendBadRequest, type ErrorFormatOptions } from './http/json-errors';
import { toOriginForm } from './http/origin-form';
import { POD_IMAGES_PATH, podImageRoutes } from './http/pod-images';
import { logRequest } from './http/request-log';
import { STATEMENTS_PATH, statementRoutes } from './http/statements';
import type { Logger } from './logger';
import { startMatchingScheduler } from './matching/scheduler';
import { createRoundLeases } from './matching/round-leases-pg';
import { cutRounds, roundsAnswered } from './matching/round-thread';
import { createMetrics, METRICS_PATH, metricsRoute } from './http/metrics';
import type { PubSub } from './pubsub';
import { startRetentionScheduler } from './retention/scheduler';
import { startInsightsScheduler } from './insights/scheduler';
import { attachGraphqlWs } from './http/websocket';
import { startWebhookWorker } from './webhooks/worker';

export const GRAPHQL_PATH = '/graphql';
/** Largest request body accepted on /graphql. Operations are small; uploads have their own route. */
export const BODY_LIMIT_BYTES = 100 * 1024;
/** How long a stop waits for requests in flight before closing their connections. */
const STOP_GRACE_MS = 5_000;

export interface AppDeps {
  env: Env;
  db: Db;
  logger: Logger;
  pubsub: PubSub;
  now?: () => Date;
}

export interface App {
  httpServer: Server;
  /** The app's Prometheus registry, for a separate metrics listener (METRICS_PORT). */
  metrics: Registry;
  /**
   * Answers /readyz 503 from now on, stops the scheduler and the webhook worker (after its attempts in flight), stops accepting, drains HTTP and WebSocket connections
   * (closing those still busy after STOP_GRACE_MS) and stops Apollo. Does not close the database.
   */
  stop(): Promise<void>;
}

/** Builds the HTTP + WebSocket GraphQL service; the caller listens. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { env, db, logger, pubsub } = deps;
  const production = env.NODE_ENV === 'production';
  const schema = buildGraphSchema();
  const rules = securityRules({ production });
  const errorOpts: ErrorFormatOptions = { logger, hideSuggestions: production, schema };
  const now = deps.now ?? (() => new Date());
  const contextFor = (viewer: Viewer | null): Context => ({ db, pubsub, logger, env, now, viewer });

  // Several instances on one PostgreSQL share the budgets; one SQLite process keeps them in memory.
  const admission =
    DIALECT === 'pg'
      ? new Admission(new PgRateLimiter(pgPoolOf(db), env.RATE_LIMIT_PER_KEY), new PgRateLimiter(pgPoolOf(db), env.RATE_LIMIT_PER_ADDRESS))
      : Admission.inProcess({ perKey: env.RATE_LIMIT_PER_KEY, perAddress: env.RATE_LIMIT_PER_ADDRESS });
  await loadProgramme({ ctx: { db } });
  const proxies = env.TRUST_PROXY.length > 0 ? trustedProxies(env.TRUST_PROXY) : null;
  /** Whom a request's address budget is: the client a trusted proxy names, else the socket's peer. */
  const addressOf = (req: IncomingMessage) => clientAddress(req, proxies);
  /**
   * Rate limit, then resolve the caller's key, before Apollo sees the request. Budgets in this process settle at once,
   * before the key is looked up; shared ones (PostgreSQL) are asked together with the key's look-up, in one write, and
   * a spent budget still refuses first.
   */
  const viewerOf = async (req: IncomingMessage): Promise<Viewer | null> => {
    const key = bearerKey(req.headers.authorization);
    const admitted = admission.admit(addressOf(req), key);
    const viewer = key ? authenticate({ db, now: now() }, key) : null;
    viewer?.catch(() => {}); // awaited below, once the budgets have answered
    await admitted;
    return viewer;
  };
  // Express 5 passes a rejection on to the error handler.
  const admit: RequestHandler = async (req, res, next) => {
    res.locals.viewer = await viewerOf(req);
    next();
  };

  // No X-Powered-By: the framework and its version are nobody's business.
  const app = express().disable('x-powered-by');
  // Every request gets its id and log line here; /graphql is answered without Express (see graphqlHttpHandler).
  const httpServer = createServer((req, res) => {
    // A request read from a connection the stop has already ended (sent by its client as the last answer on it went
    // out) could run but never be answered: it is dropped unrun, so that a client without an answer may retry.
    if (req.socket.writableEnded) return void req.socket.destroy();
    logRequest(logger, req, res);
    const refused = toOriginForm(req);
    if (refused) return void sendBadRequest(res, refused);
    if (isGraphqlPath(req.url)) graphqlHttp(req, res);
    else app(req, res);
  });
  answerParseErrors(httpServer);
  const metrics = createMetrics({ db, pubsub });
  const graphqlWs = attachGraphqlWs({ httpServer, path: GRAPHQL_PATH, schema, rules, db, now, admission, addressOf, maxPayload: BODY_LIMIT_BYTES, maxConnectionsPerKey: env.WS_MAX_CONNECTIONS_PER_KEY, maxOperationsPerConnection: env.WS_MAX_OPERATIONS_PER_CONNECTION, errorOpts, contextFor, metrics, logger });

  const execution = compiledExecution(schema);
  const apollo = new ApolloServer<Context>({
    gateway: execution.gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    hideSchemaDetailsFromClientErrors: production,
    validationRules: rules,
    parseOptions: PARSE_OPTIONS,
    formatError: (formatted, error) => formatError(formatted, error, errorOpts),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: STOP_GRACE_MS }),
      { serverWillStart: async () => ({ drainServer: async () => graphqlWs.dispose() }) },
      refuseSubscriptionsOverHttp,
      metrics.apolloPlugin,
      ...noStoreResponses,
    ],
    // main.ts owns the signals: Apollo's own handlers would stop the server and re-raise the signal.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const stopScheduler = env.MATCHING_INTERVAL_SECONDS > 0 ? startMatchingScheduler({ db, pubsub, logger, env, now }, env.MATCHING_INTERVAL_SECONDS, DIALECT === 'pg' ? createRoundLeases(env.DATABASE_URL!) : null) : async () => {};
  const stopWebhooks = env.WEBHOOK_WORKER_INTERVAL_MS > 0 ? startWebhookWorker({ db, pubsub, logger, env, now }) : async () => {};
  const stopRetention = env.RETENTION_INTERVAL_SECONDS > 0 ? startRetentionScheduler({ db, logger, env, now }) : async () => {};
  const stopInsights = env.INSIGHTS_ROLLUP_INTERVAL_SECONDS > 0 ? startInsightsScheduler({ db, logger, env, now }) : async () => {};

  const graphqlHttp = graphqlHttpHandler({ apollo, admit: viewerOf, contextFor, bodyLimitBytes: BODY_LIMIT_BYTES, errorOpts, known: execution.known, observe: metrics.observeGraphqlHttp });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  let draining = false;
  app.get('/readyz', async (_req, res) => {
    let ready = false;
    try {
      ready = !draining && (await isMigrated(db));
    } catch (error) {
      logger.error({ err: error }, 'readiness check failed');
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable' });
  });
  if (env.METRICS_TOKEN) app.get(METRICS_PATH, metricsRoute(metrics.registry, env.METRICS_TOKEN));
  app.use(dashboardRoutes());
  app.use(POD_IMAGES_PATH, podImageRoutes({ admit, contextOf: (res) => contextFor((res.locals.viewer as Viewer | null) ?? null), maxBytes: env.POD_MAX_BYTES }));
  app.use(STATEMENTS_PATH, statementRoutes({ admit, contextOf: (res) => contextFor((res.locals.viewer as Viewer | null) ?? null) }));
  app.use(jsonErrors(errorOpts));

  return {
    httpServer,
    metrics: metrics.registry,
    async stop() {
      draining = true;
      // First: the rounds the scheduler and the HTTP drain wait for end their search now and write their best plan.
      const uncut = cutRounds();
      try {
        await stopScheduler();
        await stopWebhooks();
        await stopRetention();
        await stopInsights();
        await roundsAnswered();
        await apollo.stop();
      } finally {
        uncut();
      }
      metrics.stop();
    },
  };
}

/** /graphql, with or without a query string (GET). */
function isGraphqlPath(url: string | undefined): boolean {
  return url !== undefined && url.startsWith(GRAPHQL_PATH) && (url.length === GRAPHQL_PATH.length || url[GRAPHQL_PATH.length] === '?');
}

/** Subscriptions need a lasting connection: over HTTP, say where they are served instead of failing inside. */
const refuseSubscriptionsOverHttp: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError(`Subscriptions are served over WebSocket (graphql-ws) at ${GRAPHQL_PATH}, not over HTTP`, {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      },
    };
  },
};



