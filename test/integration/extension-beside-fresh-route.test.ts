/**
 * A booked truck offered, in one round, an extension of its booked route and a fresh route for after it: the round
 * keeps both when the extension is done before the fresh route has the truck leave. The carrier accepts both and the
 * bookings hold: every share confirmed, each booking's reservation of the truck held, the fresh route's after the
 * extended route's. Or it declines one and accepts the other, which was priced and checked on its own.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { and, inArray, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vehicleReservations } from '../../db/schema';
import { localIdOf } from '../../src/global-id';
import { threeShippers } from '../helpers/bookings-fixtures';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const GATE = { lat: 37.325, lng: 126.75 };
const SUWON = { lat: 37.2636, lng: 127.0286 };

const ROUTES = `query ($round: ID) { routes(first: 10, filter: { roundId: $round }) { edges { node {
  id vehicleId status extendsRouteId shares { requestId } stops { action requestId startAt departAt } } } } }`;
const ACCEPT = `mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) {
  route { id status } bookings { id status shipmentRequestId } } }`;
const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id report { routes extensions servedCount } } } }';

interface Route {
  id: string;
  vehicleId: string;
  status: string;
  extendsRouteId: string | null;
  shares: { requestId: string }[];
  stops: { action: string; requestId: string; startAt: string; departAt: string }[];
}

describe.each([
  ['accepts both', { declineFresh: false }],
  ['declines the fresh route and accepts the extension', { declineFresh: true }],
])('a booked truck offered an extension and a fresh route in one round: its carrier %s', (_, { declineFresh }) => {
  const tmp = tempDir();
  let server: TestServer;
  const keys = {} as Record<'a' | 'b' | 'c' | 'carrier' | 'operator', string>;
  const requests = {} as Record<'a' | 'b' | 'c', string>;
  let booked: Route;

  const as = async <T,>(key: string, query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server.url, query, variables, { apiKey: key })).body;
  const post = async (key: string, origin: typeof GATE, destination: typeof GATE, pickup: [number, number], deliverBy: number) =>
    (
      await as<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>(key, 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', {
        input: {
          idempotencyKey: randomUUID(), origin, destination, weightKg: 800, pallets: 2, cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
          pickupWindow: { from: at(pickup[0] * HOUR), until: at(pickup[1] * HOUR) }, deliverBy: at(deliverBy * HOUR),
        },
      })
    ).data!.shipmentRequestCreate.shipmentRequest.id;
  /** Runs a round as the operator; returns its report and the carrier's routes in it. */
  const round = async () => {
    const run = await as<{ matchingRunStart: { round: { id: string; report: { routes: number; extensions: number; servedCount: number } } } }>(keys.operator, RUN);
    expect(run.errors).toBeUndefined();
    const listed = await as<{ routes: { edges: { node: Route }[] } }>(keys.carrier, ROUTES, { round: run.data!.matchingRunStart.round.id });
    expect(listed.errors).toBeUndefined();
    return { report: run.data!.matchingRunStart.round.report, routes: listed.data!.routes.edges.map((e) => e.node) };
  };

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'extension-beside-fresh.db') });
    Object.assign(keys, { ...(await threeShippers(server)), carrier: server.keyOf('CARRIER').apiKey, operator: server.keyOf('OPERATOR').apiKey });
    // Two shifts: A's route is driven in the first; the second is free time after it, where only a fresh route goes.
    const registered = await as(keys.carrier, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: {
        plateNumber: '경기12바3456', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 },
        availability: [{ startsAt: at(HOUR), endsAt: at(26 * HOUR) }, { startsAt: at(27 * HOUR), endsAt: at(60 * HOUR) }], idempotencyKey: randomUUID(),
      },
    });
    expect(registered.errors).toBeUndefined();
    // A's load to Suwon is booked alone: the truck leaves with room to spare.
    requests.a = await post(keys.a, GATE, SUWON, [20, 21], 25);
    booked = (await round()).routes.find((r) => r.shares.some((s) => s.requestId === requests.a))!;
    expect((await as(keys.carrier, ACCEPT, { id: booked.id, key: randomUUID() })).errors).toBeUndefined();
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('offers both, and what the carrier accepts is booked with the truck held at different times', async () => {
    // B beside A's gate to beside A's drop, in A's hours; C from beside A's drop back to the complex, in the second shift.
    requests.b = await post(keys.b, { lat: 37.322, lng: 126.755 }, { lat: 37.27, lng: 127.0 }, [20, 21], 25);
    requests.c = await post(keys.c, { lat: 37.27, lng: 127.01 }, GATE, [28, 30], 36);
    const { report, routes: offered } = await round();
    expect(report).toMatchObject({ routes: 2, extensions: 1, servedCount: 2 });
    const extension = offered.find((r) => r.extendsRouteId)!;
    const fresh = offered.find((r) => !r.extendsRouteId)!;
    expect(extension).toMatchObject({ extendsRouteId: booked.id, vehicleId: booked.vehicleId, shares: [{ requestId: requests.b }] });
    expect(fresh).toMatchObject({ vehicleId: booked.vehicleId, shares: [{ requestId: requests.c }] });
    expect(Date.parse(extension.stops.at(-1)!.departAt)).toBeLessThanOrEqual(Date.parse(fresh.stops[0]!.startAt));

    if (declineFresh) {
      const declined = await as(keys.carrier, 'mutation ($id: ID!) { routeDecline(input: { routeId: $id }) { route { status } } }', { id: fresh.id });
      expect(declined.errors).toBeUndefined();
    }
    for (const route of declineFresh ? [extension] : [extension, fresh]) {
      const accepted = await as<{ routeAccept: { bookings: { id: string; status: string }[] } }>(keys.carrier, ACCEPT, { id: route.id, key: randomUUID() });
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data!.routeAccept.bookings.map((b) => b.status)).toEqual(['CONFIRMED']);
    }
    // Every booking holds the truck once; C's hold starts after A's and B's end. C declined goes back to OPEN.
    const BOOKINGS = 'query ($req: ID!) { bookings(filter: { shipmentRequestId: $req }) { edges { node { id status } } } }';
    const bookingIds: Record<string, number> = {};
    for (const [name, request] of Object.entries(requests)) {
      const list = (await as<{ bookings: { edges: { node: { id: string; status: string } }[] } }>(keys.operator, BOOKINGS, { req: request })).data!.bookings.edges.map((e) => e.node);
      if (declineFresh && name === 'c') {
        expect(list).toEqual([]);
        continue;
      }
      expect(list.map((b) => b.status)).toEqual(['CONFIRMED']);
      bookingIds[name] = Number(localIdOf(list[0]!.id, 'Booking', 'id'));
    }
    const held = await server.db.select().from(vehicleReservations).where(and(inArray(vehicleReservations.bookingId, Object.values(bookingIds)), isNull(vehicleReservations.releasedAt))).all();
    expect(held.map((h) => h.bookingId).sort()).toEqual(Object.values(bookingIds).sort());
    const spanOf = (name: string) => held.find((h) => h.bookingId === bookingIds[name])!;
    if (!declineFresh) expect(spanOf('c').startsAt.getTime()).toBeGreaterThanOrEqual(Math.max(spanOf('a').endsAt.getTime(), spanOf('b').endsAt.getTime()));
    const status = async (id: string) => (await as<{ node: { status: string } }>(keys.operator, 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status } } }', { id })).data!.node.status;
    expect(await status(requests.c)).toBe(declineFresh ? 'OPEN' : 'BOOKED');
    // The next round offers nothing more: C declined on this truck, the only one, waits.
    expect((await round()).report).toMatchObject({ routes: 0, servedCount: 0 });
  });
});
