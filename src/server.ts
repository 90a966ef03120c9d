import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { pinoHttp } from 'pino-http';
import { WebSocketServer } from 'ws';
import { isMigrated, type Db } from '../db/client';
import { buildGraphSchema } from '../graph/schema';
import { PARSE_OPTIONS, securityRules } from '../graph/security';
import type { Context } from './context';
import type { Env } from './env';
import { formatError, type ErrorFormatOptions } from './errors';
import type { Logger } from './logger';
import type { PubSub } from './pubsub';

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
  const contextFor = (): Context => ({ db, pubsub, logger, env, now: deps.now ?? (() => new Date()) });

  const app = express();
  const httpServer = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });

  // graphql-ws does not pass through Apollo's pipeline: parse and validate here with the same limits.
  const wsCleanup = useServer<Record<string, unknown>>(
    {
      schema,
      onSubscribe: (_ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query, PARSE_OPTIONS);
        } catch (error) {
          return [clientError(error, 'GRAPHQL_PARSE_FAILED', errorOpts)];
        }
        const errors = validate(schema, document, [...specifiedRules, ...rules]);
        if (errors.length > 0) return errors.map((e) => clientError(e, 'GRAPHQL_VALIDATION_FAILED', errorOpts));
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue: contextFor() };
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
    ],
  });
  await apollo.start();

  app.use(
    pinoHttp({
      logger,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (req: { method: string; url: string; headers: Record<string, unknown> }) => ({ method: req.method, url: req.url, headers: req.headers }),
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
  app.use(GRAPHQL_PATH, express.json({ limit: BODY_LIMIT }), expressMiddleware(apollo, { context: async () => contextFor() }));
  app.use(bodyErrors);

  return {
    httpServer,
    async stop() {
      await apollo.stop();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

function clientError(error: unknown, code: string, opts: ErrorFormatOptions): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  const formatted = formatError({ message, extensions: { code } }, error, opts);
  return new GraphQLError(formatted.message, { extensions: formatted.extensions });
}

/** Malformed or oversized bodies get a GraphQL-shaped 4xx, not Express's HTML page. */
const bodyErrors: ErrorRequestHandler = (err: { type?: string; status?: number }, _req, res, next) => {
  if (err.type === 'entity.parse.failed') {
    res.status(400).json({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  } else if (err.type === 'entity.too.large') {
    res.status(413).json({ errors: [{ message: `Request body exceeds ${BODY_LIMIT}`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  } else next(err);
};
