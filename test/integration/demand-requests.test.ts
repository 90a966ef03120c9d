import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipmentRequests } from '../../db/schema';
import { withCheckDigit } from '../../src/auth/business-number';
import { haversineKm } from '../../src/geo/distance';
import { fromGlobalId, toGlobalId } from '../../src/global-id';
import { shipmentRequestVariables } from '../helpers/bookings-fixtures';
import { firstResults, gql, keepTriggering, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const REQUEST_FIELDS = /* GraphQL */ `
  id status complex { code } shipper { id name }
  origin { location { lat lng } isCentre h3Cell } destination { location { lat lng } isCentre h3Cell }
  weightKg pallets cargoClass loadingAtOrigin loadingAtDestination pickupWindow { from until } deliverBy
  storage { pallets days storageClass splitAllowed } maxPriceKrw notes createdAt cancelledAt cancelReason
`;
const CREATE = `mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { ${REQUEST_FIELDS} } } }`;
const CANCEL = `mutation ($input: ShipmentRequestCancelInput!) { shipmentRequestCancel(input: $input) { shipmentRequest { ${REQUEST_FIELDS} } } }`;
const LIST = /* GraphQL */ `
  query ($filter: ShipmentRequestFilter, $first: Int, $after: String) {
    shipmentRequests(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor distanceKm node { id status cargoClass shipper { name } complex { code } } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
`;
const NODE = 'query ($id: ID!) { node(id: $id) { __typename ... on ShipmentRequest { id status } } }';

interface Request {
  id: string;
  status: string;
  shipper: { id: string; name: string };
  complex: { code: string };
  cancelledAt: string | null;
  [field: string]: unknown;
}
interface ListResult {
  shipmentRequests: {
    totalCount: number;
    edges: { cursor: string; distanceKm: number | null; node: { id: string; status: string; cargoClass: string; shipper: { name: string }; complex: { code: string } } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  };
}

const requestInput = shipmentRequestVariables;

describe('shipment requests over GraphQL', () => {
  const tmp = tempDir();
  let server: TestServer;
  let key: Record<'mA' | 'mA2' | 'mC' | 'opB' | 'opC' | 'carrier' | 'warehouse' | 'admin', string>;
  /** Requests posted in beforeAll: two by mA, one by mA2 (both Banwol-Sihwa), one by mC (Changwon). */
  let posted: Record<'a1' | 'a2' | 'a2x' | 'c1', Request>;

  const post = async (apiKey: string, overrides: Record<string, unknown> = {}) => {
    const res = await gql<{ shipmentRequestCreate: { shipmentRequest: Request } }>(server.url, CREATE, { input: requestInput(overrides) }, { apiKey });
    if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
    return res.body.data.shipmentRequestCreate.shipmentRequest;
  };
  const list = async (apiKey: string, filter?: Record<string, unknown>, first?: number, after?: string) =>
    gql<ListResult>(server.url, LIST, { filter, first, after }, { apiKey });
  const idsOf = (res: Awaited<ReturnType<typeof list>>) => res.body.data!.shipmentRequests.edges.map((e) => e.node.id).sort();

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'demand-requests.db') });
    const admin = server.keyOf('ADMIN').apiKey;
    // A second manufacturer in Banwol-Sihwa, with its own key: the neighbour whose requests must stay hidden.
    const org = await gql<{ organisationCreate: { organisation: { id: string } } }>(
      server.url,
      'mutation ($input: OrganisationCreateInput!) { organisationCreate(input: $input) { organisation { id } } }',
      { input: { complexCode: 'BANWOL_SIHWA', role: 'MANUFACTURER', name: '(주)이웃정밀', businessRegistrationNumber: withCheckDigit('417000001') } },
      { apiKey: admin },
    );
    const secret = await gql<{ apiKeyCreate: { secret: string } }>(
      server.url,
      'mutation ($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret } }',
      { input: { organisationId: org.body.data!.organisationCreate.organisation.id, name: 'test' } },
      { apiKey: admin },
    );
    key = {
      mA: server.keyOf('MANUFACTURER').apiKey,
      mA2: secret.body.data!.apiKeyCreate.secret,
      mC: server.keyOf('MANUFACTURER', 'CHANGWON').apiKey,
      opB: server.keyOf('OPERATOR').apiKey,
      opC: server.keyOf('OPERATOR', 'CHANGWON').apiKey,
      carrier: server.keyOf('CARRIER').apiKey,
      warehouse: server.keyOf('WAREHOUSE_OWNER').apiKey,
      admin,
    };
    posted = {
      a1: await post(key.mA),
      a2: await post(key.mA, { cargoClass: 'CHILLED', loadingAtOrigin: 'BY_HAND', loadingAtDestination: 'FORKLIFT', pickupWindow: { from: new Date(Date.now() + 26 * HOUR).toISOString(), until: new Date(Date.now() + 28 * HOUR).toISOString() } }),
      a2x: await post(key.mA2),
      c1: await post(key.mC, { origin: { centre: true } }),
    };
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  describe('shipmentRequestCreate', () => {
    it('posts a request and returns it with its shipper, complex, places and storage need', async () => {
      const input = requestInput({ storage: { pallets: 2, days: 4, storageClass: 'AMBIENT' }, maxPriceKrw: 800_000, notes: 'gate B' });
      const res = await gql<{ shipmentRequestCreate: { shipmentRequest: Request } }>(server.url, CREATE, { input }, { apiKey: key.mA });
      const request = res.body.data!.shipmentRequestCreate.shipmentRequest;
      expect(fromGlobalId(request.id)?.type).toBe('ShipmentRequest');
      expect(request).toMatchObject({
        status: 'OPEN',
        complex: { code: 'BANWOL_SIHWA' },
        shipper: { name: server.keyOf('MANUFACTURER').organisationName },
        origin: { location: { lat: 37.33, lng: 126.76 }, isCentre: false, h3Cell: expect.stringMatching(/^89/) },
        destination: { isCentre: false },
        weightKg: 1_200,
        pallets: 3,
        loadingAtDestination: 'HOIST',
        pickupWindow: input.pickupWindow,
        deliverBy: input.deliverBy,
        storage: { pallets: 2, days: 4, storageClass: 'AMBIENT', splitAllowed: false },
        maxPriceKrw: 800_000,
        notes: 'gate B',
        cancelledAt: null,
      });
    });

    it('names every failing field in one answer: a field\'s own rule and a rule of the complex together; writes nothing', async () => {
      const rows = async () => (await server.db.select({ n: count() }).from(shipmentRequests).get())!.n;
      const before = await rows();
      const res = await gql(server.url, CREATE, { input: requestInput({ pallets: 25, origin: { lat: 35.2, lng: 128.65 } }) }, { apiKey: key.mA });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.issues).toEqual([
        { field: 'input.pallets', rule: expect.stringMatching(/largest vehicle .*20 pallets/) },
        { field: 'input.origin', rule: expect.stringMatching(/within 35 km of the BANWOL_SIHWA complex/) },
      ]);
      expect(await rows()).toBe(before);
    });

    it('names the rules between terms beside a field\'s own fault in the same answer', async () => {
      const rows = async () => (await server.db.select({ n: count() }).from(shipmentRequests).get())!.n;
      const before = await rows();
      const input = requestInput({ weightKg: -5, storage: { pallets: 1, days: 2, storageClass: 'FROZEN' } });
      const late = new Date(new Date(input.pickupWindow.until).getTime() + 30 * 86_400_000).toISOString();
      const res = await gql(server.url, CREATE, { input: { ...input, deliverBy: late } }, { apiKey: key.mA });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.issues).toEqual([
        { field: 'input.weightKg', rule: expect.any(String) },
        { field: 'input.deliverBy', rule: 'must be at most 7 days after pickupWindow.until' },
        { field: 'input.storage.storageClass', rule: 'must suit GENERAL cargo: AMBIENT or BONDED' },
      ]);
      expect(await rows()).toBe(before);
    });

    it('loads and unloads by forklift when the request does not say how', async () => {
      const { loadingAtOrigin: _, loadingAtDestination: __, ...input } = requestInput();
      const res = await gql<{ shipmentRequestCreate: { shipmentRequest: Request } }>(server.url, CREATE, { input }, { apiKey: key.mA });
      expect(res.body.data?.shipmentRequestCreate.shipmentRequest).toMatchObject({ loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT' });
    });

    it('answers BAD_USER_INPUT naming each failing field and rule', async () => {
      const res = await gql(server.url, CREATE, { input: requestInput({ origin: { centre: true, lat: 37.3, lng: 126.7 }, pallets: 25 }) }, { apiKey: key.mA });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.issues).toEqual([
        { field: 'input.origin', rule: expect.stringMatching(/exactly one/) },
        { field: 'input.pallets', rule: expect.stringMatching(/largest vehicle .*20 pallets/) },
      ]);
      const storage = await gql(server.url, CREATE, { input: requestInput({ storage: { pallets: 1, days: 2, storageClass: 'FROZEN' } }) }, { apiKey: key.mA });
      expect(storage.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.storage.storageClass', rule: 'must suit GENERAL cargo: AMBIENT or BONDED' }]);
      const hoist = await gql(server.url, CREATE, { input: requestInput({ cargoClass: 'CHILLED', loadingAtDestination: 'HOIST' }) }, { apiKey: key.mA });
      expect(hoist.body.errors?.[0]?.extensions?.issues).toEqual([
        { field: 'input.loadingAtDestination', rule: 'HOIST cannot load REFRIGERATED or FROZEN, the bodies CHILLED cargo travels in: use FORKLIFT or BY_HAND' },
      ]);
      const far = await gql(server.url, CREATE, { input: requestInput({ origin: { lat: 35.2, lng: 128.65 } }) }, { apiKey: key.mA });
      expect(far.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.origin', rule: expect.stringMatching(/within 35 km of the BANWOL_SIHWA complex/) }]);
      // A deadline too close for a trip from that origin, fine for one from the complex: the origin is the mistake, said once.
      const hour = 3_600_000;
      const window = { pickupWindow: { from: new Date(Date.now() + 2 * hour).toISOString(), until: new Date(Date.now() + 3 * hour).toISOString() }, deliverBy: new Date(Date.now() + 4 * hour).toISOString() };
      const farAndTight = await gql(server.url, CREATE, { input: requestInput({ origin: { lat: 35.2, lng: 128.65 }, destination: { lat: 37.4, lng: 126.8 }, ...window }) }, { apiKey: key.mA });
      expect(farAndTight.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.origin', rule: expect.stringMatching(/within 35 km of the BANWOL_SIHWA complex/) }]);
      // A trip to where the goods already are: the same point, or the centre to itself.
      for (const ends of [{ origin: { lat: 37.33, lng: 126.76 }, destination: { lat: 37.3302, lng: 126.7601 } }, { origin: { centre: true }, destination: { centre: true } }]) {
        const nowhere = await gql(server.url, CREATE, { input: requestInput(ends) }, { apiKey: key.mA });
        expect(nowhere.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.destination', rule: 'must lie at least 100 m from the origin' }]);
      }
    });

    it('refuses a deadline more than 7 days after the pickup window (a year typed wrong), writing nothing; 7 days is accepted', async () => {
      const rows = async () => (await server.db.select({ n: count() }).from(shipmentRequests).get())!.n;
      const before = await rows();
      const until = Date.now() + 6 * HOUR;
      const rule = 'must be at most 7 days after pickupWindow.until';
      for (const deliverBy of ['9999-12-31T23:59:59Z', new Date(until + 7 * 24 * HOUR + 60_000).toISOString()]) {
        const { body } = await gql(server.url, CREATE, { input: requestInput({ deliverBy }) }, { apiKey: key.mA });
        expect(body.errors?.[0], deliverBy).toMatchObject({ message: `input.deliverBy: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'input.deliverBy', rule }] } });
      }
      const storage = await gql(server.url, CREATE, { input: requestInput({ deliverBy: new Date(until + 30 * 24 * HOUR).toISOString(), storage: { pallets: 1, days: 60, storageClass: 'AMBIENT' } }) }, { apiKey: key.mA });
      expect(storage.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.deliverBy', rule }]);
      expect(await rows()).toBe(before);
      const week = requestInput({ deliverBy: new Date(until + 7 * 24 * HOUR).toISOString() });
      const accepted = await gql<{ shipmentRequestCreate: { shipmentRequest: Request } }>(server.url, CREATE, { input: { ...week, pickupWindow: { ...week.pickupWindow, until: new Date(until).toISOString() } } }, { apiKey: key.mA });
      expect(accepted.body.errors).toBeUndefined();
      await gql(server.url, CANCEL, { input: { shipmentRequestId: accepted.body.data!.shipmentRequestCreate.shipmentRequest.id, reason: 'test' } }, { apiKey: key.mA });
    });

    it('is FORBIDDEN to carriers, operators and admins, and UNAUTHENTICATED without a key', async () => {
      for (const apiKey of [key.carrier, key.opB, key.warehouse, key.admin]) {
        const res = await gql(server.url, CREATE, { input: requestInput() }, { apiKey });
        expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      expect((await gql(server.url, CREATE, { input: requestInput() })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('returns the same request for a retry with the same key and writes no new row; another input with that key is a CONFLICT', async () => {
      const input = requestInput();
      const rows = async () => (await server.db.select({ n: count() }).from(shipmentRequests).get())!.n;
      const first = await gql<{ shipmentRequestCreate: { shipmentRequest: Request } }>(server.url, CREATE, { input }, { apiKey: key.mA });
      const before = await rows();
      const retries = await Promise.all([1, 2, 3].map(() => gql<{ shipmentRequestCreate: { shipmentRequest: Request } }>(server.url, CREATE, { input }, { apiKey: key.mA })));
      for (const retry of retries) expect(retry.body.data!.shipmentRequestCreate.shipmentRequest.id).toBe(first.body.data!.shipmentRequestCreate.shipmentRequest.id);
      expect(await rows()).toBe(before);
      const changed = await gql(server.url, CREATE, { input: { ...input, weightKg: 1_300 } }, { apiKey: key.mA });
      expect(changed.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(await rows()).toBe(before);
    });

    it('tells the operator feed REQUEST_POSTED without naming the shipper', async () => {
      const client = wsClient(server.wsUrl, { apiKey: key.opB });
      try {
        const results = firstResults<{ complexActivity: { kind: string; summary: string; summaryKo: string } }>(client, { query: 'subscription { complexActivity(code: "BANWOL_SIHWA") { kind summary summaryKo } }' });
        const [event] = await keepTriggering(results, () => post(key.mA, { pallets: 7, cargoClass: 'FROZEN', loadingAtDestination: 'FORKLIFT' }));
        expect(event!.data!.complexActivity).toEqual({
          kind: 'REQUEST_POSTED',
          summary: expect.stringMatching(/^7 pallets FROZEN, 1,200 kg, pickup (\d\d-\d\d \d\d:\d\d)$/),
          summaryKo: expect.stringMatching(/^냉동 7팔레트, 1,200kg, 상차 \d\d-\d\d \d\d:\d\d$/),
        });
        const { summary, summaryKo } = event!.data!.complexActivity;
        expect(summaryKo.slice(-11)).toBe(summary.slice(-11)); // the same pickup, in Korean time
        expect(event!.data!.complexActivity.summary).not.toContain(server.keyOf('MANUFACTURER').organisationName);
      } finally {
        await client.dispose();
      }
    });
  });

  describe('shipmentRequestCancel', () => {
    it('cancels with reason and time, tells the feed REQUEST_CANCELLED, and returns it unchanged when cancelled again', async () => {
      const cancel = (id: string, reason: string) =>
        gql<{ shipmentRequestCancel: { shipmentRequest: Request } }>(server.url, CANCEL, { input: { shipmentRequestId: id, reason } }, { apiKey: key.mA });
      const client = wsClient(server.wsUrl, { apiKey: key.opB });
      try {
        const heard = new Promise<{ kind: string; summary: string }>((resolve, reject) => {
          const stop = client.subscribe<{ complexActivity: { kind: string; summary: string } }>(
            { query: 'subscription { complexActivity(code: "BANWOL_SIHWA") { kind summary } }' },
            {
              next: ({ data }) => {
                if (data?.complexActivity.kind !== 'REQUEST_CANCELLED') return;
                stop();
                resolve(data.complexActivity);
              },
              error: reject,
              complete: () => undefined,
            },
          );
        });
        // Post-and-cancel until the subscription is live and hears one.
        let cancelled: Request | undefined;
        const event = await keepTriggering(heard, async () => {
          const request = await post(key.mA, { pallets: 5 });
          cancelled = (await cancel(request.id, 'order withdrawn')).body.data!.shipmentRequestCancel.shipmentRequest;
        });
        expect(event).toEqual({ kind: 'REQUEST_CANCELLED', summary: expect.stringMatching(/^5 pallets GENERAL/) });
        expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelReason: 'order withdrawn', cancelledAt: expect.any(String) });
        const again = await cancel(cancelled!.id, 'another reason');
        expect(again.body.data!.shipmentRequestCancel.shipmentRequest).toEqual(cancelled);
      } finally {
        await client.dispose();
      }
    });

    it('refuses after pickup with CONFLICT', async () => {
      const request = await post(key.mA);
      await server.db.update(shipmentRequests).set({ status: 'PICKED_UP' }).where(eq(shipmentRequests.id, Number(fromGlobalId(request.id)!.id))).run();
      const res = await gql(server.url, CANCEL, { input: { shipmentRequestId: request.id, reason: 'late' } }, { apiKey: key.mA });
      expect(res.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/PICKED_UP and can no longer be cancelled/), extensions: { code: 'CONFLICT' } });
    });

    it("hides other tenants' requests (NOT_FOUND), refuses other roles (FORBIDDEN) and IDs of another type (BAD_USER_INPUT)", async () => {
      const cancel = (apiKey: string, shipmentRequestId: string) => gql(server.url, CANCEL, { input: { shipmentRequestId, reason: 'x' } }, { apiKey });
      expect((await cancel(key.mA2, posted.a1.id)).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await cancel(key.mC, posted.a1.id)).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await cancel(key.mA, toGlobalId('ShipmentRequest', 999_999))).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await cancel(key.opB, posted.a1.id)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await cancel(key.carrier, posted.a1.id)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const wrongType = await cancel(key.mA, toGlobalId('Complex', 1));
      expect(wrongType.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.shipmentRequestId', rule: 'must be the ID of a ShipmentRequest' }]);
      expect((await gql(server.url, NODE, { id: posted.a1.id }, { apiKey: key.mA })).body.data).toEqual({ node: { __typename: 'ShipmentRequest', id: posted.a1.id, status: 'OPEN' } });
    });
  });

  describe('reads', () => {
    it('node(id:) shows a request to its shipper, its complex operator and admins, and null to everyone else', async () => {
      const visible = { mA: true, mA2: false, mC: false, opB: true, opC: false, carrier: false, warehouse: false, admin: true } as const;
      for (const [who, sees] of Object.entries(visible)) {
        const res = await gql<{ node: { id: string } | null }>(server.url, NODE, { id: posted.a1.id }, { apiKey: key[who as keyof typeof key] });
        expect([who, res.body.data!.node?.id ?? null]).toEqual([who, sees ? posted.a1.id : null]);
      }
      expect((await gql(server.url, NODE, { id: posted.a1.id })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('lists own requests to manufacturers, the complex to operators, everything to admins; FORBIDDEN to carriers and warehouse owners', async () => {
      const mine = idsOf(await list(key.mA, undefined, 100));
      expect(mine).toEqual(expect.arrayContaining([posted.a1.id, posted.a2.id]));
      expect(mine).not.toContain(posted.a2x.id);
      expect(mine).not.toContain(posted.c1.id);
      expect(idsOf(await list(key.mA2))).toEqual([posted.a2x.id]);
      expect(idsOf(await list(key.mC))).toEqual([posted.c1.id]);

      const banwol = idsOf(await list(key.opB, undefined, 100));
      expect(banwol).toEqual(expect.arrayContaining([posted.a1.id, posted.a2.id, posted.a2x.id]));
      expect(banwol).not.toContain(posted.c1.id);
      expect(idsOf(await list(key.opC))).toEqual([posted.c1.id]);
      // Another complex's code does not widen an operator's or a manufacturer's view.
      expect(idsOf(await list(key.opB, { complexCode: 'CHANGWON' }))).toEqual([]);
      expect(idsOf(await list(key.mC, { complexCode: 'BANWOL_SIHWA' }))).toEqual([]);

      const all = await list(key.admin, undefined, 100);
      expect(idsOf(all)).toEqual(expect.arrayContaining(Object.values(posted).map((r) => r.id)));
      expect(idsOf(await list(key.admin, { complexCode: 'CHANGWON' }))).toEqual([posted.c1.id]);

      for (const apiKey of [key.carrier, key.warehouse]) expect((await list(apiKey)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await list(key.admin, { complexCode: 'NOWHERE' })).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('filters by status, cargo class and pickup time', async () => {
      expect(idsOf(await list(key.mA, { cargoClass: 'CHILLED' }))).toEqual([posted.a2.id]);
      const soon = { pickupFrom: new Date(Date.now() + 20 * HOUR).toISOString(), pickupTo: new Date(Date.now() + 30 * HOUR).toISOString() };
      expect(idsOf(await list(key.mA, soon))).toEqual([posted.a2.id]);
      const cancelled = idsOf(await list(key.mA, { status: 'CANCELLED' }, 100));
      expect(cancelled.length).toBeGreaterThan(0);
      expect(cancelled).not.toContain(posted.a1.id);
      const bad = await list(key.mA, { pickupFrom: soon.pickupTo, pickupTo: soon.pickupFrom });
      expect(bad.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'filter.pickupTo', rule: 'must not be before pickupFrom' }]);
    });

    it('pages newest first with Relay cursors', async () => {
      const all = (await list(key.opB, undefined, 100)).body.data!.shipmentRequests;
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = (await list(key.opB, undefined, 3, after)).body.data!.shipmentRequests;
        expect(page.totalCount).toBe(all.totalCount);
        expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
        seen.push(...page.edges.map((e) => e.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor!;
      }
      expect(seen).toEqual(all.edges.map((e) => e.node.id));
      const localIds = seen.map((id) => Number(fromGlobalId(id)!.id));
      expect(localIds).toEqual([...localIds].sort((a, b) => b - a));
    });

    it('orders by distance with `near` and gives each edge its distance', async () => {
      const res = await list(key.opB, { near: { lat: 37.33, lng: 126.76, radiusKm: 5 } }, 100);
      const edges = res.body.data!.shipmentRequests.edges;
      expect(edges.map((e) => e.node.id)).toEqual(expect.arrayContaining([posted.a1.id, posted.a2x.id]));
      expect(edges[0]!.distanceKm).toBeCloseTo(0, 6);
      expect((await list(key.opB)).body.data!.shipmentRequests.edges[0]!.distanceKm).toBeNull();
      // Every radius finds exactly the requests within it, also where the search's resolution (6, 8) is one requests
      // do not store and their coarser cells are read instead.
      const all = await server.db.select().from(shipmentRequests).all();
      for (const radiusKm of [0.5, 3, 5, 8, 25, 60]) {
        const near = { lat: 37.3, lng: 126.8, radiusKm };
        const found = (await list(key.admin, { near }, 100)).body.data!.shipmentRequests.edges.map((e) => Number(fromGlobalId(e.node.id)!.id));
        const within = all.filter((r) => haversineKm(near, { lat: r.originLat, lng: r.originLng }) <= radiusKm).map((r) => r.id);
        expect(found.sort(), `${radiusKm} km`).toEqual(within.sort());
      }
      const tooFar = await list(key.opB, { near: { lat: 37.33, lng: 126.76, radiusKm: 500 } });
      expect(tooFar.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'filter.near.radiusKm', rule: expect.stringMatching(/100/) }]);
    });

    it('shows every field of a page the same whether it is asked alone, with the others, or through fragments (a page reads only the columns asked for)', async () => {
      const nodes = async (selection: string, fragments = '') => {
        const query = `query { shipmentRequests(first: 20) { edges { node { ${selection} } } } } ${fragments}`;
        const res = await gql<{ shipmentRequests: { edges: { node: Record<string, unknown> }[] } }>(server.url, query, {}, { apiKey: key.admin });
        if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
        return res.body.data.shipmentRequests.edges.map((e) => e.node);
      };
      const selections = [
        'id', 'status', 'complex { code }', 'shipper { id name }', 'origin { location { lat lng } isCentre h3Cell }', 'destination { location { lat lng } isCentre h3Cell }',
        'weightKg', 'pallets', 'cargoClass', 'loadingAtOrigin', 'loadingAtDestination', 'pickupWindow { from until }', 'deliverBy',
        'storage { pallets days storageClass splitAllowed }', 'maxPriceKrw', 'notes', 'createdAt', 'updatedAt', 'cancelledAt', 'cancelReason',
      ];
      const everything = await nodes(selections.join(' '));
      for (const field of ['storage', 'maxPriceKrw', 'notes', 'updatedAt', 'cancelReason']) expect([field, everything.some((n) => n[field] !== null)]).toEqual([field, true]);
      for (const selection of selections) {
        const field = selection.split(' ')[0]!;
        // Twice: the second run is compiled (src/http/compiled-execution.ts).
        for (let run = 0; run < 2; run++) expect([field, await nodes(selection)]).toEqual([field, everything.map((n) => ({ [field]: n[field] }))]);
      }
      // One field of a place reads only its own columns.
      for (const end of ['origin', 'destination'] as const) {
        for (const [selection, pick] of [
          ['h3Cell', (p: Record<string, unknown>) => ({ h3Cell: p.h3Cell })],
          ['isCentre', (p: Record<string, unknown>) => ({ isCentre: p.isCentre })],
          ['location { lat }', (p: Record<string, unknown>) => ({ location: { lat: (p.location as { lat: number }).lat } })],
        ] as const) {
          expect([end, selection, await nodes(`${end} { ${selection} }`)]).toEqual([end, selection, everything.map((n) => ({ [end]: pick(n[end] as Record<string, unknown>) }))]);
        }
      }
      const viaFragments = await nodes('id ... on ShipmentRequest { pickupWindow { from } } ...F __typename', 'fragment F on ShipmentRequest { notes }');
      // A field asked twice, once under @include: what is read follows the variables of each run.
      const twice = 'query ($x: Boolean!) { shipmentRequests(first: 20) { edges { node { id } } } shipmentRequests(first: 20) @include(if: $x) { edges { node { notes } } } }';
      const run = async (x: boolean) => (await gql<{ shipmentRequests: { edges: { node: unknown }[] } }>(server.url, twice, { x }, { apiKey: key.admin })).body.data!.shipmentRequests.edges.map((e) => e.node);
      for (let i = 0; i < 2; i++) expect(await run(false)).toEqual(everything.map((n) => ({ id: n.id })));
      expect(await run(true)).toEqual(everything.map((n) => ({ id: n.id, notes: n.notes })));
      expect(viaFragments).toEqual(everything.map((n) => ({ id: n.id, pickupWindow: { from: (n.pickupWindow as { from: string }).from }, notes: n.notes, __typename: 'ShipmentRequest' })));
    });

    it('reports a request whose pickup window passed unbooked as EXPIRED, and refuses to cancel it', async () => {
      const request = await post(key.mA2);
      const id = Number(fromGlobalId(request.id)!.id);
      await server.db.update(shipmentRequests).set({ pickupFrom: new Date(Date.now() - 3 * HOUR), pickupUntil: new Date(Date.now() - HOUR) }).where(eq(shipmentRequests.id, id)).run();
      const listed = (await list(key.mA2, { status: 'EXPIRED' })).body.data!.shipmentRequests.edges.map((e) => e.node.id);
      expect(listed).toEqual([request.id]);
      expect((await gql(server.url, NODE, { id: request.id }, { apiKey: key.mA2 })).body.data).toEqual({ node: { __typename: 'ShipmentRequest', id: request.id, status: 'EXPIRED' } });
      const cancel = await gql(server.url, CANCEL, { input: { shipmentRequestId: request.id, reason: 'x' } }, { apiKey: key.mA2 });
      expect(cancel.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/expired/), extensions: { code: 'CONFLICT' } });
    });
  });
});
