import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logRequest } from '../../src/http/request-log';
import { createLogger } from '../../src/logger';

/** A real HTTP server answering each path's status (`/503` → 503), its requests logged as the service logs them. */
describe('request log of a failed request', () => {
  const lines: Array<{ level: number; msg: string; err?: unknown; res: { statusCode: number } }> = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      logRequest(logger, req, res);
      res.statusCode = Number(req.url!.slice(1));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('logs a 500 at error without an invented error (its stack would point at the logger, not the fault)', async () => {
    await fetch(`${base}/500`);
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 500 } });
    expect(lines.at(-1)).not.toHaveProperty('err');
  });

  it('logs a 503 at warn: the service said "not now" on purpose (draining, the database away), and callers retry it', async () => {
    await fetch(`${base}/503`);
    expect(lines.at(-1)).toMatchObject({ level: 40, msg: 'request completed', res: { statusCode: 503 } });
  });
});
