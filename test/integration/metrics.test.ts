import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, wsClient } from '../helpers/clients';
import { spawnService } from '../helpers/process';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const TOKEN = 'metrics-token-0123456789';
const tmp = tempDir();
afterAll(() => tmp.remove());

/** The value of one sample line, e.g. `name{label="x"} 3`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('/metrics with a token on the service port', () => {
  let server: TestServer;
  const metricsUrl = () => server.url.replace('/graphql', '/metrics');
  const scrape = async () => (await fetch(metricsUrl(), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'metrics.db'), env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => server.stop());

  it('is refused without the token', async () => {
    expect((await fetch(metricsUrl())).status).toBe(401);
    expect((await fetch(metricsUrl(), { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
  });

  it('takes the token with the scheme in any case, as /graphql takes an API key', async () => {
    for (const authorization of [`bearer ${TOKEN}`, `BEARER  ${TOKEN}`]) expect((await fetch(metricsUrl(), { headers: { authorization } })).status).toBe(200);
  });

  it('counts GraphQL requests by operation and status, WebSockets, rounds, and database writes', async () => {
    // Four times: from the third, a repeated query is answered without Apollo's pipeline, and still counted.
    for (let i = 0; i < 4; i++) await gql(server.url, 'query PublicComplexes { complexes(first: 2) { totalCount } }');
    await gql(server.url, 'query Broken { nothingHere }');
    // Refused before Apollo reads them (a bad key, a body that is not JSON): counted as unparsed, by status.
    expect((await gql(server.url, 'query BadKey { complexes { totalCount } }', undefined, { apiKey: 'sk_not-a-real-key' })).status).toBe(401);
    expect((await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' })).status).toBe(400);
    const operator = server.keyOf('OPERATOR').apiKey;
    const round = await gql(server.url, 'mutation Round { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }', undefined, { apiKey: operator });
    expect(round.body.errors).toBeUndefined();
    const client = wsClient(server.wsUrl, { apiKey: operator });
    const events = client.iterate({ query: 'subscription { complexActivity(code: "BANWOL_SIHWA") { kind } }' });
    const first = events.next();
    try {
      let text = '';
      for (let i = 0; i < 40 && !(sample(text, 'sandan_websocket_operations')! >= 1); i++) {
        await new Promise((r) => setTimeout(r, 50));
        text = await scrape();
      }
      expect(sample(text, 'sandan_graphql_http_request_duration_seconds_count', { operation: 'PublicComplexes', status: '200' })).toBe(4);
      expect(sample(text, 'sandan_graphql_http_request_duration_seconds_count', { operation: 'Broken', status: '400' })).toBe(1);
      expect(sample(text, 'sandan_graphql_http_request_duration_seconds_count', { operation: 'unparsed', status: '401' })).toBe(1);
      expect(sample(text, 'sandan_graphql_http_request_duration_seconds_count', { operation: 'unparsed', status: '400' })).toBe(1);
      expect(sample(text, 'sandan_matching_round_duration_seconds_count', { complex: 'BANWOL_SIHWA', trigger: 'MANUAL' })).toBe(1);
      expect(sample(text, 'sandan_activity_events_total', { complex: 'BANWOL_SIHWA', kind: 'MATCHING_ROUND_COMPLETED' })).toBe(1);
      expect(sample(text, 'sandan_db_write_transaction_duration_seconds_count')).toBeGreaterThan(0);
      expect(sample(text, 'sandan_websocket_connections')).toBe(1);
      expect(sample(text, 'sandan_websocket_operations')).toBe(1);
      expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      void first;
      await events.return?.();
      await client.dispose();
    }
  });

  it('counts an operation with a very long name as `other`: a client cannot make every scrape megabytes long', async () => {
    const name = `Q${'a'.repeat(50_000)}`;
    expect((await gql(server.url, `query ${name} { complexes(first: 1) { totalCount } }`)).status).toBe(200);
    // Named only in operationName, which the document does not hold: refused, and no label either.
    expect((await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ complexes(first: 1) { totalCount } }', operationName: name }) })).status).toBe(400);
    const text = await scrape();
    expect(text.includes(name)).toBe(false);
    expect(sample(text, 'sandan_graphql_http_request_duration_seconds_count', { operation: 'other', status: '200' })).toBe(1);
    expect(sample(text, 'sandan_graphql_http_request_duration_seconds_count', { operation: 'other', status: '400' })).toBe(1);
  });
});

describe("README's table of metrics", () => {
  it('names every metric of the service with its labels, as a scrape shows them', async () => {
    const server = await startTestServer({ dbPath: join(tmp.dir, 'metrics-readme.db'), seed: false });
    try {
      const served = (server.app.metrics.getMetricsAsArray() as unknown as { name: string; labelNames: string[] }[])
        .filter((m) => m.name.startsWith('sandan_'))
        .map((m) => `${m.name}${m.labelNames.length > 0 ? `{${m.labelNames.join(',')}}` : ''}`);
      const readme = readFileSync('README.md', 'utf8');
      const table = readme.slice(readme.indexOf('| metric | what |'), readme.indexOf('\n\n', readme.indexOf('| metric | what |')));
      const documented = [...table.matchAll(/`(sandan_[a-z_]+(?:\{[a-z,]+\})?)`/g)].map((m) => m[1]);
      expect(documented.sort()).toEqual(served.sort());
    } finally {
      await server.stop();
    }
  });
});

const NOT_FOUND = (path: string) => ({ errors: [{ message: `GET ${path} not found`, extensions: { code: 'NOT_FOUND' } }] });

describe('/metrics elsewhere', () => {
  it('is not served on the public port without a token', async () => {
    const server = await startTestServer({ dbPath: join(tmp.dir, 'no-metrics.db'), seed: false });
    try {
      const response = await fetch(server.url.replace('/graphql', '/metrics'));
      expect([response.status, await response.json()]).toEqual([404, NOT_FOUND('/metrics')]);
    } finally {
      await server.stop();
    }
  });

  it('METRICS_PORT serves it without a token on a listener of its own, loopback by default', async () => {
    const service = await spawnService({ DATABASE_PATH: join(tmp.dir, 'port.db'), DEMO_KEYS_PATH: join(tmp.dir, 'port-keys.json'), METRICS_PORT: '0', MATCHING_INTERVAL_SECONDS: '0' });
    try {
      const line = service.logs.find((l) => l.includes('metrics at'));
      const url = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(line ?? '')?.[1];
      expect(url, service.logs.join('\n')).toBeDefined();
      const text = await (await fetch(url!)).text();
      expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect((await fetch(service.url.replace('/graphql', '/metrics'))).status).toBe(404);
      // Any other path of either listener: JSON, as every error outside GraphQL, never Express's HTML page.
      for (const other of [url!.replace('/metrics', '/nope'), service.url.replace('/graphql', '/nope')]) {
        const response = await fetch(other);
        expect([response.status, response.headers.get('content-type'), await response.json()]).toEqual([404, 'application/json; charset=utf-8', NOT_FOUND('/nope')]);
      }
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });
});
