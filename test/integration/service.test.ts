import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/global-id';
import { firstResults, gql, keepTriggering, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const COMPLEXES = /* GraphQL */ `
  query ($first: Int, $after: String) {
    complexes(first: $first, after: $after) {
      totalCount
      edges { cursor node { id code nameKo nameEn tenantCompanies industries centroid { lat lng } serviceAreaCells centre { id nameKo crossDockPalletsPerDay } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

describe('runnable service', () => {
  const tmp = tempDir();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'service.db') });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('serves the seven complexes over HTTP with Relay pagination', async () => {
    const first = await gql<{ complexes: { totalCount: number; edges: { node: { code: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(server.url, COMPLEXES, { first: 4 });
    expect(first.status).toBe(200);
    const page1 = first.body.data!.complexes;
    expect(page1.totalCount).toBe(7);
    expect(page1.edges.map((e) => e.node.code)).toEqual(['BANWOL_SIHWA', 'CHANGWON', 'NAMDONG', 'GUMI']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await gql<typeof first.body.data>(server.url, COMPLEXES, { first: 4, after: page1.pageInfo.endCursor });
    const page2 = second.body.data!.complexes;
    expect(page2.edges.map((e) => e.node.code)).toEqual(['GWANGJU_CHEOMDAN', 'YEOSU', 'DAEGU_SEONGSEO']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('caps first and names the rule', async () => {
    const res = await gql(server.url, COMPLEXES, { first: 1000 });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/^first: /);
  });

  it('fetches a complex by code and again by its global id through node()', async () => {
    const one = await gql<{ complex: { id: string; nameKo: string; centre: { id: string; opensAt: string; closesAt: string } } }>(
      server.url,
      '{ complex(code: "CHANGWON") { id nameKo centre { id opensAt closesAt } } }',
    );
    expect(one.body.data!.complex.nameKo).toBe('창원');
    expect(one.body.data!.complex.centre).toMatchObject({ opensAt: '07:00', closesAt: '22:00' });
    const node = await gql<{ a: { code: string }; b: { nameEn: string } }>(
      server.url,
      'query ($a: ID!, $b: ID!) { a: node(id: $a) { ... on Complex { code } } b: node(id: $b) { ... on LogisticsCentre { nameEn } } }',
      { a: one.body.data!.complex.id, b: one.body.data!.complex.centre.id },
    );
    expect(node.body.data).toEqual({ a: { code: 'CHANGWON' }, b: { nameEn: 'Changwon Joint Logistics Centre' } });
    const missing = await gql(server.url, '{ node(id: "bm9wZToxMjM") { id } }');
    expect(missing.body.data).toEqual({ node: null });
    // A local id no record can have is as unknown as any other, not an error about an argument the query lacks.
    for (const id of [toGlobalId('Complex', -1), toGlobalId('Complex', 0)]) expect((await gql(server.url, 'query ($id: ID!) { node(id: $id) { id } }', { id })).body).toEqual({ data: { node: null } });
    // Nor is a type named like a property every object has: unknown, not an internal error.
    for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect((await gql(server.url, 'query ($id: ID!) { node(id: $id) { id } }', { id: toGlobalId(type, 1) })).body, type).toEqual({ data: { node: null } });
    }
  });

  it('returns NOT_FOUND for an unknown complex code', async () => {
    const res = await gql(server.url, '{ complex(code: "NOWHERE") { code } }');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('marks GraphQL responses, errors included, cache-control: no-store', async () => {
    for (const query of ['{ complexes(first: 1) { edges { node { code } } } }', '{ complex(code: "NOWHERE") { code } }', '{ nonsense }']) {
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      expect(response.headers.get('cache-control'), query).toBe('no-store');
    }
  });

  it('answers healthz and readyz', async () => {
    const base = server.url.replace('/graphql', '');
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-powered-by')).toBeNull();
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('delivers a complexActivity event to the complex operator over a real graphql-ws client', async () => {
    const client = wsClient(server.wsUrl, { apiKey: server.keyOf('OPERATOR', 'GUMI').apiKey });
    try {
      const results = firstResults<{ complexActivity: { complexCode: string; kind: string; summary: string } }>(client, {
        query: 'subscription { complexActivity(code: "GUMI") { complexCode kind at summary } }',
      });
      const [event] = await keepTriggering(results, () => {
        server.pubsub.publish('complexActivity', { id: 'other', complexCode: 'YEOSU', kind: 'REQUEST_POSTED', at: new Date(), summary: 'other complex', summaryKo: '다른 단지' });
        server.pubsub.publish('complexActivity', { id: 'hello', complexCode: 'GUMI', kind: 'REQUEST_POSTED', at: new Date(), summary: 'hello Gumi', summaryKo: '구미' });
      });
      expect(event!.data!.complexActivity).toEqual({ complexCode: 'GUMI', kind: 'REQUEST_POSTED', at: expect.any(String), summary: 'hello Gumi' });
    } finally {
      await client.dispose();
    }
  });

  it('refuses a subscription to an unknown complex with NOT_FOUND over WebSocket', async () => {
    const client = wsClient(server.wsUrl, { apiKey: server.keyOf('ADMIN').apiKey });
    try {
      const [result] = await firstResults(client, { query: 'subscription { complexActivity(code: "NOWHERE") { kind } }' });
      expect(result!.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    } finally {
      await client.dispose();
    }
  });
});
