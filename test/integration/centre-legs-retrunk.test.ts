/**
 * A trunk leg given back after its feeder picked the goods up (a broken-down trunk truck): only the trunk ends, the
 * goods wait at the centre, and the next rounds offer them a trunk from there, which delivers them. Set up as
 * centre-legs.test.ts (centreMarket): six loads 4 km around the centre in one half hour, going ~100 km one way; a big
 * truck at the centre, a small one beside each load.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, offers, shipmentRequests, vehicleReservations, vehicles } from '../../db/schema';
import { localIdOf, toGlobalId } from '../../src/global-id';
import { seoulDay } from '../../src/supply/listings/seoul-day';
import { DEFAULT_CONFIG } from '../../src/matching/engine/config';
import { TINY_PNG } from '../../scripts/simulation/market';
import { firstResults, gql, subscribedTo, wsClient } from '../helpers/clients';
import { ACCEPT, centreMarket, REPORT, ROUTES, RUN, type Route } from '../helpers/centre-fixtures';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const GIVE_BACK = 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "truck broke down", idempotencyKey: $key }) { bookings { id status } } }';
const OFFERS = `query ($request: ID!) { offers(first: 10, filter: { status: PENDING, requestId: $request }) { edges { node {
  id centreLeg routeId pickupAt deliverAt breakdown { handlingKrw } } } } }`;

interface Offer {
  id: string;
  centreLeg: string | null;
  routeId: string;
  pickupAt: string;
  deliverAt: string;
  breakdown: { handlingKrw: number };
}

describe('a trunk leg given back after its feeder picked the goods up', () => {
  const tmp = tempDir();
  let server: TestServer;
  let centre: { lat: number; lng: number };
  let register: Awaited<ReturnType<typeof centreMarket>>['register'];
  let through: string;
  let handOverAt: number;
  /** Another request on the trunk's route whose feeder picked it up too, and the rest, not picked up. */
  let alsoPicked: string;
  let others: string[];
  const booking = { feeder: '', trunk: '', retrunk: '' };
  /** The other load's feeder: its booking and its truck. */
  const alsoFed = { booking: '', vehicleId: '' };

  const as = async <T,>(key: string, query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server.url, query, variables, { apiKey: key })).body;
  const key = (role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR') => server.keyOf(role).apiKey;
  const status = async (id: string) => (await as<{ node: { status: string } }>(key('OPERATOR'), 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status } } }', { id })).data!.node.status;
  const report = (bookingId: string, kind: string) =>
    as<{ trackingEventReport: { booking: { status: string; shipment: { status: string } } } }>(key('CARRIER'), REPORT, {
      input: { bookingId, kind, occurredAt: new Date().toISOString(), position: centre, idempotencyKey: randomUUID() },
    });
  const round = async () => {
    const run = await as<{ matchingRunStart: { round: { id: string } } }>(key('OPERATOR'), RUN);
    expect(run.errors).toBeUndefined();
    return run.data!.matchingRunStart.round.id;
  };
  const routesOf = async (roundId: string) => (await as<{ routes: { edges: { node: Route }[] } }>(key('CARRIER'), ROUTES, { round: roundId })).data!.routes.edges.map((e) => e.node);
  const trunkOffers = async (request = through) => (await as<{ offers: { edges: { node: Offer }[] } }>(key('MANUFACTURER'), OFFERS, { request })).data!.offers.edges.map((e) => e.node);
  /** What the operator's insights count as unmatched among the requests posted this last hour (this test's). */
  const unmatchedSeen = async () => {
    const INSIGHTS = 'query ($from: DateTime!, $to: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: $to) { unmatched { reason count } } }';
    const body = await as<{ complexInsights: { unmatched: { reason: string | null; count: number }[] } }>(key('OPERATOR'), INSIGHTS, {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(body.errors).toBeUndefined();
    return body.data!.complexInsights.unmatched;
  };
  const legs = async (request = through) =>
    (await server.db.select().from(bookings).where(eq(bookings.requestId, localIdOf(request, 'ShipmentRequest', 'id'))).orderBy(bookings.id).all()).map((b) => [b.centreLeg, b.status]);

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'retrunk.db') });
    const market = await centreMarket(server);
    ({ centre, register } = market);
    const routes = await routesOf(await round());
    const feeder = routes.find((r) => r.stops.some((s) => s.action === 'CENTRE_DROP'))!;
    through = feeder.stops.find((s) => s.action === 'CENTRE_DROP')!.requestId;
    handOverAt = Date.parse(feeder.stops.find((s) => s.action === 'CENTRE_DROP')!.departAt);
    const trunk = routes.find((r) => r.stops.some((s) => s.action === 'CENTRE_PICKUP' && s.requestId === through))!;
    const second = routes.find((r) => r.stops.some((s) => s.action === 'CENTRE_DROP' && s.requestId !== through && trunk.shares.some((t) => t.requestId === s.requestId)))!;
    alsoPicked = second.stops.find((s) => s.action === 'CENTRE_DROP')!.requestId;
    others = trunk.shares.map((s) => s.requestId).filter((id) => id !== through && id !== alsoPicked);
    for (const [leg, route] of [['feeder', feeder], ['trunk', trunk]] as const) {
      const accepted = await as<{ routeAccept: { bookings: { id: string; shipmentRequestId: string }[] } }>(key('CARRIER'), ACCEPT, { id: route.id, key: randomUUID() });
      expect(accepted.errors).toBeUndefined();
      booking[leg] = accepted.data!.routeAccept.bookings.find((b) => b.shipmentRequestId === through)!.id;
    }
    expect(await status(through)).toBe('BOOKED');
    expect((await report(booking.feeder, 'PICKED_UP')).errors).toBeUndefined();
    const fed = await as<{ routeAccept: { bookings: { id: string; shipmentRequestId: string }[] } }>(key('CARRIER'), ACCEPT, { id: second.id, key: randomUUID() });
    expect(fed.errors).toBeUndefined();
    alsoFed.booking = fed.data!.routeAccept.bookings.find((b) => b.shipmentRequestId === alsoPicked)!.id;
    alsoFed.vehicleId = second.vehicleId;
    expect((await report(alsoFed.booking, 'PICKED_UP')).errors).toBeUndefined();
    // A truck at the centre for the new trunk.
    await register(centre, 'T5');
  }, 60_000);
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('is accepted: only the trunk ends, its truck is free, the feeder and the goods stay; the shipper hears why', async () => {
    const feed = wsClient(server.wsUrl, { apiKey: key('MANUFACTURER') });
    const listening = subscribedTo(server.pubsub, 'shipmentUpdated');
    const told = firstResults<{ shipmentUpdated: { shipmentRequestId: string; status: string; reason: string } }>(feed, {
      query: 'subscription ($id: ID) { shipmentUpdated(shipmentRequestId: $id) { shipmentRequestId status reason } }',
      variables: { id: through },
    });
    await listening;
    const given = await as<{ bookingGiveBack: { bookings: { id: string; status: string }[] } }>(key('CARRIER'), GIVE_BACK, { id: booking.trunk, key: randomUUID() });
    expect(given.errors).toBeUndefined();
    expect(given.data!.bookingGiveBack.bookings).toContainEqual({ id: booking.trunk, status: 'RETURNED' });
    expect(await legs()).toEqual([['FEEDER', 'CONFIRMED'], ['TRUNK', 'RETURNED']]);
    expect(await status(through)).toBe('PICKED_UP');
    // The pooled trunk is given back whole: a load on it its feeder picked up awaits a trunk too; those not picked up
    // yet go back to the next round, as before.
    expect(await status(alsoPicked)).toBe('PICKED_UP');
    expect(await legs(alsoPicked)).toEqual([['TRUNK', 'RETURNED'], ['FEEDER', 'CONFIRMED']]);
    expect(others.length).toBeGreaterThan(0);
    for (const id of others) expect(await status(id)).toBe('OPEN');
    const hold = await server.db.select().from(vehicleReservations).where(eq(vehicleReservations.bookingId, localIdOf(booking.trunk, 'Booking', 'id'))).get();
    expect(hold?.releasedAt).toBeInstanceOf(Date);
    expect((await told)[0]!.data!.shipmentUpdated).toEqual({ shipmentRequestId: through, status: 'PICKED_UP', reason: 'truck broke down' });
    await feed.dispose();
  });

  it('no trunk can deliver by deliverBy: none offered, unmatched says why, the goods still at the feeder', async () => {
    const id = localIdOf(through, 'ShipmentRequest', 'id');
    const { deliverBy } = (await server.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!;
    // Due an hour after the hand-over: no truck drives the ~100 km from the centre in time.
    await server.db.update(shipmentRequests).set({ deliverBy: new Date(handOverAt + 3_600_000) }).where(eq(shipmentRequests.id, id)).run();
    await round();
    await server.db.update(shipmentRequests).set({ deliverBy }).where(eq(shipmentRequests.id, id)).run();
    expect(await trunkOffers()).toEqual([]);
    // The other load awaiting a trunk, due as posted, is offered one.
    expect((await trunkOffers(alsoPicked)).map((o) => o.centreLeg)).toEqual(['TRUNK']);
    const seen = await as<{ node: { status: string; unmatched: { reason: string } | null } }>(key('MANUFACTURER'), 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status unmatched { reason } } } }', { id: through });
    expect(seen.data!.node).toEqual({ status: 'PICKED_UP', unmatched: { reason: 'DEADLINE' } });
    // The operator sees the goods among the unmatched, by that reason; the one on offer is not.
    expect(await unmatchedSeen()).toEqual([{ reason: 'DEADLINE', count: 1 }]);
  });

  it('due before the goods are handled at the centre: no day fits, unmatched says DEADLINE, not what an earlier round said', async () => {
    const id = localIdOf(through, 'ShipmentRequest', 'id');
    const kept = (await server.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!;
    // Due half an hour after the hand-over, inside the centre's 45 minutes of handling: no trunk can even load it.
    await server.db.update(shipmentRequests).set({ deliverBy: new Date(handOverAt + 30 * 60_000), unmatchedReason: 'TAKEN' }).where(eq(shipmentRequests.id, id)).run();
    try {
      await round();
      expect(await trunkOffers()).toEqual([]);
      expect((await server.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!.unmatchedReason).toBe('DEADLINE');
    } finally {
      await server.db.update(shipmentRequests).set({ deliverBy: kept.deliverBy, unmatchedReason: kept.unmatchedReason }).where(eq(shipmentRequests.id, id)).run();
    }
  });

  it("past its deliverBy, rounds stop offering a trunk and the operator sees the goods as DEADLINE, whatever the last round said", async () => {
    const id = localIdOf(through, 'ShipmentRequest', 'id');
    const kept = (await server.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!;
    const now = Date.now();
    await server.db
      .update(shipmentRequests)
      .set({ pickupFrom: new Date(now - 3 * 3_600_000), pickupUntil: new Date(now - 2 * 3_600_000), deliverBy: new Date(now - 60_000), unmatchedReason: 'TAKEN' })
      .where(eq(shipmentRequests.id, id))
      .run();
    try {
      await round();
      expect(await trunkOffers()).toEqual([]);
      expect(await status(through)).toBe('PICKED_UP');
      // Still TAKEN on the request (no round looks at it now), but nothing will carry it: the operator's to arrange.
      expect(await unmatchedSeen()).toEqual([{ reason: 'DEADLINE', count: 1 }]);
    } finally {
      const { pickupFrom, pickupUntil, deliverBy, unmatchedReason } = kept;
      await server.db.update(shipmentRequests).set({ pickupFrom, pickupUntil, deliverBy, unmatchedReason }).where(eq(shipmentRequests.id, id)).run();
    }
  });

  it("the next round offers a trunk from the centre, after the hand-over and the centre's handling; declined, the goods still await one", async () => {
    await round();
    const offered = await trunkOffers();
    expect(offered.map((o) => o.centreLeg)).toEqual(['TRUNK']);
    // Cross-docked as a first trunk would be: loaded no sooner than the centre has handled the goods.
    expect(Date.parse(offered[0]!.pickupAt)).toBeGreaterThanOrEqual(handOverAt + DEFAULT_CONFIG.centreHandlingMinutes * 60_000);
    // The centre's handling is on the feeder's share already.
    expect(offered[0]!.breakdown.handlingKrw).toBe(0);
    const route = (await as<{ node: Route }>(key('CARRIER'), 'query ($id: ID!) { node(id: $id) { ... on Route { id stops { action requestId location { lat lng } } } } }', { id: offered[0]!.routeId })).data!.node;
    // Loaded at the centre and driven to its destination: never through the centre again.
    expect(route.stops.filter((s) => s.requestId === through).map((s) => [s.action, s.action === 'CENTRE_PICKUP' ? s.location : null])).toEqual([['CENTRE_PICKUP', centre], ['DROP', null]]);
    expect(await status(through)).toBe('PICKED_UP');
    const declined = await as(key('CARRIER'), 'mutation ($id: ID!) { routeDecline(input: { routeId: $id, reason: "no driver" }) { route { status } } }', { id: route.id });
    expect(declined.errors).toBeUndefined();
    expect(await status(through)).toBe('PICKED_UP');
    expect(await legs()).toEqual([['FEEDER', 'CONFIRMED'], ['TRUNK', 'RETURNED']]);
    expect(await trunkOffers()).toEqual([]);
  });

  it('a carrier accepts the next offer: the new trunk is booked, the goods keep their status', async () => {
    // Another carrier's truck free at the centre: the one that declined is not asked again.
    await register(centre, 'T5');
    await round();
    // An offer left to expire leaves the goods awaiting too: the next round offers again.
    const lapsed = await trunkOffers();
    expect(lapsed.map((o) => o.centreLeg)).toEqual(['TRUNK']);
    await server.db.update(offers).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(offers.id, localIdOf(lapsed[0]!.id, 'Offer', 'id'))).run();
    await round();
    expect(await status(through)).toBe('PICKED_UP');
    expect(await legs()).toEqual([['FEEDER', 'CONFIRMED'], ['TRUNK', 'RETURNED']]);
    const offered = await trunkOffers();
    expect(offered.map((o) => o.centreLeg)).toEqual(['TRUNK']);
    expect(offered[0]!.id).not.toBe(lapsed[0]!.id);
    // Offered, the request no longer says why it was not.
    expect((await as<{ node: { unmatched: unknown } }>(key('MANUFACTURER'), 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { unmatched { reason } } } }', { id: through })).data!.node.unmatched).toBeNull();
    const accepted = await as<{ routeAccept: { bookings: { id: string; shipmentRequestId: string; centreLeg: string }[] } }>(key('CARRIER'), ACCEPT, { id: offered[0]!.routeId, key: randomUUID() });
    expect(accepted.errors).toBeUndefined();
    const mine = accepted.data!.routeAccept.bookings.find((b) => b.shipmentRequestId === through)!;
    expect(mine.centreLeg).toBe('TRUNK');
    booking.retrunk = mine.id;
    expect(await status(through)).toBe('PICKED_UP');
    expect(await legs()).toEqual([['FEEDER', 'CONFIRMED'], ['TRUNK', 'RETURNED'], ['TRUNK', 'CONFIRMED']]);
    // The centre cross-docks the pallets once: the two feeders booked, 2 pallets each; a new trunk adds none.
    const CROSS_DOCK = 'query ($from: String) { centreCrossDock(complexCode: "BANWOL_SIHWA", from: $from, days: 1) { bookedPallets } }';
    const dock = await as<{ centreCrossDock: { bookedPallets: number }[] }>(key('OPERATOR'), CROSS_DOCK, { from: seoulDay(new Date(handOverAt)) });
    expect(dock.data!.centreCrossDock).toEqual([{ bookedPallets: 4 }]);
  });

  it('tracking goes on as for any trunk: AT_CENTRE, DEPARTED_CENTRE (then no give-back), IN_TRANSIT, DELIVERED', async () => {
    // The goods are still on the feeder.
    expect((await report(booking.retrunk, 'DEPARTED_CENTRE')).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await report(booking.feeder, 'AT_CENTRE')).data!.trackingEventReport.booking).toEqual({ status: 'COMPLETED', shipment: { status: 'AT_CENTRE' } });
    expect((await report(booking.retrunk, 'DEPARTED_CENTRE')).data!.trackingEventReport.booking).toEqual({ status: 'CONFIRMED', shipment: { status: 'IN_TRANSIT' } });
    const given = await as(key('CARRIER'), GIVE_BACK, { id: booking.retrunk, key: randomUUID() });
    expect(given.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('DEPARTED_CENTRE') });
    expect((await report(booking.retrunk, 'IN_TRANSIT')).errors).toBeUndefined();
    const image = (await (await fetch(`${server.url.replace(/\/graphql$/, '')}/pod-images/${booking.retrunk}`, { method: 'POST', headers: { authorization: `Bearer ${key('CARRIER')}`, 'content-type': 'image/png' }, body: TINY_PNG })).json()) as { id: string };
    const now = new Date().toISOString();
    const delivered = await as<{ trackingEventReport: { booking: { status: string; shipment: { status: string } } } }>(key('CARRIER'), REPORT, {
      input: { bookingId: booking.retrunk, kind: 'DELIVERED', occurredAt: now, position: centre, proofOfDelivery: { receiverName: '김수령', receivedAt: now, imageId: image.id }, idempotencyKey: randomUUID() },
    });
    expect(delivered.data!.trackingEventReport.booking).toEqual({ status: 'COMPLETED', shipment: { status: 'DELIVERED' } });
    expect(await legs()).toEqual([['FEEDER', 'COMPLETED'], ['TRUNK', 'RETURNED'], ['TRUNK', 'COMPLETED']]);
  });

  it("the carrier's statement charges the feeder once and the trunk that delivered; the one given back, nothing", async () => {
    const STATEMENT = 'query ($org: ID!, $month: String!) { statement(organisationId: $org, month: $month) { lines { bookingId part status supplyValueKrw } } }';
    const org = toGlobalId('Organisation', server.keyOf('CARRIER').organisationId);
    // The given-back trunk is dated by its planned delivery, tomorrow: maybe next month.
    const months = [...new Set([seoulDay(new Date()), seoulDay(new Date(Date.now() + 86_400_000))].map((d) => d.slice(0, 7)))];
    const lines = [];
    for (const month of months) {
      const body = await as<{ statement: { lines: { bookingId: string; part: string; status: string; supplyValueKrw: number }[] } }>(key('CARRIER'), STATEMENT, { org, month });
      expect(body.errors).toBeUndefined();
      lines.push(...body.data!.statement.lines.filter((l) => Object.values(booking).includes(l.bookingId)));
    }
    const charged = lines.filter((l) => l.supplyValueKrw > 0).map((l) => [l.bookingId, l.part, l.status]);
    expect(charged).toEqual([[booking.feeder, 'TRANSPORT', 'COMPLETED'], [booking.retrunk, 'TRANSPORT', 'COMPLETED']]);
    expect(lines.filter((l) => l.bookingId === booking.trunk)).toEqual([{ bookingId: booking.trunk, part: 'TRANSPORT', status: 'RETURNED', supplyValueKrw: 0 }]);
  });

  it("the feeder's own truck, its route done, is offered the new trunk as a route of its own", async () => {
    // The other load's feeder hands over: its route has nothing ahead. Its truck is the only one left.
    expect((await report(alsoFed.booking, 'AT_CENTRE')).data!.trackingEventReport.booking).toEqual({ status: 'COMPLETED', shipment: { status: 'AT_CENTRE' } });
    const feederTruck = localIdOf(alsoFed.vehicleId, 'Vehicle', 'id');
    await server.db.update(vehicles).set({ status: 'RETIRED' }).where(ne(vehicles.id, feederTruck)).run();
    await server.db.update(offers).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(offers.requestId, localIdOf(alsoPicked, 'ShipmentRequest', 'id'))).run();
    await round();
    const offered = await trunkOffers(alsoPicked);
    expect(offered.map((o) => o.centreLeg)).toEqual(['TRUNK']);
    const route = (await as<{ node: Route }>(key('CARRIER'), 'query ($id: ID!) { node(id: $id) { ... on Route { vehicleId stops { action requestId } } } }', { id: offered[0]!.routeId })).data!.node;
    expect(route.vehicleId).toBe(alsoFed.vehicleId);
    // A route of its own: loaded at the centre and delivered, not the feeder's route again.
    expect(route.stops.filter((s) => s.requestId === alsoPicked).map((s) => s.action)).toEqual(['CENTRE_PICKUP', 'DROP']);
    const accepted = await as<{ routeAccept: { bookings: { shipmentRequestId: string; centreLeg: string }[] } }>(key('CARRIER'), ACCEPT, { id: offered[0]!.routeId, key: randomUUID() });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.routeAccept.bookings.filter((b) => b.shipmentRequestId === alsoPicked).map((b) => b.centreLeg)).toEqual(['TRUNK']);
    expect(await legs(alsoPicked)).toEqual([['TRUNK', 'RETURNED'], ['FEEDER', 'COMPLETED'], ['TRUNK', 'CONFIRMED']]);
  });
});
