import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { getOperationAST, getVariableValues, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { CloseCode, type Context as GraphqlWsContext, type SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Db } from '../../db/client';
import { PARSE_OPTIONS } from '../../graph/security';
import { activeKeyIds } from '../auth/active-key-ids';
import { authenticate, bearerKeyOrNull } from '../auth/authenticate';
import type { Admission } from '../auth/rate-limiter';
import type { Context, Viewer } from '../context';
import type { Metrics } from './metrics';
import { RateLimitedError, UnauthenticatedError } from '../errors';
import type { Logger } from '../logger';
import { fromNow, type PubSub } from '../pubsub';
import { endSocketWithJson, formatError, toGraphQLError, type ErrorFormatOptions } from './json-errors';
import { toOriginForm } from './origin-form';

/** How often open sockets re-check that their key still holds (revoked keys, deleted organisations). */
export const KEY_RECHECK_MS = 2_000;
/** WebSocket close code 1013, Try Again Later (RFC 6455 registry). */
const TRY_AGAIN_LATER = 1013;
/** The reason given with it when the database does not answer. */
const SERVICE_UNAVAILABLE = 'Service unavailable: try again later';

export interface GraphqlWsDeps {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  rules: ValidationRule[];
  db: Db;
  now: () => Date;
  admission: Admission;
  /** The client address a request's budgets are kept for (behind a trusted proxy, the one it names). */
  addressOf: (request: IncomingMessage) => string | undefined;
  /** Largest message accepted, bytes: the same cap as an HTTP body. */
  maxPayload: number;
  /** Sockets open at once per API key (per address without one), and operations running at once on one socket. */
  maxConnectionsPerKey: number;
  maxOperationsPerConnection: number;
  errorOpts: ErrorFormatOptions;
  contextFor: (viewer: Viewer | null) => Context;
  metrics: Pick<Metrics, 'observeWebSockets'>;
  logger: Logger;
}

/** What an operation's checks read of graphql-ws's context: its socket, its request and what onConnect learnt. */
type OperationContext = GraphqlWsContext<Record<string, unknown> | undefined, Partial<Extra> & { socket: WebSocket; request: IncomingMessage }>;

type Extra = {
  viewer: Viewer | null;
  /** The key as sent, for the per-key budget each operation draws on (shared with HTTP). */
  key: string | null;
  /** What the socket counts against while open: `key:<id>`, or `address:<ip>` without a key. */
  holder?: string;
};

/**
 * graphql-ws on the HTTP server's path. Connections are budgeted per address (closed with 1013, which the client
 * retries after a delay), each operation per key and address like an HTTP request, and every
 * operation re-checks the key, as does a sweep every KEY_RECHECK_MS: a revoked key's socket closes with 4403.
 * graphql-ws does not pass through Apollo's pipeline, so parsing and validation apply the same limits here.
 */
export function attachGraphqlWs(deps: GraphqlWsDeps): { dispose: () => Promise<void> } {
  const { db, now, admission, errorOpts } = deps;
  const wsServer = new WebSocketServer({ noServer: true, path: deps.path, maxPayload: deps.maxPayload });
  // ws would answer an upgrade on another path with an HTML 400: like any path nothing serves, a JSON 404.
  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = toOriginForm(request);
    if (refused) return endSocketWithJson(socket, 400, 'BAD_REQUEST', refused);
    if (wsServer.shouldHandle(request)) wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request));
    else endSocketWithJson(socket, 404, 'NOT_FOUND', `No WebSocket is served at ${request.url}: subscriptions are at ${deps.path}`);
  };
  deps.httpServer.on('upgrade', upgrade);
  // A malformed handshake on the path (a bad Sec-WebSocket-Key or -Version, a POST): ws's message, in JSON too.
  wsServer.on('wsClientError', (error, socket) => {
    const status = error.message === 'Invalid HTTP method' ? 405 : 400;
    endSocketWithJson(socket, status, 'BAD_REQUEST', `${error.message}: a WebSocket opens with GET and the headers of RFC 6455 (version 13)`, status === 400 ? { 'sec-websocket-version': '13, 8' } : {});
  });
  // Before graphql-ws sees the socket: over the address budget, close once with 1013 (Try Again Later), which
  // graphql-ws clients retry after their back-off (4429 is the protocol's fatal "too many initialisations").
  wsServer.on('connection', (socket, request) => {
    admitted.set(socket, admitOrClose(socket, request, null));
    dropWhenNotRead(socket);
  });
  /**
   * Each socket's admission, which its connection_init waits for: a shared budget answers after a round trip, and
   * graphql-ws acknowledged the socket before it closed with 1013, so that clients took the ack for a connection that
   * worked and reset their retries.
   */
  const admitted = new WeakMap<WebSocket, Promise<boolean>>();
  /**
   * Draws on the address's budget (and the key's, with one); over it, closes the socket once with 1013 (Try Again
   * Later). Shared budgets answer later; one that cannot be read (the database away) closes the socket with 1013 too,
   * which clients retry, as a key that cannot be checked does (a terminated socket told them only 1006).
   */
  const admitOrClose = async (socket: WebSocket, request: IncomingMessage, key: string | null): Promise<boolean> => {
    try {
      await admission.admit(deps.addressOf(request), key);
      return true;
    } catch (error) {
      if (error instanceof RateLimitedError) socket.close(TRY_AGAIN_LATER, error.message);
      else {
        deps.logger.error({ err: error }, 'admitting a WebSocket connection failed');
        socket.close(TRY_AGAIN_LATER, SERVICE_UNAVAILABLE);
      }
      return false;
    }
  };
  /** Sockets opened with a key, to close when the key stops holding. */
  const keyed = new Map<WebSocket, number>();
  /** graphql-ws's per-connection state, whose `subscriptions` are the operations running on it. */
  const connections = new Set<{ subscriptions: Record<string, unknown> }>();
  deps.metrics.observeWebSockets(() => {
    let operations = 0;
    for (const c of connections) operations += Object.keys(c.subscriptions).length;
    return { connections: wsServer.clients.size, operations };
  });
  const refuse = (socket: WebSocket) => {
    keyed.delete(socket);
    socket.close(CloseCode.Forbidden, 'API key revoked');
  };
  /** Open sockets per holder: one client leaking sockets cannot take the instance's memory and file handles. */
  const openBy = new Map<string, number>();
  /** Counts the socket against its key (its address without one); over the cap, closes it with 1013, which clients retry. */
  const holdSocket = (extra: Partial<Extra>, socket: WebSocket, address: string | undefined): boolean => {
    // Dropped by its client while its key was looked up: its onClose may have run already, and would never give the place back.
    if (socket.readyState !== socket.OPEN) return false;
    const byKey = extra.viewer?.apiKeyId != null;
    const holder = byKey ? `key:${extra.viewer!.apiKeyId}` : `address:${address}`;
    const open = openBy.get(holder) ?? 0;
    if (open >= deps.maxConnectionsPerKey) {
      const per = byKey ? 'API key' : 'address without an API key';
      socket.close(TRY_AGAIN_LATER, `At most ${deps.maxConnectionsPerKey} connections at once per ${per} (WS_MAX_CONNECTIONS_PER_KEY)`);
      return false;
    }
    openBy.set(holder, open + 1);
    extra.holder = holder;
    return true;
  };
  const releaseSocket = (extra: Partial<Extra>) => {
    if (extra.holder === undefined) return;
    const left = openBy.get(extra.holder)! - 1;
    if (left === 0) openBy.delete(extra.holder);
    else openBy.set(extra.holder, left);
    extra.holder = undefined;
  };

  /**
   * An operation's checks before graphql-ws runs it: the per-connection cap, the budgets, the key, then the document
   * and its variables, each refusal as the errors its client gets; else its arguments, a subscription's context
   * reading `events`.
   */
  const prepare = async (ctx: OperationContext, payload: SubscribePayload, context: Context, events: PubSub | null) => {
    const { viewer, key, socket } = ctx.extra;
    // Subscriptions hold memory until completed: a client that never completes its own stops at the cap (this
    // operation is among ctx.subscriptions already).
    if (Object.keys(ctx.subscriptions).length > deps.maxOperationsPerConnection) {
      const why = `At most ${deps.maxOperationsPerConnection} operations at once on one connection (WS_MAX_OPERATIONS_PER_CONNECTION): complete one first, or open another connection`;
      return [toGraphQLError(new RateLimitedError(1, why), errorOpts)];
    }
    try {
      // The key is looked up beside the budgets (one round trip on PostgreSQL, as over HTTP); a spent budget refuses first.
      const active = viewer?.apiKeyId != null ? activeKeyIds(db, [viewer.apiKeyId]) : null;
      active?.catch(() => {}); // awaited below, once the budgets have answered
      await admission.admit(deps.addressOf(ctx.extra.request), key ?? null);
      if (active && !(await active).has(viewer!.apiKeyId!)) {
        refuse(socket);
        throw new UnauthenticatedError('Invalid or revoked API key');
      }
    } catch (error) {
      return [toGraphQLError(error, errorOpts)];
    }
    let document: DocumentNode;
    try {
      document = parse(payload.query, PARSE_OPTIONS);
    } catch (error) {
      return [toGraphQLError(error, errorOpts, 'GRAPHQL_PARSE_FAILED')];
    }
    const errors = validate(deps.schema, document, [...specifiedRules, ...deps.rules]);
    if (errors.length > 0) return errors.map((e) => toGraphQLError(e, errorOpts, 'GRAPHQL_VALIDATION_FAILED'));
    // As over HTTP, a document whose operation cannot be told is the client's error (graphql-ws would throw it as ours).
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) {
      const why = payload.operationName ? `Unknown operation named "${payload.operationName}".` : 'Must provide operation name if query contains multiple operations.';
      return [toGraphQLError(new Error(why), errorOpts, 'OPERATION_RESOLUTION_FAILURE')];
    }
    // As over HTTP, variables that do not fit their types (a fraction for an Int, an unknown enum value, a
    // missing required field) are the client's BAD_USER_INPUT; graphql-js would answer them without a code.
    const coerced = getVariableValues(deps.schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 50 });
    if (coerced.errors) return coerced.errors.map((e) => toGraphQLError(e, errorOpts, 'BAD_USER_INPUT'));
    const contextValue = operation.operation === 'subscription' && events ? { ...context, pubsub: events } : context;
    return { schema: deps.schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
  };
  /** Each subscription's publications kept from its subscribe's arrival until it has subscribed, by its context. */
  const subscribing = new WeakMap<Context, { stop(): void }>();
  const server = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema: deps.schema,
      // A key travels in connectionParams as `apiKey` or `authorization: "Bearer …"`; a bad one closes with 4403,
      // as does one sent in another form (a number, "Basic …", a key without "Bearer"): never an anonymous socket.
      onConnect: async (ctx) => {
        // Before any wait: a socket that closes during one has its onClose run then, which takes it out again.
        connections.add(ctx);
        // Refused, the socket is closing with 1013 already: graphql-ws's 4403 then finds it closing.
        if (!(await admitted.get(ctx.extra.socket))) return false;
        const key = keyIn(ctx.connectionParams ?? {});
        ctx.extra.key = key ?? null;
        ctx.extra.viewer = null;
        if (key === undefined) return holdSocket(ctx.extra, ctx.extra.socket, deps.addressOf(ctx.extra.request));
        if (key === null) return false;
        try {
          ctx.extra.viewer = await authenticate({ db, now: now() }, key);
        } catch (error) {
          if (error instanceof UnauthenticatedError) return false;
          // Not the key's fault (the database away): 1013, which clients retry, not 4403, which tells them the key
          // is bad (an app may sign its user out on it). graphql-ws's own 4403 then finds the socket closing.
          deps.logger.error({ err: error }, 'authenticating a WebSocket connection failed');
          ctx.extra.socket.close(TRY_AGAIN_LATER, SERVICE_UNAVAILABLE);
          return false;
        }
        if (!holdSocket(ctx.extra, ctx.extra.socket, deps.addressOf(ctx.extra.request))) return false;
        if (ctx.extra.viewer.apiKeyId !== null) keyed.set(ctx.extra.socket, ctx.extra.viewer.apiKeyId);
        return true;
      },
      // A ping is a request too: answered without end, one socket's pings took every other client's answers from ms to seconds.
      onPing: async (ctx) => {
        await admitOrClose(ctx.extra.socket, ctx.extra.request, ctx.extra.key ?? null);
      },
      onClose: (ctx) => {
        connections.delete(ctx);
        keyed.delete(ctx.extra.socket);
        releaseSocket(ctx.extra);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const context = deps.contextFor(ctx.extra.viewer ?? null);
        // Publications kept from the message's arrival, not from the end of its round trips (see fromNow); only a
        // document that names a subscription can hold one.
        const events = /\bsubscription\b/.test(payload.query) ? fromNow(context.pubsub) : null;
        const prepared = await prepare(ctx, payload, context, events);
        // A subscription's context reads `events` until it has subscribed; an error or another operation keeps none.
        if (events && !Array.isArray(prepared) && prepared.contextValue !== context) subscribing.set(prepared.contextValue, events);
        else events?.stop();
        return prepared;
      },
      // The subscription has subscribed (or failed to): what its resolver did not ask for is no longer kept.
      onOperation: (_ctx, _id, _payload, args) => {
        subscribing.get(args.contextValue as Context)?.stop();
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e, errorOpts)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e, errorOpts)),
    },
    wsServer,
  );

  /** A re-check still waiting for its answer: a database slow to answer is not sent another every 2 s on top. */
  let rechecking = false;
  const sweep = setInterval(() => {
    if (keyed.size === 0 || rechecking) return;
    rechecking = true;
    // Only the keys read: a socket opened while the read was on its way (a round trip on PostgreSQL) has a key it did not ask about.
    const read = new Set(keyed.values());
    activeKeyIds(db, [...read])
      .then(
        (active) => {
          for (const [socket, keyId] of keyed) if (read.has(keyId) && !active.has(keyId)) refuse(socket);
        },
        () => {}, // a failed check runs again at the next sweep
      )
      .finally(() => (rechecking = false));
  }, KEY_RECHECK_MS);
  sweep.unref();

  return {
    async dispose() {
      clearInterval(sweep);
      deps.httpServer.off('upgrade', upgrade);
      await server.dispose();
    },
  };
}

/** Messages sent on a socket and not yet written out that mean its client has stopped reading (graphql-ws waits for each of an operation's before the next). */
const MOST_UNWRITTEN_MESSAGES = 1_000;

/**
 * Drops the socket (no close frame: its client is not reading) once MOST_UNWRITTEN_MESSAGES wait to be written out:
 * every ping is answered, and a client that sent them without reading the pongs had the service keep each in memory
 * until the keep-alive noticed, hundreds of MB from one socket. Sends failing because the socket went meanwhile are no
 * fault of the service's, and graphql-ws would log each with its stack: they count as sent.
 */
function dropWhenNotRead(socket: WebSocket): void {
  let unwritten = 0;
  const send = socket.send.bind(socket);
  socket.send = ((data: string, done?: () => void) => {
    // Not those a burst of messages answered at once has waiting, while the system still takes every write.
    if (unwritten >= MOST_UNWRITTEN_MESSAGES && socket.bufferedAmount > 0) {
      socket.terminate();
      return done?.();
    }
    unwritten++;
    send(data, () => {
      unwritten--;
      done?.();
    });
  }) as WebSocket['send'];
}

/**
 * The API key in connectionParams: `apiKey` (spaces and line breaks around it dropped), else `authorization` (its name in any case, as the HTTP header's)
 * holding "Bearer <key>". Undefined when neither is sent; null when one is sent in a form that holds no key.
 */
function keyIn(params: Record<string, unknown>): string | null | undefined {
  // Trimmed as HTTP trims a header: a key read from a file (readFileSync) ends in a line break.
  if (params.apiKey != null) return typeof params.apiKey === 'string' && params.apiKey.trim() !== '' ? params.apiKey.trim() : null;
  const name = Object.keys(params).find((k) => k.toLowerCase() === 'authorization');
  const header = name === undefined ? undefined : params[name];
  if (header == null) return undefined;
  return typeof header === 'string' ? bearerKeyOrNull(header) : null;
}
