import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, type GraphQLResponse } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const CREATE = 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }';
const LIST = /* GraphQL */ `
  query ($first: Int, $withShipper: Boolean!) {
    shipmentRequests(first: $first) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges {
        cursor
        distanceKm
        node {
          __typename id status cargoClass weightKg pallets pickupWindow { from until } deliverBy notes maxPriceKrw
          origin { h3Cell isCentre location { lat lng } }
          storage { pallets days storageClass splitAllowed }
          complex { code nameKo }
          shipper @include(if: $withShipper) { name }
        }
      }
    }
  }
`;
const BOARD = /* GraphQL */ `
  query ($near: NearInput!) {
    openLoadBoard(complexCode: "BANWOL_SIHWA", filter: { near: $near }, first: 2) {
      totalCount
      edges { cursor distanceKm node { id originArea { cell resolution centre { lat lng } } destinationArea { cell } pickupWindow { from until } needsStorage } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const NODE = 'query ($id: ID!) { node(id: $id) { __typename id ... on ShipmentRequest { status pallets } ... on Organisation { name } } }';

/**
 * Queries a client repeats run compiled (graphql-jit) from their second time: the answers, errors included, must be
 * those graphql-js gave the first time.
 */
describe('compiled execution of repeated queries', () => {
  const tmp = tempDir();
  let server: TestServer;
  let requestId: string;

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'compiled.db') });
    for (const extra of [{ notes: 'gate 7', maxPriceKrw: 2_500_000, storage: { pallets: 2, days: 3, storageClass: 'AMBIENT' } }, {}]) {
      const now = Date.now();
      const input = {
        idempotencyKey: randomUUID(),
        origin: { lat: 37.3312, lng: 126.7634 },
        destination: { lat: 35.1798, lng: 129.075 },
        weightKg: 2_000,
        pallets: 4,
        cargoClass: 'GENERAL',
        loadingAtOrigin: 'FORKLIFT',
        loadingAtDestination: 'FORKLIFT',
        pickupWindow: { from: new Date(now + 3 * HOUR).toISOString(), until: new Date(now + 5 * HOUR).toISOString() },
        deliverBy: new Date(now + 24 * HOUR).toISOString(),
        ...extra,
      };
      const res = await gql<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>(server.url, CREATE, { input }, { apiKey: server.keyOf('MANUFACTURER').apiKey });
      expect(res.body.errors).toBeUndefined();
      requestId = res.body.data!.shipmentRequestCreate.shipmentRequest.id;
    }
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  /**
   * The same request four times (graphql-js, then compiled within Apollo, then compiled without Apollo's pipeline):
   * returns the first answer once all agree, headers included.
   */
  async function sameEachTime(query: string, variables: Record<string, unknown>, role?: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR'): Promise<GraphQLResponse> {
    const apiKey = role && server.keyOf(role).apiKey;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await gql(server.url, query, variables, { apiKey }));
    const headers = (answer: GraphQLResponse) => [...answer.headers].filter(([name]) => name !== 'date' && name !== 'x-request-id');
    for (const answer of answers.slice(1)) {
      expect(answer.status).toBe(answers[0]!.status);
      expect(answer.body).toEqual(answers[0]!.body);
      expect(headers(answer)).toEqual(headers(answers[0]!));
    }
    return answers[0]!;
  }

  it('answers a repeated query without Apollo only as Apollo would: the same bytes, and what Apollo decides stays with Apollo', async () => {
    const query = '{ complexes(first: 2) { edges { node { code } } } }';
    const post = async (body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return [response.status, response.headers.get('content-type'), await response.text()];
    };
    // The media type asked for, a variables string, persisted-query extensions: answered the same before and after.
    const others = () =>
      Promise.all([
        post({ query }, { accept: 'application/graphql-response+json' }),
        post({ query, variables: '{}' }),
        post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'wrong' } } }),
      ]);
    const before = await others();
    const texts: unknown[][] = [];
    for (let i = 0; i < 4; i++) texts.push(await post({ query }));
    expect(texts.every((t) => JSON.stringify(t) === JSON.stringify(texts[0]))).toBe(true);
    expect(texts[0]![2]).toMatch(/^\{"data":\{"complexes":.*\}\n$/);
    expect(await others()).toEqual(before);
    expect(before.map(([status, type]) => [status, type])).toEqual([
      [200, 'application/graphql-response+json; charset=utf-8'],
      [400, 'application/json; charset=utf-8'],
      [400, 'application/json; charset=utf-8'],
    ]);
  });

  it('answers a page of requests the same: nested objects, nulls, DateTime, Krw, enums, @include', async () => {
    for (const withShipper of [true, false]) {
      const { body } = await sameEachTime(LIST, { first: 5, withShipper }, 'MANUFACTURER');
      const edges = (body.data!.shipmentRequests as { edges: { node: Record<string, unknown> }[] }).edges;
      expect(edges).toHaveLength(2);
      // Newest first.
      expect(edges[0]!.node).toMatchObject({ __typename: 'ShipmentRequest', notes: null, maxPriceKrw: null, storage: null, complex: { code: 'BANWOL_SIHWA' } });
      expect(edges[1]!.node).toMatchObject({ notes: 'gate 7', maxPriceKrw: 2_500_000, storage: { pallets: 2, storageClass: 'AMBIENT' } });
      expect('shipper' in edges[0]!.node).toBe(withShipper);
    }
  });

  it('answers the board by distance the same, with its variables', async () => {
    const { body } = await sameEachTime(BOARD, { near: { lat: 37.33, lng: 126.76, radiusKm: 5 } }, 'CARRIER');
    expect((body.data!.openLoadBoard as { edges: unknown[] }).edges).toHaveLength(2);
  });

  it('resolves node(id:) to its type the same, and null for what the caller may not see', async () => {
    const own = await sameEachTime(NODE, { id: requestId }, 'MANUFACTURER');
    expect(own.body.data!.node).toMatchObject({ __typename: 'ShipmentRequest', id: requestId, pallets: 4 });
    const other = await sameEachTime(NODE, { id: requestId }, 'CARRIER');
    expect(other.body.data?.node ?? null).toBeNull();
  });

  it('reports errors the same: domain errors with their code, location and path, beside the data that resolved', async () => {
    const { body } = await sameEachTime('{ complexes(first: 1) { edges { node { code } } } complex(code: "NOWHERE") { code } }', {});
    expect(body.data).toEqual({ complexes: { edges: [{ node: { code: expect.any(String) } }] }, complex: null });
    expect(body.errors).toEqual([{ message: 'Complex NOWHERE not found', locations: [{ line: 1, column: 51 }], path: ['complex'], extensions: { code: 'NOT_FOUND' } }]);
  });

  it('refuses bad variables the same, naming the rule', async () => {
    const { status, body } = await sameEachTime(LIST, { first: 'five', withShipper: true }, 'MANUFACTURER');
    expect(status).toBe(400);
    const rule = 'must be a whole number such as 1500, written with the digits 0–9 only (no commas, spaces, units or quotes): got "five"';
    expect(body.errors).toEqual([expect.objectContaining({ message: `first: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'first', rule }] } })]);
    const range = await sameEachTime(LIST, { first: 1000, withShipper: true }, 'MANUFACTURER');
    expect(range.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
