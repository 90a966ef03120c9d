import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { inputValueIssue } from './input-value-errors';
import { isDatabaseAway } from '../../db/errors';
import { DomainError, NotFoundError, RateLimitedError, type DomainErrorCode } from '../errors';
import type { Logger } from '../logger';

/** The one table from domain error to what a client sees: its GraphQL code, and its HTTP status outside a GraphQL response. */
const DOMAIN_ERROR_ANSWER: Record<DomainErrorCode, { code: string; status: number }> = {
  VALIDATION: { code: 'BAD_USER_INPUT', status: 400 },
  UNAUTHENTICATED: { code: 'UNAUTHENTICATED', status: 401 },
  FORBIDDEN: { code: 'FORBIDDEN', status: 403 },
  NOT_FOUND: { code: 'NOT_FOUND', status: 404 },
  CONFLICT: { code: 'CONFLICT', status: 409 },
  RATE_LIMITED: { code: 'RATE_LIMITED', status: 429 },
};

/** What a request the database did not answer for gets (isDatabaseAway): not a fault of ours, and over once it is back. */
const DATABASE_AWAY = { code: 'SERVICE_UNAVAILABLE', message: 'Service unavailable: the database does not answer; try again later', retryAfterSeconds: 5 };

/** Codes graphql-js and Apollo give to errors in the request itself: safe to show as they are. */
const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export interface ErrorFormatOptions {
  logger: Logger;
  /** Replace "Did you mean …?" hints, which leak schema names, in production. */
  hideSuggestions: boolean;
  /** The API's schema: a value that does not fit it is named with its field, an enum value with those it takes (inputValueIssue). */
  schema?: GraphQLSchema;
}

/**
 * The one mapping from any error to what a client sees, used by HTTP and WebSocket alike:
 * domain errors keep their message and get their code; request errors (parse, validation) pass, a value that
 * does not fit the schema named as a domain error names a field; the database away is SERVICE_UNAVAILABLE;
 * anything else becomes INTERNAL_SERVER_ERROR without internals, and is logged with its stack.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, opts: ErrorFormatOptions): GraphQLFormattedError {
  // What a GraphQLError stands for, through every wrapping: a domain error a validation rule reported (graph/security.ts)
  // comes back from graphql-ws wrapped twice (toGraphQLError keeps the validation error it formatted).
  let original = error;
  while (original instanceof GraphQLError && original.originalError) original = original.originalError;
  if (original instanceof DomainError) {
    return {
      message: original.message,
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions: { code: DOMAIN_ERROR_ANSWER[original.code].code, ...original.details },
    };
  }
  const code = isUncodedClientError(error) ? 'BAD_REQUEST' : isVariableErrorCap(error) ? 'BAD_USER_INPUT' : formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
    // A value written in the query, or an enum's sent in a variable: `input.storageClass: must be one of …`, with the
    // issue as a domain error gives it.
    const found = opts.schema && inputValueIssue(error, opts.schema);
    if (found) {
      const issue = { field: found.field, rule: opts.hideSuggestions ? found.rule.replace(/\.? ?Did you mean .+\?$/, '') : found.rule };
      return { message: `${issue.field}: ${issue.rule}`, ...(formatted.locations && { locations: formatted.locations }), extensions: { code, issues: [issue] } };
    }
    const message = opts.hideSuggestions ? formatted.message.replace(/ ?Did you mean .+\?$/, '') : formatted.message;
    return { message, ...(formatted.locations && { locations: formatted.locations }), extensions: { code } };
  }
  if (isDatabaseAway(original)) {
    opts.logger.error({ err: original, path: formatted.path }, 'the database does not answer');
    return { message: DATABASE_AWAY.message, ...(formatted.path && { path: formatted.path }), extensions: { code: DATABASE_AWAY.code } };
  }
  opts.logger.error({ err: original, path: formatted.path }, 'unexpected error while resolving');
  return {
    message: 'Internal server error',
    ...(formatted.path && { path: formatted.path }),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * Apollo refuses some requests with a 4xx status but no code (a persisted query whose hash does not match its
 * text), which would otherwise read as a server fault.
 */
function isUncodedClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * graphql-js's last error when a request's variables hold more wrong values than it lists (50, e.g. a list of unknown
 * enum values): as much the client's as the errors before it, which Apollo codes BAD_USER_INPUT, but it has no code.
 */
function isVariableErrorCap(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === undefined && error.message === 'Too many errors processing variables, error limit reached. Execution aborted.';
}

/**
 * Any error as the GraphQLError a client may see, through formatError: for places that must hand
 * graphql-ws errors rather than results (refused subscriptions). `code` labels request errors
 * (parse, validation) that graphql-js raises without one.
 */
export function toGraphQLError(error: unknown, opts: ErrorFormatOptions, code?: string): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  const formatted = formatError({ message, ...(code && { extensions: { code } }) }, error, opts);
  // Keep the original: graphql-ws formats these again (onError), and must map them the same way.
  return new GraphQLError(formatted.message, { extensions: formatted.extensions, originalError: error instanceof Error ? error : undefined });
}

/** What body-parser and friends throw: http-errors with a status, and a `type` for the body's faults. */
interface HttpError {
  status?: number;
  type?: string;
  limit?: number;
  encoding?: string;
  /** zlib's, when a body does not decompress as its Content-Encoding says. */
  code?: string;
  /** The raw body, on a parse failure. */
  body?: string;
  /** An Error's, which spreading leaves out: read for a path the router could not decode, never sent as it is. */
  message?: string;
}

/** What the client did wrong, in words; never the raw message, which may hold a file path. */
function clientFault({ status, type, limit, encoding, code, body, message }: HttpError & { status: number }): string {
  if (type === 'entity.parse.failed') return isJson(body) ? 'Request body must be a JSON object, such as {"query": "{ complexes { totalCount } }"}' : 'Request body is not valid JSON';
  if (type === 'entity.too.large') return `Request body exceeds ${limit} bytes`;
  if (type === 'encoding.unsupported') return `Content-Encoding "${encoding}" is not supported: send gzip, deflate, br or none`;
  if (type === 'charset.unsupported') return 'Request body charset is not supported: send UTF-8';
  if (code?.startsWith('Z_')) return 'Request body does not decompress as its Content-Encoding says';
  // Express's router, for a path segment decodeURIComponent refuses (an ID cut in the middle of a character).
  const undecodable = /^Failed to decode param '(.*)'$/s.exec(message ?? '');
  if (undecodable) return `Request path holds ${undecodable[1]}, which is not percent-encoded UTF-8: send IDs and months as the API wrote them`;
  return STATUS_CODES[status] ?? 'Bad request';
}

const CODE_BY_STATUS: Record<number, string> = { 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/**
 * Answers any error as GraphQL-shaped JSON, never Express's HTML page (which shows a stack trace and paths in
 * development): a domain error with its status (and Retry-After when rate limited); a client's fault (a
 * malformed, oversized or wrongly encoded body) with its 4xx status, saying what was wrong; the database away 503
 * SERVICE_UNAVAILABLE with Retry-After; anything else is logged and answered 500. Returns the status sent.
 */
export function sendJsonError(res: ServerResponse, err: unknown, opts: ErrorFormatOptions): number {
  if (err instanceof DomainError) {
    if (err instanceof RateLimitedError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    return sendJson(res, DOMAIN_ERROR_ANSWER[err.code].status, { errors: [formatError({ message: err.message }, err, opts)] });
  }
  const fault = (err ?? {}) as HttpError;
  const { status } = fault;
  if (status && status >= 400 && status < 500) {
    return sendJson(res, status, { errors: [{ message: clientFault({ ...fault, status, message: fault.message }), extensions: { code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST' } }] });
  }
  if (isDatabaseAway(err)) {
    // Not a fault of ours, and over once the database is back (a restart, a failover): a client and a load balancer retry a 503.
    opts.logger.error({ err }, 'the database does not answer');
    res.setHeader('Retry-After', String(DATABASE_AWAY.retryAfterSeconds));
    return sendJson(res, 503, { errors: [{ message: DATABASE_AWAY.message, extensions: { code: DATABASE_AWAY.code } }] });
  }
  opts.logger.error({ err }, 'unexpected error while serving a request');
  return sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}

/** A 400 for a fault in the request itself (its target, its framing), saying what was wrong. Returns the status sent. */
export function sendBadRequest(res: ServerResponse, message: string): number {
  return sendJson(res, 400, { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
}

function sendJson(res: ServerResponse, status: number, body: unknown): number {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) }).end(json);
  return status;
}

/** The app's last handlers: a path nothing serves is NOT_FOUND, and every error is answered by sendJsonError. */
export function jsonErrors(opts: ErrorFormatOptions): [RequestHandler, ErrorRequestHandler] {
  return [
    (req, _res, next) => next(new NotFoundError(`${req.method} ${req.path}`)),
    (err: unknown, _req, res, next) => {
      if (res.headersSent) return next(err);
      sendJsonError(res, err, opts);
    },
  ];
}

/** Whether `text` parses as JSON: body-parser refuses `null`, `42` or `"text"` as it refuses malformed JSON. */
function isJson(text: string | undefined): boolean {
  try {
    JSON.parse(text ?? '');
    return true;
  } catch {
    return false;
  }
}

/** What Node's parser refuses before a request exists, in words and with its status. */
function parseFault(code: string | undefined): { status: number; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, message: 'Request line and headers exceed 16 KB: send long queries in a POST body, not the URL' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, message: 'Request was not received in time' };
  return { status: 400, message: 'Malformed HTTP request' };
}

/**
 * Answers what Node's HTTP parser refuses (a URL or headers over its 16 KB, a malformed request line), and a CONNECT,
 * in the same GraphQL-shaped JSON as every other error, where Node would send a bare status line or nothing, then
 * closes the connection.
 */
export function answerParseErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // As Node does: nothing is written on a closed connection, or into an answer already going out on it.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) return void socket.destroy();
    const { status, message } = parseFault(err.code);
    endSocketWithJson(socket, status, 'BAD_REQUEST', message);
  });
  // Without a listener Node closes a CONNECT's connection without a word: a client set up to use this as a proxy.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) =>
    endSocketWithJson(socket, 405, 'BAD_REQUEST', 'CONNECT is not served: this is no proxy. Send GraphQL to /graphql with POST (or GET for queries)', { allow: 'GET, HEAD, POST' }),
  );
}

/** Answers on a connection that has no ServerResponse (a request Node cannot parse, an upgrade) in GraphQL-shaped JSON, and closes it. */
export function endSocketWithJson(socket: Duplex, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const json = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  const more = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(json)}\r\n${more}connection: close\r\n\r\n${json}`);
}
