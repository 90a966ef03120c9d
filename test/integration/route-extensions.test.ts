/**
 * Extensions of booked routes through the service: a truck already booked with room takes a later request on its
 * way. The round offers its carrier an extension (the booked route's whole new stop list, the joining shipper's
 * share); the booked shipper keeps its price and windows and learns only that one more shipper shares the truck;
 * accepting books the share and moves the booked route to its new stops in one transaction, unless the route
 * changed since the round (CONFLICT, and the extension expires).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes, routeStops, vehicleReservations } from '../../db/schema';
import { localIdOf } from '../../src/global-id';
import { threeShippers } from '../helpers/bookings-fixtures';
import { seoulDay } from '../../src/supply/listings/seoul-day';
import { firstResults, gql, keepTriggering, wsClient } from '../helpers/clients';
import { marketApi } from '../helpers/market-api';
import { kstDayOf, kstTimeOn } from '../../src/matching/engine/days';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const GATE = { lat: 37.325, lng: 126.75 };
const SUWON = { lat: 37.2636, lng: 127.0286 };

const ROUTE_FIELDS = `id vehicleId priceKrw status sharedBy extendsRouteId revision
  shares { id requestId priceKrw standaloneKrw status pickupAt deliverAt }
  stops { seq action requestId arriveAt startAt departAt kgAfter palletsAfter }`;
const ROUTES = `query ($round: ID) { routes(first: 10, filter: { roundId: $round }) { edges { node { ${ROUTE_FIELDS} } } } }`;
const NODE = `query ($id: ID!) { node(id: $id) { ... on Route { ${ROUTE_FIELDS} } } }`;
const ACCEPT = `mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) {
  route { id status } bookings { id status priceKrw shipmentRequestId pickupAt deliverAt } } }`;
const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id report { routes extensions servedCount } } } }';
const BOOKINGS = 'query ($req: ID!) { bookings(filter: { shipmentRequestId: $req }) { edges { node { id status priceKrw pickupAt deliverAt } } } }';

interface Route {
  id: string;
  vehicleId: string;
  priceKrw: number;
  status: string;
  sharedBy: number;
  extendsRouteId: string | null;
  revision: number | null;
  shares: { id: string; requestId: string; priceKrw: number; standaloneKrw: number; status: string; pickupAt: string; deliverAt: string }[];
  stops: { seq: number; action: string; requestId: string; arriveAt: string; startAt: string; departAt: string; kgAfter: number; palletsAfter: number }[];
}
interface Booking {
  id: string;
  status: string;
  priceKrw: number;
  pickupAt: string;
  deliverAt: string;
}

describe('extensions of booked routes through the service', () => {
  const tmp = tempDir();
  let server: TestServer;
  const keys = {} as Record<'a' | 'b' | 'c' | 'carrier' | 'operator', string>;
  const requests = {} as Record<'a' | 'b' | 'c', string>;
  let booked: Route;
  let bookedA: Booking;
  let extension: Route;

  const as = async <T,>(key: string, query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server.url, query, variables, { apiKey: key })).body;
  const routeAs = async (key: string, id: string) => (await as<{ node: Route | null }>(key, NODE, { id })).data?.node ?? null;
  const post = async (key: string, origin: { lat: number; lng: number }, destination: { lat: number; lng: number }, weightKg: number, pallets: number) =>
    (
      await as<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>(key, 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', {
        input: {
          idempotencyKey: randomUUID(), origin, destination, weightKg, pallets, cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
          pickupWindow: { from: at(20 * HOUR), until: at(26 * HOUR) }, deliverBy: at(48 * HOUR),
        },
      })
    ).data!.shipmentRequestCreate.shipmentRequest.id;
  /** When the test's first round started, and what its rounds offered: every route's price as offered. */
  const since = new Date();
  let offeredKrw = 0;
  /** Runs a round; returns its report and the carrier's routes in it. */
  const round = async () => {
    const run = await as<{ matchingRunStart: { round: { id: string; report: { routes: number; extensions: number; servedCount: number } } } }>(keys.operator, RUN);
    expect(run.errors).toBeUndefined();
    const listed = await as<{ routes: { edges: { node: Route }[] } }>(keys.carrier, ROUTES, { round: run.data!.matchingRunStart.round.id });
    expect(listed.errors).toBeUndefined();
    const all = await as<{ routes: { edges: { node: Route }[] } }>(keys.operator, ROUTES, { round: run.data!.matchingRunStart.round.id });
    offeredKrw += all.data!.routes.edges.reduce((sum, e) => sum + e.node.priceKrw, 0);
    return { report: run.data!.matchingRunStart.round.report, routes: listed.data!.routes.edges.map((e) => e.node) };
  };
  const bookingOf = async (key: string, requestId: string) => (await as<{ bookings: { edges: { node: Booking }[] } }>(key, BOOKINGS, { req: requestId })).data!.bookings.edges.map((e) => e.node).find((b) => b.status === 'CONFIRMED')!;
  const requestStatus = async (id: string) => (await as<{ node: { status: string } }>(keys.operator, 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status } } }', { id })).data!.node.status;

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'extensions.db') });
    Object.assign(keys, { ...(await threeShippers(server)), carrier: server.keyOf('CARRIER').apiKey, operator: server.keyOf('OPERATOR').apiKey });
    await as(keys.carrier, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber: '경기12바3456', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: at(HOUR), endsAt: at(72 * HOUR) }], idempotencyKey: randomUUID() },
    });
    // A's load to Suwon is booked alone: the truck leaves with room to spare.
    requests.a = await post(keys.a, GATE, SUWON, 800, 2);
    const first = await round();
    booked = first.routes.find((r) => r.shares.some((s) => s.requestId === requests.a))!;
    expect((await as(keys.carrier, ACCEPT, { id: booked.id, key: randomUUID() })).errors).toBeUndefined();
    bookedA = await bookingOf(keys.a, requests.a);
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it("a round offers the booked route's carrier an extension: the whole new stop list, the joining shipper's share only", async () => {
    // B posts later, from next door to the same town: on the truck's way.
    requests.b = await post(keys.b, { lat: 37.322, lng: 126.755 }, { lat: 37.27, lng: 127.0 }, 1_200, 3);
    const { report, routes: offered } = await round();
    expect(report).toMatchObject({ routes: 1, extensions: 1, servedCount: 1 });
    extension = offered[0]!;
    expect(extension).toMatchObject({ status: 'PENDING', extendsRouteId: booked.id, vehicleId: booked.vehicleId, sharedBy: 2 });
    expect(extension.shares.map((s) => s.requestId)).toEqual([requests.b]);
    expect(extension.priceKrw).toBe(extension.shares[0]!.priceKrw);
    // B pays what the route costs more, never more than its own truck would have cost.
    expect(extension.shares[0]!.priceKrw).toBeGreaterThan(0);
    expect(extension.shares[0]!.priceKrw).toBeLessThanOrEqual(extension.shares[0]!.standaloneKrw);
    // Every stop of both, A's kept in the carrier's order, the load adding up.
    expect(extension.stops.map((s) => s.requestId).sort()).toEqual([requests.a, requests.a, requests.b, requests.b].sort());
    expect(extension.stops.filter((s) => s.requestId === requests.a).map((s) => s.action)).toEqual(['PICKUP', 'DROP']);
    expect(Math.max(...extension.stops.map((s) => s.kgAfter))).toBe(2_000);
    expect(extension.stops.at(-1)).toMatchObject({ kgAfter: 0, palletsAfter: 0 });
    // A's times stay within its window and deadline.
    const aPickup = extension.stops.find((s) => s.requestId === requests.a && s.action === 'PICKUP')!;
    const aDrop = extension.stops.find((s) => s.requestId === requests.a && s.action === 'DROP')!;
    expect(Date.parse(aPickup.startAt)).toBeLessThanOrEqual(Date.now() + 26 * HOUR);
    expect(Date.parse(aDrop.departAt)).toBeLessThanOrEqual(Date.now() + 48 * HOUR);
  });

  it('the joining shipper sees only its own stops and price; the booked shipper only that one more shares the truck', async () => {
    const seenByB = (await routeAs(keys.b, extension.id))!;
    expect(seenByB).toMatchObject({ id: extension.id, sharedBy: 2, extendsRouteId: null, revision: null, priceKrw: extension.shares[0]!.priceKrw });
    expect(seenByB.stops.map((s) => [s.requestId, s.action])).toEqual([
      [requests.b, 'PICKUP'],
      [requests.b, 'DROP'],
    ]);
    expect(await routeAs(keys.b, booked.id)).toBeNull();
    expect(await routeAs(keys.a, extension.id)).toBeNull();
    // Nobody but its carrier may accept it, nor make it lapse by trying.
    const stranger = await as(server.keyOf('CARRIER', 'GUMI').apiKey, ACCEPT, { id: extension.id, key: randomUUID() });
    expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await routeAs(keys.carrier, extension.id))!.status).toBe('PENDING');
    const seenByA = (await routeAs(keys.a, booked.id))!;
    expect(seenByA).toMatchObject({ priceKrw: booked.priceKrw, sharedBy: 1 });
    expect(seenByA.stops.every((s) => s.requestId === requests.a)).toBe(true);
  });

  it('accepting refuses an extension whose booked route changed since the round (CONFLICT), and the extension expires', async () => {
    // The truck collects A meanwhile: the round planned from where it stood.
    const report = await as(keys.carrier, 'mutation ($input: TrackingEventReportInput!) { trackingEventReport(input: $input) { trackingEvent { kind } } }', {
      input: { bookingId: bookedA.id, kind: 'PICKED_UP', occurredAt: new Date().toISOString(), position: GATE, idempotencyKey: randomUUID() },
    });
    expect(report.errors).toBeUndefined();
    const refused = await as(keys.carrier, ACCEPT, { id: extension.id, key: randomUUID() });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/changed \(the truck has served more of its stops since\): the extension expired/) });
    expect((await routeAs(keys.carrier, extension.id))!.status).toBe('EXPIRED');
    expect(await requestStatus(requests.b)).toBe('OPEN');
    expect((await routeAs(keys.carrier, booked.id))!.stops.map((s) => s.requestId)).toEqual([requests.a, requests.a]);
  });

  it('the next round extends the route with A on board; accepting books B and moves the route to its new stops, all at once and once', async () => {
    const { report, routes: offered } = await round();
    expect(report).toMatchObject({ extensions: 1 });
    extension = offered[0]!;
    expect(extension.extendsRouteId).toBe(booked.id);
    // A's pickup was served: it stays first, as it was; B is picked up after it.
    expect(extension.stops[0]).toMatchObject({ requestId: requests.a, action: 'PICKUP', kgAfter: 800 });
    const key = randomUUID();
    const accepted = await as<{ routeAccept: { route: { status: string }; bookings: (Booking & { shipmentRequestId: string })[] } }>(keys.carrier, ACCEPT, { id: extension.id, key });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.routeAccept.route.status).toBe('ACCEPTED');
    expect(accepted.data!.routeAccept.bookings.map((b) => b.shipmentRequestId)).toEqual([requests.b]);
    // Idempotent: the same key returns the same booking.
    const again = await as<{ routeAccept: { bookings: { id: string }[] } }>(keys.carrier, ACCEPT, { id: extension.id, key });
    expect(again.data!.routeAccept.bookings.map((b) => b.id)).toEqual(accepted.data!.routeAccept.bookings.map((b) => b.id));
    expect(await requestStatus(requests.b)).toBe('BOOKED');

    // The booked route now drives the extension's stops (revision 1), its price grown by B's share.
    const now = (await routeAs(keys.carrier, booked.id))!;
    expect(now).toMatchObject({ revision: 1, sharedBy: 2, priceKrw: booked.priceKrw + extension.priceKrw });
    expect(now.stops.map((s) => [s.requestId, s.action, s.startAt])).toEqual(extension.stops.map((s) => [s.requestId, s.action, s.startAt]));
    // A pays what it booked; its delivery follows its new stop, still by its deadline.
    const a = await bookingOf(keys.a, requests.a);
    expect(a.priceKrw).toBe(bookedA.priceKrw);
    expect(a.pickupAt).toBe(bookedA.pickupAt);
    expect(a.deliverAt).toBe(extension.stops.find((s) => s.requestId === requests.a && s.action === 'DROP')!.departAt);
    expect(Date.parse(a.deliverAt)).toBeLessThanOrEqual(Date.now() + 48 * HOUR);
    expect((await routeAs(keys.a, booked.id))!).toMatchObject({ priceKrw: bookedA.priceKrw, sharedBy: 2 });
    // The route's shares give each booking's times as its stops now have them, to the carrier and to A.
    expect(a.deliverAt).not.toBe(bookedA.deliverAt);
    expect(now.shares.find((s) => s.requestId === requests.a)).toMatchObject({ pickupAt: a.pickupAt, deliverAt: a.deliverAt });
    expect((await routeAs(keys.a, booked.id))!.shares).toMatchObject([{ requestId: requests.a, pickupAt: a.pickupAt, deliverAt: a.deliverAt }]);
    // B's booking rides on the booked route now: it sees its own share of it, nothing of A's.
    const seenByB = (await routeAs(keys.b, booked.id))!;
    expect(seenByB).toMatchObject({ priceKrw: extension.priceKrw, sharedBy: 2, extendsRouteId: null });
    expect(new Set(seenByB.stops.map((s) => s.requestId))).toEqual(new Set([requests.b]));
    expect(seenByB.shares.map((s) => s.requestId)).toEqual([requests.b]);
    // One held reservation per booking, spanning its new stops; A's old one released.
    const held = await server.db.select().from(vehicleReservations).where(isNull(vehicleReservations.releasedAt)).all();
    expect(held.filter((h) => h.bookingId === Number(localIdOf(a.id, 'Booking', 'id')))).toHaveLength(1);
    expect(held.find((h) => h.bookingId === Number(localIdOf(a.id, 'Booking', 'id')))!.endsAt.toISOString()).toBe(a.deliverAt);
    // Insights: A and B now travel pooled, though the booked route was offered to A alone.
    const INSIGHTS = 'query ($from: DateTime!, $to: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: $to) { requests { served consolidated } } }';
    const insights = await as<{ complexInsights: { requests: { served: number; consolidated: number } } }>(keys.operator, INSIGHTS, { from: at(-HOUR), to: at(HOUR) });
    expect(insights.data!.complexInsights.requests).toEqual({ served: 2, consolidated: 2 });
  });

  it("insights' rounds count what each round offered: the booked route's round is not charged the extension's price too", async () => {
    const ROUNDS = 'query ($from: DateTime!, $to: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: $to) { rounds { rounds pooledCostKrw } } }';
    const insights = await as<{ complexInsights: { rounds: { rounds: number; pooledCostKrw: number } } }>(keys.operator, ROUNDS, { from: since.toISOString(), to: at(HOUR) });
    expect(insights.errors).toBeUndefined();
    expect(insights.data!.complexInsights.rounds).toEqual({ rounds: 3, pooledCostKrw: offeredKrw });
  });

  it("the statements invoice A's and B's shares as pooled (혼적), though the booked route was offered to A alone", async () => {
    const STATEMENT = 'query ($org: ID!, $month: String!) { statement(organisationId: $org, month: $month) { lines { bookingId item } } }';
    for (const [key, request] of [[keys.a, requests.a], [keys.b, requests.b]] as const) {
      const booking = await bookingOf(key, request);
      const org = (await as<{ viewer: { id: string } }>(key, '{ viewer { id } }')).data!.viewer.id;
      const month = seoulDay(new Date(booking.deliverAt)).slice(0, 7);
      const statement = await as<{ statement: { lines: { bookingId: string; item: string }[] } }>(key, STATEMENT, { org, month });
      expect(statement.errors).toBeUndefined();
      expect(statement.data!.statement.lines.find((l) => l.bookingId === booking.id)!.item).toMatch(/^화물운송\(혼적\) /);
    }
  });

  it('a later request may extend it again; declining leaves the booked route as it was', async () => {
    const client = wsClient(server.wsUrl, { apiKey: keys.operator });
    const summaries: string[] = [];
    let offered: Route[];
    try {
      const query = 'subscription { complexActivity(code: "BANWOL_SIHWA") { kind summary } }';
      client.subscribe<{ complexActivity: { summary: string } }>({ query }, { next: (v) => summaries.push(v.data!.complexActivity.summary), error: () => {}, complete: () => {} });
      // Once the operator's feed is live, C posts a load on the truck's way.
      await keepTriggering(firstResults(client, { query }), () => as(keys.operator, RUN));
      requests.c = await post(keys.c, { lat: 37.321, lng: 126.752 }, { lat: 37.268, lng: 127.01 }, 500, 1);
      offered = (await round()).routes;
      // The round's event reaches the feed after the round has answered (on PostgreSQL through NOTIFY).
      // The truck carries the two booked on it and the one joining.
      await vi.waitFor(() => expect(summaries).toContainEqual(expect.stringMatching(/^Round #\d+: 1\/1 request matched on 1 route \(1 pooled, carrying 3 requests\), 1 of them extending a booked route/)), { timeout: 10_000 });
    } finally {
      await client.dispose();
    }
    const stopsBefore = await server.db.select().from(routeStops).where(eq(routeStops.routeId, Number(localIdOf(booked.id, 'Route', 'id')))).all();
    const third = offered!.find((r) => r.extendsRouteId === booked.id)!;
    expect(third.shares.map((s) => s.requestId)).toEqual([requests.c]);
    const declined = await as(keys.carrier, 'mutation ($id: ID!) { routeDecline(input: { routeId: $id }) { route { status } } }', { id: third.id });
    expect(declined.errors).toBeUndefined();
    expect(await server.db.select().from(routeStops).where(eq(routeStops.routeId, Number(localIdOf(booked.id, 'Route', 'id')))).all()).toEqual(stopsBefore);
    expect((await server.db.select().from(routes).where(eq(routes.id, Number(localIdOf(booked.id, 'Route', 'id')))).get())!.revision).toBe(1);
  });

  it("an accepted extension starts and ends as the booked route it joined, also once a later extension moved it", async () => {
    type Times = { startAt: string; endAt: string; revision: number };
    const timesOf = async (id: string) => (await as<{ node: Times }>(keys.carrier, 'query ($id: ID!) { node(id: $id) { ... on Route { startAt endAt revision } } }', { id })).data!.node;
    const before = await timesOf(extension.id);
    const d = await post(keys.c, { lat: 37.323, lng: 126.751 }, { lat: 37.27, lng: 127.02 }, 300, 1);
    const later = (await round()).routes.find((r) => r.extendsRouteId === booked.id)!;
    expect(later.shares.map((s) => s.requestId)).toEqual([d]);
    expect((await as(keys.carrier, ACCEPT, { id: later.id, key: randomUUID() })).errors).toBeUndefined();
    const base = await timesOf(booked.id);
    expect(base.revision).toBe(2);
    expect(base.endAt).not.toBe(before.endAt);
    for (const id of [extension.id, later.id]) expect(await timesOf(id)).toMatchObject({ startAt: base.startAt, endAt: base.endAt });
  });
});

describe('an extension whose new stops come before the booked ones', () => {
  const tmp = tempDir();
  let server: TestServer;
  const FIELDS = 'id startAt endAt extendsRouteId revision stops { requestId action arriveAt }';
  type Seen = { id: string; startAt: string; endAt: string; extendsRouteId: string | null; revision: number; stops: { requestId: string; action: string; arriveAt: string }[] };
  const market = marketApi(() => server);
  const { as, post } = market;
  const round = () => market.round<Seen>(FIELDS);
  const accept = async (id: string) => expect((await as(server.keyOf('CARRIER').apiKey, ACCEPT, { id, key: randomUUID() })).errors).toBeUndefined();

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'extension-ahead.db') });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('the booked route leaves when its new first stop needs it, not when its old one did', async () => {
    await as(server.keyOf('CARRIER').apiKey, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber: '경기34바5678', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: at(HOUR), endsAt: at(96 * HOUR) }], idempotencyKey: randomUUID() },
    });
    // B's pickup at 10:00 Asia/Seoul, 20 to 44 hours ahead: run between 02:00 and 04:00, its times 20 hours on ran into
    // midnight and the round offered no extension: the test failed for the clock, not for the code.
    const ahead = Date.now() + 20 * HOUR;
    const tenAm = (day: number) => kstTimeOn(day, '10:00');
    const shift = (tenAm(kstDayOf(ahead)) >= ahead ? tenAm(kstDayOf(ahead)) : tenAm(kstDayOf(ahead) + 1)) - ahead;
    // A's load is picked up from 21.5 hours on and booked alone.
    const a = await post(GATE, SUWON, 700, 2, shift + 21.5 * HOUR, shift + 26 * HOUR, shift + 48 * HOUR);
    const booked = (await round()).find((r) => r.stops.some((s) => s.requestId === a))!;
    await accept(booked.id);
    // B's load is due before A's window opens: the truck is out for it before A's pickup, on the same route.
    const b = await post({ lat: 37.322, lng: 126.755 }, { lat: 37.36, lng: 126.8 }, 4_000, 8, shift + 20 * HOUR, shift + 20.2 * HOUR, shift + 21.5 * HOUR);
    const extension = (await round()).find((r) => r.extendsRouteId === booked.id)!;
    expect(extension.stops[0]).toMatchObject({ requestId: b, action: 'PICKUP' });
    await accept(extension.id);

    const now = (await as<{ node: Seen }>(server.keyOf('CARRIER').apiKey, `query ($id: ID!) { node(id: $id) { ... on Route { ${FIELDS} } } }`, { id: booked.id })).data!.node;
    expect(now.revision).toBe(1);
    expect(now.stops[0]).toMatchObject({ requestId: b, action: 'PICKUP' });
    expect(now.startAt).toBe(extension.startAt);
    expect(Date.parse(now.startAt)).toBeLessThanOrEqual(Date.parse(now.stops[0]!.arriveAt));
    expect(now.endAt).toBe(extension.endAt);
  });
});

describe('a truck booked for the morning and for the afternoon', () => {
  const tmp = tempDir();
  let server: TestServer;
  const FIELDS = 'id extendsRouteId shares { requestId } stops { requestId action }';
  type Seen = { id: string; extendsRouteId: string | null; shares: { requestId: string }[]; stops: { requestId: string; action: string }[] };
  const market = marketApi(() => server);
  const { as, post } = market;
  const round = () => market.round<Seen>(FIELDS);
  const accept = async (id: string) => expect((await as(server.keyOf('CARRIER').apiKey, ACCEPT, { id, key: randomUUID() })).errors).toBeUndefined();

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'two-routes.db') });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('takes a load next to its afternoon pickup on its afternoon route, not only on the route it drives first', async () => {
    await as(server.keyOf('CARRIER').apiKey, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber: '경기56바7890', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: at(HOUR), endsAt: at(72 * HOUR) }], idempotencyKey: randomUUID() },
    });
    // The morning: a load to Bucheon, booked alone. The afternoon: half a truck to Suwon, booked alone on the same truck.
    const morning = await post({ lat: 37.31, lng: 126.73 }, { lat: 37.4, lng: 126.9 }, 1_500, 5, 20 * HOUR, 21 * HOUR, 24 * HOUR);
    const first = (await round()).find((r) => r.stops.some((s) => s.requestId === morning))!;
    await accept(first.id);
    const a = await post(GATE, SUWON, 1_500, 5, 25 * HOUR, 27 * HOUR, 32 * HOUR);
    const afternoon = (await round()).find((r) => r.stops.some((s) => s.requestId === a))!;
    await accept(afternoon.id);

    // B: 200 m from the afternoon pickup, to Suwon, in the same window.
    const b = await post({ lat: GATE.lat + 0.0018, lng: GATE.lng }, { lat: SUWON.lat, lng: SUWON.lng - 0.01 }, 1_000, 3, 25 * HOUR, 27 * HOUR, 32 * HOUR);
    const offered = await round();
    expect(offered).toMatchObject([{ extendsRouteId: afternoon.id, shares: [{ requestId: b }] }]);
    expect(offered[0]!.stops.filter((s) => s.requestId === a).map((s) => s.action)).toEqual(['PICKUP', 'DROP']);
  });
});
