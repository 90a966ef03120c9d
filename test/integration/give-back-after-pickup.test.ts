import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings } from '../../db/schema';
import { localIdOf } from '../../src/global-id';
import { invariantViolations, threeShippers } from '../helpers/bookings-fixtures';
import { firstResults, gql, subscribedTo, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const GATE = { lat: 37.325, lng: 126.75 };

const ROUTE_FIELDS = `id status priceKrw sharedBy endAt shares { requestId priceKrw } stops { seq action requestId kgAfter palletsAfter departAt }`;
const ROUTES = `query ($round: ID) { routes(first: 10, filter: { roundId: $round }) { edges { node { ${ROUTE_FIELDS} } } } }`;
const NODE = `query ($id: ID!) { node(id: $id) { ... on Route { ${ROUTE_FIELDS} } } }`;
const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id } } }';
const ACCEPT = 'mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) { bookings { id shipmentRequestId } } }';
const GIVE_BACK = `mutation ($id: ID!, $reason: String!, $key: String!) {
  bookingGiveBack(input: { bookingId: $id, reason: $reason, idempotencyKey: $key }) { bookings { id status endReason shipmentRequestId } } }`;
const REPORT = 'mutation ($input: TrackingEventReportInput!) { trackingEventReport(input: $input) { booking { status } } }';
const FEED = 'subscription { complexActivity(code: "BANWOL_SIHWA") { id kind summary } }';
const RECENT = 'query { complex(code: "BANWOL_SIHWA") { recentActivity(first: 20) { id kind summary } } }';
const UPDATES = 'subscription { shipmentUpdated { shipmentRequestId status reason trackingEvent { kind } } }';

interface Route {
  id: string;
  status: string;
  priceKrw: number;
  sharedBy: number;
  shares: { requestId: string; priceKrw: number }[];
  endAt: string;
  stops: { seq: number; action: string; requestId: string; kgAfter: number; palletsAfter: number; departAt: string }[];
}
interface Update {
  shipmentUpdated: { shipmentRequestId: string; status: string; reason: string | null; trackingEvent: { kind: string } | null };
}

describe('a carrier gives back the loads of a pooled route not picked up yet, after picking up others', () => {
  const tmp = tempDir();
  let server: TestServer;
  const keys = {} as Record<'a' | 'b' | 'c' | 'carrier' | 'operator', string>;
  const requests = {} as Record<'a' | 'b' | 'c', string>;
  const booking = {} as Record<'a' | 'b' | 'c', string>;
  let route: Route;

  const as = async <T,>(key: string, query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server.url, query, variables, { apiKey: key })).body;
  const routeAs = async (key: string) => (await as<{ node: Route | null }>(key, NODE, { id: route.id })).data!.node!;
  const statusOf = async (id: string) => (await as<{ node: { status: string } }>(keys.operator, 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status } } }', { id })).data!.node.status;
  const held = async () => (await server.db.select().from(bookings).where(eq(bookings.routeId, localIdOf(route.id, 'Route', 'id'))).orderBy(bookings.id).all()).map((b) => [b.requestId, b.status]);
  const registerTruck = (plateNumber: string) =>
    as(keys.carrier, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber, tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: at(HOUR), endsAt: at(72 * HOUR) }], idempotencyKey: randomUUID() },
    });
  const post = async (key: string, destination: { lat: number; lng: number }, weightKg: number, pallets: number) =>
    (
      await as<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>(key, 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', {
        input: {
          idempotencyKey: randomUUID(), origin: GATE, destination, weightKg, pallets, cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
          pickupWindow: { from: at(20 * HOUR), until: at(26 * HOUR) }, deliverBy: at(48 * HOUR),
        },
      })
    ).data!.shipmentRequestCreate.shipmentRequest.id;
  const report = (bookingId: string, kind: string) =>
    as<{ trackingEventReport: { booking: { status: string } } }>(keys.carrier, REPORT, { input: { bookingId, kind, occurredAt: new Date().toISOString(), position: GATE, idempotencyKey: randomUUID() } });

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'give-back-after-pickup.db') });
    Object.assign(keys, { ...(await threeShippers(server)), carrier: server.keyOf('CARRIER').apiKey, operator: server.keyOf('OPERATOR').apiKey });
    await registerTruck('경기12바3456');
    // Three shippers' small loads from the same gate to Suwon: one truck carries them all (혼적).
    requests.a = await post(keys.a, { lat: 37.2636, lng: 127.0286 }, 800, 2);
    requests.b = await post(keys.b, { lat: 37.27, lng: 127.0 }, 1_200, 3);
    requests.c = await post(keys.c, { lat: 37.266, lng: 127.01 }, 600, 2);
    const run = await as<{ matchingRunStart: { round: { id: string } } }>(keys.operator, RUN);
    const listed = await as<{ routes: { edges: { node: Route }[] } }>(keys.carrier, ROUTES, { round: run.data!.matchingRunStart.round.id });
    route = listed.data!.routes.edges.map((e) => e.node).find((r) => r.sharedBy === 3)!;
    expect(route).toBeDefined();
    const accepted = await as<{ routeAccept: { bookings: { id: string; shipmentRequestId: string }[] } }>(keys.carrier, ACCEPT, { id: route.id, key: randomUUID() });
    expect(accepted.errors).toBeUndefined();
    for (const k of ['a', 'b', 'c'] as const) booking[k] = accepted.data!.routeAccept.bookings.find((b) => b.shipmentRequestId === requests[k])!.id;
    route = await routeAs(keys.carrier);
    expect((await report(booking.a, 'PICKED_UP')).errors).toBeUndefined();
  }, 60_000);
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('a share already picked up cannot be given back: CONFLICT saying the loads not picked up yet can be, nothing changed', async () => {
    const before = await held();
    const refused = await as(keys.carrier, GIVE_BACK, { id: booking.a, reason: 'truck broke down', key: randomUUID() });
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors![0]!.message).toMatch(/already picked up/);
    // It says how: give back one of the bookings not picked up yet, named.
    expect(refused.errors![0]!.message).toMatch(/not picked up yet.*bookingGiveBack/);
    expect(refused.errors![0]!.message).toContain(booking.b);
    expect(refused.errors![0]!.message).toContain(booking.c);
    expect(await held()).toEqual(before);
    expect(await routeAs(keys.carrier)).toEqual(route);
    expect(await statusOf(requests.a)).toBe('PICKED_UP');
  });

  it("giving back a share not picked up returns every load not picked up yet; the one on board stays booked, its shipper not told", async () => {
    const feeds = { a: wsClient(server.wsUrl, { apiKey: keys.a }), b: wsClient(server.wsUrl, { apiKey: keys.b }), c: wsClient(server.wsUrl, { apiKey: keys.c }), operator: wsClient(server.wsUrl, { apiKey: keys.operator }) };
    const heard = {} as Record<'a' | 'b' | 'c', Promise<{ data?: Update | null }[]>>;
    for (const k of ['a', 'b', 'c'] as const) {
      const listening = subscribedTo(server.pubsub, 'shipmentUpdated');
      heard[k] = firstResults<Update>(feeds[k], { query: UPDATES });
      await listening;
    }
    const feedListening = subscribedTo(server.pubsub, 'complexActivity');
    const line = firstResults<{ complexActivity: { id: string; kind: string; summary: string } }>(feeds.operator, { query: FEED });
    await feedListening;

    const given = await as<{ bookingGiveBack: { bookings: { id: string; status: string; endReason: string; shipmentRequestId: string }[] } }>(keys.carrier, GIVE_BACK, { id: booking.b, reason: 'running late after the first drop', key: randomUUID() });
    expect(given.errors).toBeUndefined();
    // The answer lists the giver's bookings that ended: B's and C's, not A's.
    const byId = (x: { id: string }, y: { id: string }) => localIdOf(x.id, 'Booking', 'id') - localIdOf(y.id, 'Booking', 'id');
    expect(given.data!.bookingGiveBack.bookings).toEqual(
      (['b', 'c'] as const).map((k) => ({ id: booking[k], status: 'RETURNED', endReason: 'running late after the first drop', shipmentRequestId: requests[k] })).sort(byId),
    );
    expect(await statusOf(requests.b)).toBe('OPEN');
    expect(await statusOf(requests.c)).toBe('OPEN');
    expect(await statusOf(requests.a)).toBe('PICKED_UP');

    // B's and C's shippers hear it with the reason.
    for (const k of ['b', 'c'] as const) expect((await heard[k])[0]!.data!.shipmentUpdated).toEqual({ shipmentRequestId: requests[k], status: 'OPEN', reason: 'running late after the first drop', trackingEvent: null });
    // The feed's line: one give-back, two shipments back; told again the same from what is stored.
    const told = (await line)[0]!.data!.complexActivity;
    expect(told).toMatchObject({ kind: 'BOOKING_RETURNED', summary: 'Booking given back by its carrier: 2 shipments back to the next matching round' });
    const recent = await as<{ complex: { recentActivity: { id: string; kind: string; summary: string }[] } }>(keys.operator, RECENT);
    expect(recent.data!.complex.recentActivity.find((l) => l.kind === 'BOOKING_RETURNED')).toEqual(told);
    // A's shipper hears nothing of it: the next it hears is its own load's next step.
    expect((await report(booking.a, 'IN_TRANSIT')).errors).toBeUndefined();
    expect((await heard.a)[0]!.data!.shipmentUpdated).toMatchObject({ shipmentRequestId: requests.a, trackingEvent: { kind: 'IN_TRANSIT' } });
    await Promise.all(Object.values(feeds).map((f) => f.dispose()));

    // The truck drives A alone: A's stops, A's load, A's price.
    const a = route.shares.find((s) => s.requestId === requests.a)!;
    const left = await routeAs(keys.carrier);
    expect(left).toMatchObject({ status: 'ACCEPTED', sharedBy: 1, priceKrw: a.priceKrw, shares: [a] });
    expect(left.stops.map((s) => [s.seq, s.action, s.requestId, s.kgAfter, s.palletsAfter])).toEqual([
      [1, 'PICKUP', requests.a, 800, 2],
      [2, 'DROP', requests.a, 0, 0],
    ]);
    // Planned as before, and it ends with A's drop: the truck is free from then on.
    expect(left.stops.map((s) => s.departAt)).toEqual(route.stops.filter((s) => s.requestId === requests.a).map((s) => s.departAt));
    expect(left.endAt).toBe(left.stops.at(-1)!.departAt);
    expect(await routeAs(keys.a)).toMatchObject({ status: 'ACCEPTED', stops: left.stops });
    const aBooking = (await server.db.select().from(bookings).where(eq(bookings.id, localIdOf(booking.a, 'Booking', 'id'))).get())!;
    expect(aBooking).toMatchObject({ status: 'CONFIRMED', endReason: null });
    expect(await invariantViolations(server.db)).toEqual({});
  });

  it('a later round offers the returned loads again', async () => {
    await registerTruck('경기34바5678');
    await as(keys.operator, RUN);
    expect(await statusOf(requests.b)).toBe('OFFERED');
    expect(await statusOf(requests.c)).toBe('OFFERED');
    // A rides on, booked as before.
    expect(await statusOf(requests.a)).toBe('IN_TRANSIT');
    expect(await held()).toContainEqual([localIdOf(requests.a, 'ShipmentRequest', 'id'), 'CONFIRMED']);
    expect(await invariantViolations(server.db)).toEqual({});
  });
});
