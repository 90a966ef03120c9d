import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Response } from 'express';
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

/** A domain error as a GraphQL-shaped JSON body with its HTTP status (and Retry-After when rate limited). */
export function sendDomainError(res: Response, error: DomainError, opts: ErrorFormatOptions): void {
  if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.status(HTTP_STATUS[error.code]).json({ errors: [formatError({ message: error.message }, error, opts)] });
}

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
 * The last error handler of the app: every error reaches the client as GraphQL-shaped JSON, never Express's
 * HTML page (which shows a stack trace and paths in development). A client's fault (a malformed, oversized or
 * wrongly encoded body) keeps its 4xx status and says what was wrong; anything else is logged and answered 500.
 */
export function jsonErrors(opts: ErrorFormatOptions): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof DomainError) return sendDomainError(res, err, opts);
    const fault = (err ?? {}) as HttpError;
    const { status } = fault;
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ errors: [{ message: clientFault({ ...fault, status }), extensions: { code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST' } }] });
      return;
    }
    opts.logger.error({ err }, 'unexpected error while serving a request');
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  };
}
