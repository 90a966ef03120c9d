import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

describe('request log', () => {
  const tmp = tempDir();
  const lines: string[] = [];
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dbPath: `${tmp.dir}/log.db`, env: { LOG_LEVEL: 'info' }, logTo: { write: (line: string) => void lines.push(line) } });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('writes one line per request with its id, method, url, status and latency, and never the API key', async () => {
    const { apiKey } = server.keyOf('OPERATOR');
    const first = await gql(server.url, '{ viewer { name } }', {}, { apiKey, headers: { cookie: 'session=secret-cookie' } });
    const second = await gql(server.url, '{ complexes(first: 1) { edges { node { code } } } }');
    expect([first.status, second.status]).toEqual([200, 200]);

    const requests = lines.map((l) => JSON.parse(l) as { msg: string; req: { id?: unknown } }).filter((l) => l.msg === 'request completed');
    expect(requests).toHaveLength(2);
    for (const line of requests) {
      expect(line).toMatchObject({ level: 30, req: { method: 'POST', url: '/graphql' }, res: { statusCode: 200 }, responseTime: expect.any(Number) });
      expect(line.req.id).toBeDefined();
    }
    expect(requests[0]!.req.id).not.toEqual(requests[1]!.req.id);
    expect([first.headers.get('x-request-id'), second.headers.get('x-request-id')]).toEqual(requests.map((l) => l.req.id));
    const all = lines.join('\n');
    expect(all).not.toContain(apiKey);
    expect(all).not.toContain('secret-cookie');
  });

  it("keeps a proxy's plain X-Request-Id, and replaces one that is not a plain token", async () => {
    const kept = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'lb-7f3a.42' }, body: '{"query":"{ complexes(first: 1) { totalCount } }"}' });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.42');
    const replaced = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'no\tspaces or <tags>' }, body: '{"query":"{ complexes(first: 1) { totalCount } }"}' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; req?: { id?: string } }).filter((l) => l.msg === 'request completed').map((l) => l.req!.id);
    expect(logged).toContain('lb-7f3a.42');
    expect(logged).toContain(replaced.headers.get('x-request-id'));
  });

  it('logs refused requests at warn and the routes outside GraphQL too, each with its id', async () => {
    const from = lines.length;
    const refused = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nonsense' }, body: '{"query":"{ viewer { name } }"}' });
    const health = await fetch(server.url.replace('/graphql', '/healthz?probe=1'));
    expect([refused.status, health.status]).toEqual([401, 200]);
    // Only the requests' lines: the service's own jobs (the insights roll-up at start) may log in between.
    const logged = lines
      .slice(from)
      .map((l) => JSON.parse(l) as { level: number; msg: string; req: { id: string; url: string }; res: { statusCode: number } })
      .filter((l) => l.msg === 'request completed');
    expect(logged).toMatchObject([
      { level: 40, msg: 'request completed', req: { id: refused.headers.get('x-request-id'), url: '/graphql' }, res: { statusCode: 401 } },
      { level: 30, msg: 'request completed', req: { id: health.headers.get('x-request-id'), url: '/healthz?probe=1' }, res: { statusCode: 200 } },
    ]);
  });

  it('serves queries by GET, with the query string, and refuses a GET that could be a cross-site request', async () => {
    const query = encodeURIComponent('{ complexes(first: 1) { totalCount } }');
    const ok = await fetch(`${server.url}?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(await ok.json()).toEqual({ data: { complexes: { totalCount: 7 } } });
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const simple = await fetch(`${server.url}?query=${query}`);
    expect(simple.status).toBe(400);
  });
});
