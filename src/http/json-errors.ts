import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import { DomainError, formatError, RateLimitedError, type DomainErrorCode, type ErrorFormatOptions } from '../errors';

/** The one HTTP status for each domain error, wherever it is answered outside a GraphQL response. */
export const HTTP_STATUS: Record<DomainErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
};

/** What body-parser and friends throw: http-errors with a status, and a `type` for the body's faults. */
interface HttpError {
  status?: number;
  type?: string;
  limit?: number;
  encoding?: string;
  /** zlib's, when a body does not decompress as its Content-Encoding says. */
  code?: string;
}

/** What the client did wrong, in words; never the raw message, which may hold a file path. */
function clientFault({ status, type, limit, encoding, code }: HttpError & { status: number }): string {
  if (type === 'entity.parse.failed') return 'Request body is not valid JSON';
  if (type === 'entity.too.large') return `Request body exceeds ${limit} bytes`;
  if (type === 'encoding.unsupported') return `Content-Encoding "${encoding}" is not supported: send gzip, deflate, br or none`;
  if (type === 'charset.unsupported') return 'Request body charset is not supported: send UTF-8';
  if (code?.startsWith('Z_')) return 'Request body does not decompress as its Content-Encoding says';
  return STATUS_CODES[status] ?? 'Bad request';
}

const CODE_BY_STATUS: Record<number, string> = { 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/**
 * Answers any error as GraphQL-shaped JSON, never Express's HTML page (which shows a stack trace and paths in
 * development): a domain error with its status (and Retry-After when rate limited); a client's fault (a
 * malformed, oversized or wrongly encoded body) with its 4xx status, saying what was wrong; anything else is
 * logged and answered 500.
 */
export function sendJsonError(res: ServerResponse, err: unknown, opts: ErrorFormatOptions): void {
  if (err instanceof DomainError) {
    if (err instanceof RateLimitedError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    return sendJson(res, HTTP_STATUS[err.code], { errors: [formatError({ message: err.message }, err, opts)] });
  }
  const fault = (err ?? {}) as HttpError;
  const { status } = fault;
  if (status && status >= 400 && status < 500) {
    return sendJson(res, status, { errors: [{ message: clientFault({ ...fault, status }), extensions: { code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST' } }] });
  }
  opts.logger.error({ err }, 'unexpected error while serving a request');
  sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) }).end(json);
}

/** The last error handler of the app: see sendJsonError. */
export function jsonErrors(opts: ErrorFormatOptions): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    sendJsonError(res, err, opts);
  };
}
