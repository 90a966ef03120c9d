import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths never written to logs: credentials over HTTP and over WebSocket connection params. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'connectionParams',
  '*.connectionParams',
  'apiKey',
  '*.apiKey',
];

/**
 * JSON lines to stdout, or to `destination` (tests read what was logged). Stdout is written asynchronously:
 * lines logged while a write is in flight go out together in the next one, instead of one blocking write
 * per request line; pino flushes what is pending when the process exits.
 */
export function createLogger(level: string, destination: DestinationStream = pino.destination({ dest: 1, sync: false })): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
