import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { pinoHttp } from 'pino-http';
import { WebSocketServer } from 'ws';
import { isMigrated, type Db } from '../db/client';
import { noStoreResponses } from '../graph/cache-control';
import { buildGraphSchema } from '../graph/schema';
import { PARSE_OPTIONS, securityRules } from '../graph/security';
import { apiKeyPrefix } from './auth/api-key-secret';
import { authenticate, bearerKey } from './auth/authenticate';
import { RateLimiter } from './auth/rate-limiter';
import type { Viewer } from './auth/viewer';
import type { Context } from './context';
import { dashboardRoutes } from './dashboard/routes';
import type { Env } from './env';
import { DomainError, formatError, RateLimitedError, toGraphQLError, type ErrorFormatOptions } from './errors';
import type { Logger } from './logger';
import { startMatchingScheduler } from './matching/scheduler';
import type { PubSub } from './pubsub';
import { POD_IMAGES_PATH, podImageRoutes } from './tracking/pod-routes';

export const GRAPHQL_PATH = '/graphql';
/** Largest request body accepted on /graphql. Operations are small; uploads have their own route. */
export const BODY_LIMIT = '100kb';

export interface AppDeps {
  env: Env;
  db: Db;
  logger: Logger;
  pubsub: PubSub;
  now?: () => Date;
}

export interface App {
  httpServer: Server;
  /** Stops accepting, drains HTTP and WebSocket connections, stops Apollo. Does not close the database. */
  stop(): Promise<void>;
}

/** Builds the HTTP + WebSocket GraphQL service; the caller listens. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { env, db, logger, pubsub } = deps;
  const production = env.NODE_ENV === 'production';
  const schema = buildGraphSchema();
  const rules = securityRules({ production });
  const errorOpts: ErrorFormatOptions = { logger, hideSuggestions: production };
  const now = deps.now ?? (() => new Date());
  const contextFor = (viewer: Viewer | null): Context => ({ db, pubsub, logger, env, now, viewer });

  const keyLimiter = new RateLimiter(env.RATE_LIMIT_PER_KEY);
  const addressLimiter = new RateLimiter(env.RATE_LIMIT_PER_ADDRESS);
  /** @throws RateLimitedError when the address, or the key if any, is over its limit. */
  const checkRate = (address: string | undefined, key: string | null) => {
    const wait = Math.max(addressLimiter.take(`ip:${address}`), key ? keyLimiter.take(`key:${apiKeyPrefix(key) ?? key.slice(0, 24)}`) : 0);
    if (wait > 0) throw new RateLimitedError(wait);
  };
  /** Rate limit, then resolve the caller's key, before Apollo sees the request. */
  const admit: RequestHandler = (req, res, next) => {
    try {
      const key = bearerKey(req.headers.authorization);
      checkRate(req.ip, key);
      res.locals.viewer = key ? authenticate({ db, now: now() }, key) : null;
      next();
    } catch (error) {
      if (!(error instanceof DomainError)) return next(error);
      sendDomainError(res, error, errorOpts);
    }
  };

  const app = express();
  const httpServer = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });

  // graphql-ws does not pass through Apollo's pipeline: parse and validate here with the same limits.
  const wsCleanup = useServer<Record<string, unknown> | undefined, { viewer: Viewer | null }>(
    {
      schema,
      // A key travels in connectionParams as `apiKey` or `authorization: "Bearer …"`; a bad one closes with 4403.
      onConnect: (ctx) => {
        const address = ctx.extra.request.socket.remoteAddress;
        const params = ctx.connectionParams ?? {};
        const key = typeof params.apiKey === 'string' ? params.apiKey : typeof params.authorization === 'string' ? safeBearer(params.authorization) : null;
        try {
          checkRate(address, key);
        } catch {
          ctx.extra.socket.close(4429, 'Too many requests');
          return false;
        }
        ctx.extra.viewer = null;
        if (!key) return true;
        try {
          ctx.extra.viewer = authenticate({ db, now: now() }, key);
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        const viewer = ctx.extra.viewer ?? null;
        try {
          checkRate(ctx.extra.request.socket.remoteAddress, viewer ? `ws:${viewer.apiKeyId}` : null);
        } catch (error) {
          return [toGraphQLError(error, errorOpts)];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, PARSE_OPTIONS);
        } catch (error) {
          return [toGraphQLError(error, errorOpts, 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(schema, document, [...specifiedRules, ...rules]);
        if (errors.length > 0) return errors.map((e) => toGraphQLError(e, errorOpts, 'GRAPHQL_VALIDATION_FAILED'));
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue: contextFor(viewer) };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e, errorOpts)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e, errorOpts)),
    },
    wsServer,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    hideSchemaDetailsFromClientErrors: production,
    validationRules: rules,
    parseOptions: PARSE_OPTIONS,
    formatError: (formatted, error) => formatError(formatted, error, errorOpts),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => wsCleanup.dispose() }) },
      ...noStoreResponses,
    ],
  });
  await apollo.start();
  const stopScheduler = env.MATCHING_INTERVAL_SECONDS > 0 ? startMatchingScheduler({ db, pubsub, logger, env, now }, env.MATCHING_INTERVAL_SECONDS) : () => {};

  app.use(
    pinoHttp({
      logger,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // One line per request: id, method, url, status and latency. Headers are not logged (nor, so, credentials);
      // unwrapped serializers read the raw objects instead of first copying every header into pino's standard shape.
      wrapSerializers: false,
      serializers: {
        req: (req: { id: unknown; method: string; originalUrl?: string; url: string }) => ({ id: req.id, method: req.method, url: req.originalUrl ?? req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    let ready = false;
    try {
      ready = isMigrated(db);
    } catch (error) {
      logger.error({ err: error }, 'readiness check failed');
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable' });
  });
  app.use(dashboardRoutes());
  app.use(
    GRAPHQL_PATH,
    admit,
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, { context: async ({ res }) => contextFor((res.locals.viewer as Viewer | null) ?? null) }),
  );
  app.use(POD_IMAGES_PATH, podImageRoutes({ admit, contextOf: (res) => contextFor((res.locals.viewer as Viewer | null) ?? null), maxBytes: env.POD_MAX_BYTES, errorOpts }));
  app.use(bodyErrors);

  return {
    httpServer,
    async stop() {
      stopScheduler();
      await apollo.stop();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

function safeBearer(header: string): string | null {
  try {
    return bearerKey(header);
  } catch {
    return null;
  }
}

/** Errors raised before GraphQL runs (authentication, rate limits) as GraphQL-shaped HTTP responses. */
function sendDomainError(res: Response, error: DomainError, opts: ErrorFormatOptions): void {
  if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  const status = error.code === 'RATE_LIMITED' ? 429 : error.code === 'UNAUTHENTICATED' ? 401 : 400;
  res.status(status).json({ errors: [formatError({ message: error.message }, error, opts)] });
}

/** Malformed or oversized bodies get a GraphQL-shaped 4xx, not Express's HTML page. */
const bodyErrors: ErrorRequestHandler = (err: { type?: string; status?: number }, _req, res, next) => {
  if (err.type === 'entity.parse.failed') {
    res.status(400).json({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  } else if (err.type === 'entity.too.large') {
    res.status(413).json({ errors: [{ message: `Request body exceeds ${BODY_LIMIT}`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  } else next(err);
};
