import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** The request's target, as it came on the wire: path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves once `count` requests arrived (at most 10 s). */
  waitFor(count: number): Promise<Received[]>;
  close(): Promise<void>;
}

/**
 * A real HTTP receiver on a free loopback port (or `port`, to come back on the same URL). `respond` decides
 * each answer's status from the number of requests so far (1 for the first), answering once it resolves; 204 by default.
 */
export async function startReceiver(opts: { port?: number; respond?: (n: number) => number | Promise<number> } = {}): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', async () => {
      received.push({ url: req.url ?? '', headers: req.headers, body });
      res.writeHead((await opts.respond?.(received.length)) ?? 204).end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    waitFor(count) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`received ${received.length} of ${count} deliveries`)), 10_000);
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve(received.slice(0, count));
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
