import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';

/** A proxy's X-Request-Id when it is a plain token. */
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Each request's id, for its log line and its X-Request-Id response header, so that support can find the line a
 * user's response came from: the caller's (or its proxy's) X-Request-Id when it is a plain token, else a new UUID.
 */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Gives the request its id (X-Request-Id) and writes its one log line when the response is sent or the
 * connection drops: id, method, URL, status and latency (ms), at `info`, `warn` for 4xx and for 503 (said on purpose:
 * draining, the database away; callers retry it), `error` for any other 5xx (the fault itself is logged where it is
 * caught, with its own stack).
 * No header is logged, so no credential is. The line is pino-http's, without its per-request child logger.
 */
export function logRequest(logger: Logger, req: IncomingMessage, res: ServerResponse): void {
  const id = requestId(req);
  const started = Date.now();
  const { method, url } = req; // as received: Express rewrites req.url under a mounted route
  res.setHeader('X-Request-Id', id);
  const done = () => {
    res.off('close', done);
    res.off('finish', done);
    const status = res.statusCode;
    const line = { req: { id, method, url }, res: { statusCode: status }, responseTime: Date.now() - started };
    if (status >= 500 && status !== 503) logger.error(line, 'request errored');
    else logger[status >= 400 ? 'warn' : 'info'](line, res.writableEnded ? 'request completed' : 'request aborted');
  };
  res.on('close', done);
  res.on('finish', done);
}
