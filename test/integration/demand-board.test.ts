import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { cellToLatLng, getResolution, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/global-id';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { statementsDuring } from '../helpers/sql';

const HOUR = 3_600_000;
const BOARD = /* GraphQL */ `
  query ($complexCode: String!, $filter: OpenLoadFilter, $first: Int, $after: String) {
    openLoadBoard(complexCode: $complexCode, filter: $filter, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        distanceKm
        node {
          id
          originArea { cell resolution centre { lat lng } }
          destinationArea { cell resolution centre { lat lng } }
          weightKg pallets cargoClass loadingAtOrigin loadingAtDestination pickupWindow { from until } deliverBy needsStorage
        }
      }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
`;
const CREATE = 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id shipper { name } } } }';
const OPEN_LOAD_NODE = 'query ($id: ID!) { node(id: $id) { __typename ... on OpenLoad { id pallets } } }';

interface Load {
  id: string;
  originArea: { cell: string; resolution: number; centre: { lat: number; lng: number } };
  destinationArea: { cell: string; resolution: number; centre: { lat: number; lng: number } };
  pallets: number;
  cargoClass: string;
  pickupWindow: { from: string; until: string };
  needsStorage: boolean;
}
interface BoardResult {
  openLoadBoard: {
    totalCount: number;
    edges: { cursor: string; distanceKm: number | null; node: Load }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  };
}

const ORIGIN = { lat: 37.3312, lng: 126.7634 };
const DESTINATION = { lat: 35.1798, lng: 129.075 };
const SECRET_NOTES = 'ring 010-1234-5678, gate 7';

describe('open-load board', () => {
  const tmp = tempDir();
  let server: TestServer;
  const loadIds: string[] = [];
  let requestId: string;
  let shipperName: string;
  const board = (apiKey: string | undefined, variables: Record<string, unknown> = {}) =>
    gql<BoardResult>(server.url, BOARD, { complexCode: 'BANWOL_SIHWA', ...variables }, { apiKey });

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'demand-board.db') });
    const post = async (apiKey: string, overrides: Record<string, unknown>) => {
      const now = Date.now();
      const input = {
        idempotencyKey: randomUUID(),
        origin: ORIGIN,
        destination: DESTINATION,
        weightKg: 2_000,
        pallets: 4,
        cargoClass: 'GENERAL',
        loadingAtOrigin: 'FORKLIFT',
        loadingAtDestination: 'FORKLIFT',
        pickupWindow: { from: new Date(now + 3 * HOUR).toISOString(), until: new Date(now + 5 * HOUR).toISOString() },
        deliverBy: new Date(now + 24 * HOUR).toISOString(),
        ...overrides,
      };
      const res = await gql<{ shipmentRequestCreate: { shipmentRequest: { id: string; shipper: { name: string } } } }>(server.url, CREATE, { input }, { apiKey });
      return res.body.data!.shipmentRequestCreate.shipmentRequest;
    };
    const banwol = server.keyOf('MANUFACTURER').apiKey;
    const first = await post(banwol, { notes: SECRET_NOTES, maxPriceKrw: 777_777, storage: { pallets: 2, days: 3, storageClass: 'AMBIENT' } });
    requestId = first.id;
    shipperName = first.shipper.name;
    await post(banwol, { origin: { lat: 37.36, lng: 126.8 }, cargoClass: 'CHILLED', pickupWindow: { from: new Date(Date.now() + 1 * HOUR).toISOString(), until: new Date(Date.now() + 2 * HOUR).toISOString() } });
    await post(banwol, { origin: { centre: true }, pallets: 10 });
    await post(server.keyOf('MANUFACTURER', 'CHANGWON').apiKey, { origin: { centre: true } });
    const edges = (await board(server.keyOf('CARRIER').apiKey)).body.data!.openLoadBoard.edges;
    loadIds.push(...edges.map((e) => e.node.id));
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('has a type without any shipper field, and edges that only lead to it', async () => {
    const res = await gql<{ __type: { fields: { name: string }[] } }>(server.url, '{ __type(name: "OpenLoad") { fields { name } } }');
    expect(res.body.data!.__type.fields.map((f) => f.name).sort()).toEqual(
      ['cargoClass', 'deliverBy', 'destinationArea', 'id', 'loadingAtDestination', 'loadingAtOrigin', 'needsStorage', 'originArea', 'pallets', 'pickupWindow', 'weightKg'].sort(),
    );
    const area = await gql<{ __type: { fields: { name: string }[] } }>(server.url, '{ __type(name: "H3Area") { fields { name } } }');
    expect(area.body.data!.__type.fields.map((f) => f.name).sort()).toEqual(['cell', 'centre', 'resolution']);
    const edge = await gql<{ __type: { fields: { name: string; type: { ofType: { name: string } | null; name: string | null } }[] } }>(
      server.url,
      '{ __type(name: "OpenLoadEdge") { fields { name type { name ofType { name } } } } }',
    );
    expect(edge.body.data!.__type.fields.find((f) => f.name === 'node')!.type.ofType!.name).toBe('OpenLoad');
  });

  it("shows the complex's OPEN loads to its carriers, soonest pickup first, with coarse areas and no shipper data", async () => {
    const res = await board(server.keyOf('CARRIER').apiKey);
    const { edges, totalCount } = res.body.data!.openLoadBoard;
    expect(totalCount).toBe(3);
    const froms = edges.map((e) => Date.parse(e.node.pickupWindow.from));
    expect(froms).toEqual([...froms].sort((a, b) => a - b));
    expect(edges[0]!.node.cargoClass).toBe('CHILLED');
    const withStorage = edges.find((e) => e.node.needsStorage)!.node;
    expect(withStorage.originArea).toEqual({ cell: latLngToCell(ORIGIN.lat, ORIGIN.lng, 7), resolution: 7, centre: expect.any(Object) });
    expect(getResolution(withStorage.destinationArea.cell)).toBe(5);
    const [lat, lng] = cellToLatLng(withStorage.originArea.cell);
    expect(withStorage.originArea.centre).toEqual({ lat, lng });
    const raw = JSON.stringify(res.body);
    for (const secret of [shipperName, SECRET_NOTES, '777777', String(ORIGIN.lat), String(ORIGIN.lng), String(DESTINATION.lat), 'shipper', 'notes', 'maxPrice']) expect(raw).not.toContain(secret);
    // A load's global ID is of its own type, never the request's.
    expect(loadIds).not.toContain(requestId);
    for (const id of loadIds) expect(fromGlobalId(id)!.type).toBe('OpenLoad');
  });

  it('is for carriers and operators of the complex, and admins; FORBIDDEN to everyone else', async () => {
    expect((await board(server.keyOf('OPERATOR').apiKey)).body.data!.openLoadBoard.totalCount).toBe(3);
    expect((await board(server.keyOf('ADMIN').apiKey)).body.data!.openLoadBoard.totalCount).toBe(3);
    expect((await board(server.keyOf('CARRIER', 'CHANGWON').apiKey, { complexCode: 'CHANGWON' })).body.data!.openLoadBoard.totalCount).toBe(1);
    for (const apiKey of [server.keyOf('CARRIER', 'CHANGWON').apiKey, server.keyOf('OPERATOR', 'CHANGWON').apiKey, server.keyOf('MANUFACTURER').apiKey, server.keyOf('WAREHOUSE_OWNER').apiKey]) {
      expect((await board(apiKey)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await board(undefined)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await board(server.keyOf('ADMIN').apiKey, { complexCode: 'NOWHERE' })).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('node(id:) returns a load to carriers of its complex only, and nothing once it is no longer open', async () => {
    const id = loadIds[0]!;
    const node = (apiKey: string) => gql<{ node: { __typename: string; id: string } | null }>(server.url, OPEN_LOAD_NODE, { id }, { apiKey });
    expect((await node(server.keyOf('CARRIER').apiKey)).body.data!.node).toMatchObject({ __typename: 'OpenLoad', id });
    expect((await node(server.keyOf('OPERATOR').apiKey)).body.data!.node).toMatchObject({ id });
    for (const apiKey of [server.keyOf('CARRIER', 'CHANGWON').apiKey, server.keyOf('MANUFACTURER').apiKey, server.keyOf('WAREHOUSE_OWNER').apiKey]) {
      expect((await node(apiKey)).body.data!.node).toBeNull();
    }
    // A load's ID is not a request's ID: it does not fetch the request, not even for its shipper.
    const asRequest = await gql<{ node: unknown }>(server.url, 'query ($id: ID!) { node(id: $id) { id } }', { id }, { apiKey: server.keyOf('MANUFACTURER').apiKey });
    expect(asRequest.body.data!.node).toBeNull();
    const cancelled = await gql(
      server.url,
      'mutation ($input: ShipmentRequestCancelInput!) { shipmentRequestCancel(input: $input) { shipmentRequest { status } } }',
      { input: { shipmentRequestId: requestId, reason: 'plans changed' } },
      { apiKey: server.keyOf('MANUFACTURER').apiKey },
    );
    expect(cancelled.body.data).toEqual({ shipmentRequestCancel: { shipmentRequest: { status: 'CANCELLED' } } });
    const gone = (await board(server.keyOf('CARRIER').apiKey)).body.data!.openLoadBoard;
    expect(gone.totalCount).toBe(2);
    const stillThere = gone.edges.map((e) => e.node.id);
    const cancelledLoad = loadIds.find((l) => !stillThere.includes(l))!;
    expect((await gql<{ node: unknown }>(server.url, OPEN_LOAD_NODE, { id: cancelledLoad }, { apiKey: server.keyOf('CARRIER').apiKey })).body.data!.node).toBeNull();
  });

  it('filters by cargo class, pickup time and distance to the origin area, with cursors', async () => {
    const carrier = server.keyOf('CARRIER').apiKey;
    const chilled = (await board(carrier, { filter: { cargoClass: 'CHILLED' } })).body.data!.openLoadBoard;
    expect(chilled.edges.map((e) => e.node.cargoClass)).toEqual(['CHILLED']);
    const later = (await board(carrier, { filter: { pickupFrom: new Date(Date.now() + 2.5 * HOUR).toISOString() } })).body.data!.openLoadBoard;
    expect(later.edges.every((e) => e.node.cargoClass === 'GENERAL')).toBe(true);

    const near = { lat: 37.36, lng: 126.8, radiusKm: 30 };
    const all = (await board(carrier, { filter: { near } })).body.data!.openLoadBoard;
    const distances = all.edges.map((e) => e.distanceKm!);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    const page1 = (await board(carrier, { filter: { near }, first: 1 })).body.data!.openLoadBoard;
    const page2 = (await board(carrier, { filter: { near }, first: 1, after: page1.pageInfo.endCursor })).body.data!.openLoadBoard;
    expect([page1.edges[0]!.node.id, page2.edges[0]!.node.id]).toEqual(all.edges.slice(0, 2).map((e) => e.node.id));
    expect(page2.pageInfo.hasPreviousPage).toBe(true);
    // A cursor of the unfiltered board does not fit the distance-ordered one.
    const plain = (await board(carrier, { first: 1 })).body.data!.openLoadBoard;
    const mixed = await board(carrier, { filter: { near }, after: plain.pageInfo.endCursor });
    expect(mixed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const next = (await board(carrier, { first: 1, after: plain.pageInfo.endCursor })).body.data!.openLoadBoard;
    expect(next.edges[0]!.node.id).not.toBe(plain.edges[0]!.node.id);
  });
  it("searches by distance only the areas that can hold the complex's loads: a disc far from it is not a query per area", async () => {
    const carrier = server.keyOf('CARRIER').apiKey;
    const { centroid, radiusKm } = (await gql<{ complex: { centroid: { lat: number; lng: number }; radiusKm: number } }>(server.url, '{ complex(code: "BANWOL_SIHWA") { centroid { lat lng } radiusKm } }')).body.data!.complex;
    // 100 km around Busan, or around the equator: no Banwol-Sihwa origin can lie there.
    for (const near of [{ lat: 35.18, lng: 129.08, radiusKm: 100 }, { lat: 0, lng: 0, radiusKm: 100 }]) {
      const statements = await statementsDuring(server.db, async () => {
        const { body } = await board(carrier, { filter: { near } });
        expect(body.data!.openLoadBoard).toMatchObject({ totalCount: 0, edges: [] });
      });
      expect(statements).toBeGreaterThan(0); // the key's check, the board's expiry sweep
      expect(statements).toBeLessThan(20);
    }
    // A disc over the complex's whole service region still finds every load, the one posted at its edge included.
    const edge = { lat: centroid.lat, lng: centroid.lng + (radiusKm + 29.5) / (111.32 * Math.cos((centroid.lat * Math.PI) / 180)) };
    const posted = await gql<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>(server.url, CREATE, { input: {
      idempotencyKey: randomUUID(), origin: edge, destination: DESTINATION, weightKg: 500, pallets: 1, cargoClass: 'GENERAL',
      pickupWindow: { from: new Date(Date.now() + HOUR).toISOString(), until: new Date(Date.now() + 3 * HOUR).toISOString() }, deliverBy: new Date(Date.now() + 30 * HOUR).toISOString(),
    } }, { apiKey: server.keyOf('MANUFACTURER').apiKey });
    const unfiltered = (await board(carrier, { first: 100 })).body.data!.openLoadBoard;
    let wide!: BoardResult['openLoadBoard'];
    // Its thousand areas: the nearest 32 read, the rest counted in one statement and only those holding loads read
    // (a statement each before, and another each for the total).
    const statements = await statementsDuring(server.db, async () => (wide = (await board(carrier, { filter: { near: { ...edge, radiusKm: 100 } }, first: 100 })).body.data!.openLoadBoard));
    expect(statements).toBeLessThan(100);
    expect(wide.edges.map((e) => e.node.id).sort()).toEqual(unfiltered.edges.map((e) => e.node.id).sort());
    expect(wide.totalCount).toBe(unfiltered.totalCount);
    // Paged one load at a time, past the first page by the counts: the same loads, nearest first.
    const paged: BoardResult['openLoadBoard']['edges'] = [];
    for (let after: string | null = null; ; ) {
      const page: BoardResult['openLoadBoard'] = (await board(carrier, { filter: { near: { ...edge, radiusKm: 100 } }, first: 1, after })).body.data!.openLoadBoard;
      paged.push(...page.edges);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged.map((e) => e.node.id)).toEqual(wide.edges.map((e) => e.node.id));
    await gql(server.url, 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "test load" }) { shipmentRequest { id } } }', { id: posted.body.data!.shipmentRequestCreate.shipmentRequest.id }, { apiKey: server.keyOf('MANUFACTURER').apiKey });
  });

  it('shows every field of a page by distance the same whether it is asked alone or with the others (a page reads only the columns asked for)', async () => {
    const carrier = server.keyOf('CARRIER').apiKey;
    const nodes = async (selection: string) => {
      const query = `{ openLoadBoard(complexCode: "BANWOL_SIHWA", filter: { near: { lat: ${ORIGIN.lat}, lng: ${ORIGIN.lng}, radiusKm: 30 } }, first: 20) { edges { node { ${selection} } } } }`;
      const res = await gql<{ openLoadBoard: { edges: { node: Record<string, unknown> }[] } }>(server.url, query, {}, { apiKey: carrier });
      if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
      return res.body.data.openLoadBoard.edges.map((e) => e.node);
    };
    const selections = [
      'id', 'originArea { cell resolution centre { lat lng } }', 'destinationArea { cell resolution centre { lat lng } }', 'weightKg', 'pallets', 'cargoClass',
      'loadingAtOrigin', 'loadingAtDestination', 'pickupWindow { from until }', 'deliverBy', 'needsStorage',
    ];
    const everything = await nodes(selections.join(' '));
    expect(everything.length).toBeGreaterThan(1);
    for (const selection of selections) {
      const field = selection.split(' ')[0]!;
      // Twice: the second run is compiled (src/http/compiled-execution.ts).
      for (let run = 0; run < 2; run++) expect([field, await nodes(selection)]).toEqual([field, everything.map((n) => ({ [field]: n[field] }))]);
    }
  });
});
