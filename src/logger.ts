import { pino, type Logger } from 'pino';

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

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
