/**
 * A cursor continues only the list it was written for, with the same filter and for the same caller: anywhere else,
 * the key it carries (a row id, a position) would silently start some other page.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../helpers/clients';
import { fromNow, marketApi } from '../helpers/market-api';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const GATE = { lat: 37.325, lng: 126.75 };
const SUWON = { lat: 37.2636, lng: 127.0286 };
const REFUSED = { code: 'BAD_USER_INPUT', issues: [{ field: 'after', rule: 'must be a cursor returned by this list with the same filter' }] };

type Page = { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
const PAGE = 'edges { node { id } } pageInfo { hasNextPage endCursor }';
const REQUESTS = `query ($filter: ShipmentRequestFilter, $first: Int, $after: String) { shipmentRequests(filter: $filter, first: $first, after: $after) { ${PAGE} } }`;

describe('a cursor', () => {
  const tmp = tempDir();
  let server: TestServer;
  const api = marketApi(() => server);
  const operator = () => server.keyOf('OPERATOR').apiKey;
  const requests = async (apiKey: string, variables: Record<string, unknown>) => gql<{ shipmentRequests: Page }>(server.url, REQUESTS, variables, { apiKey });
  /** The operator's first page of routes ends with this cursor. */
  let routesCursor: string;

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'cursors.db') });
    for (let i = 0; i < 5; i++) await api.post(GATE, SUWON, 500 + i, 1, 20 * HOUR, 26 * HOUR, 48 * HOUR);
    // A truck of the demo carrier, free from within the hour: the round gives it a route.
    await gql(server.url, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber: '경기12바3456', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: fromNow(HOUR), endsAt: fromNow(72 * HOUR) }], idempotencyKey: randomUUID() },
    }, { apiKey: server.keyOf('CARRIER').apiKey });
    expect((await api.round('id')).length).toBeGreaterThan(0);
    const routes = await gql<{ routes: Page }>(server.url, `{ routes(first: 1) { ${PAGE} } }`, {}, { apiKey: operator() });
    routesCursor = routes.body.data!.routes.pageInfo.endCursor!;
    expect(routesCursor).toEqual(expect.any(String));
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  const lists: [string, string][] = [
    ['shipmentRequests', `query ($after: String) { shipmentRequests(first: 2, after: $after) { totalCount } }`],
    ['bookings', `query ($after: String) { bookings(first: 2, after: $after) { totalCount } }`],
    ['offers', `query ($after: String) { offers(first: 2, after: $after) { totalCount } }`],
    ['matchingRounds', `query ($after: String) { matchingRounds(complexCode: "BANWOL_SIHWA", first: 2, after: $after) { totalCount } }`],
    ['vehicles', `query ($after: String) { vehicles(first: 2, after: $after) { totalCount } }`],
    ['warehouseListings', `query ($after: String) { warehouseListings(first: 2, after: $after) { totalCount } }`],
    ['openLoadBoard', `query ($after: String) { openLoadBoard(complexCode: "BANWOL_SIHWA", first: 2, after: $after) { totalCount } }`],
    ['webhookDeliveries', `query ($after: String) { webhookDeliveries(first: 2, after: $after) { totalCount } }`],
    ['complexes', `query ($after: String) { complexes(first: 2, after: $after) { totalCount } }`],
  ];

  it.each(lists)("of routes is refused by %s naming after, not read as that list's row id", async (_, query) => {
    const { body } = await gql(server.url, query, { after: routesCursor }, { apiKey: operator() });
    expect(body.errors?.[0]?.extensions).toEqual(REFUSED);
  });

  it('of routes is refused by routes with another filter', async () => {
    const { body } = await gql(server.url, `query ($after: String) { routes(first: 1, after: $after, filter: { complexCode: "BANWOL_SIHWA" }) { totalCount } }`, { after: routesCursor }, { apiKey: operator() });
    expect(body.errors?.[0]?.extensions).toEqual(REFUSED);
  });

  it('of shipmentRequests is refused with another filter, and pages on with the same one through every row once', async () => {
    const filter = { status: ['OPEN', 'OFFERED'] };
    const all = (await requests(operator(), { filter, first: 100 })).body.data!.shipmentRequests;
    expect(all.edges.length).toBeGreaterThan(3);
    const first = (await requests(operator(), { filter, first: 2 })).body.data!.shipmentRequests;
    const after = first.pageInfo.endCursor!;

    for (const other of [undefined, { status: ['OPEN'] }, { ...filter, cargoClass: 'GENERAL' }, { ...filter, complexCode: 'BANWOL_SIHWA' }]) {
      expect((await requests(operator(), { filter: other, first: 2, after })).body.errors?.[0]?.extensions).toEqual(REFUSED);
    }

    const seen = first.edges.map((e) => e.node.id);
    let next: string | null = after;
    while (next) {
      // `null` and absent keys are the same filter: a client may send either.
      const page: Page = (await requests(operator(), { filter: { ...filter, cargoClass: null }, first: 2, after: next })).body.data!.shipmentRequests;
      seen.push(...page.edges.map((e) => e.node.id));
      next = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all.edges.map((e) => e.node.id));
  });

  it("of shipmentRequests is refused for another caller, whose rows are others'", async () => {
    const after = (await requests(operator(), { first: 1 })).body.data!.shipmentRequests.pageInfo.endCursor;
    for (const apiKey of [server.keyOf('MANUFACTURER').apiKey, server.keyOf('ADMIN').apiKey]) {
      expect((await requests(apiKey, { first: 1, after })).body.errors?.[0]?.extensions).toEqual(REFUSED);
    }
  });

  it('of a distance search is refused in the list by id, and the reverse; and by a search around another point', async () => {
    const near = { lat: GATE.lat, lng: GATE.lng, radiusKm: 10 };
    const nearCursor = (await requests(operator(), { filter: { near }, first: 1 })).body.data!.shipmentRequests.pageInfo.endCursor;
    const idCursor = (await requests(operator(), { first: 1 })).body.data!.shipmentRequests.pageInfo.endCursor;
    expect((await requests(operator(), { first: 1, after: nearCursor })).body.errors?.[0]?.extensions).toEqual(REFUSED);
    expect((await requests(operator(), { filter: { near }, first: 1, after: idCursor })).body.errors?.[0]?.extensions).toEqual(REFUSED);
    expect((await requests(operator(), { filter: { near: { ...near, radiusKm: 20 } }, first: 1, after: nearCursor })).body.errors?.[0]?.extensions).toEqual(REFUSED);
    expect((await requests(operator(), { filter: { near }, first: 1, after: nearCursor })).body.errors).toBeUndefined();
  });
});
