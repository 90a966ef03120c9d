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

/** JSON lines to stdout, or to `destination` (tests read what was logged). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
