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
 * per request line; `endLogs` writes what is pending before the process exits.
 */
export function createLogger(level: string, destination: DestinationStream = pino.destination({ dest: 1, sync: false })): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

/** Longest wait for the last lines: stdout's reader may be gone (EPIPE turns the stream's end into a no-op). */
const END_TIMEOUT_MS = 2_000;

/**
 * Resolves once every line logged so far is written: await it before process.exit. pino's own flush at exit writes
 * the queued lines synchronously while an asynchronous write may still be on its way, so the last lines could come
 * out of order or not at all (seen: "stopped" before "draining connections"). Nothing should be logged after it.
 */
export function endLogs(logger: Logger): Promise<void> {
  const stream = (logger as unknown as Record<symbol, Partial<NodeJS.WritableStream & { destroyed: boolean }>>)[pino.symbols.streamSym]!;
  if (typeof stream.end !== 'function' || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, END_TIMEOUT_MS);
    stream.once!('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.end!();
  });
}
