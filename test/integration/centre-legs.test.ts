/**
 * Consolidation through the logistics centre end to end: six loads picked up around Banwol-Sihwa within the same
 * morning hour, all going ~100 km the same way; one big truck waits at the centre, a small truck beside each load.
 * The round sends loads through the centre (feeder, cross-dock, trunk): each leg is a route offer of its own, the
 * request is BOOKED once both are accepted, and tracking follows the hand-over (AT_CENTRE, DEPARTED_CENTRE).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, logisticsCentres, offers } from '../../db/schema';
import { localIdOf, toGlobalId } from '../../src/global-id';
import { seoulDay } from '../../src/supply/listings/seoul-day';
import { kstDayOf } from '../../src/matching/engine/days';
import { getComplex } from '../../src/complexes/get-complex';
import { loadRoundInput } from '../../src/matching/round-input';
import { TINY_PNG } from '../../scripts/simulation/market';
import { ctxAs } from '../helpers/bookings-fixtures';
import { firstResults, gql, subscribedTo, wsClient } from '../helpers/clients';
import { ACCEPT, centreMarket, REPORT, ROUTES, RUN, type Route } from '../helpers/centre-fixtures';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

describe('a request through the logistics centre', () => {
  const tmp = tempDir();
  let server: TestServer;
  let centre: { lat: number; lng: number };
  let centreRow: typeof logisticsCentres.$inferSelect;
  const requestIds: string[] = [];
  let routesSeen: Route[];
  let centreRequests: number;
  let feeder: Route;
  let trunk: Route;
  let through: string;
  const bookingOf: Record<'feeder' | 'trunk', string> = { feeder: '', trunk: '' };

  const as = async <T,>(key: string, query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server.url, query, variables, { apiKey: key })).body;
  const key = (role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR') => server.keyOf(role).apiKey;
  const status = async (id: string) => (await as<{ node: { status: string } }>(key('OPERATOR'), 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status } } }', { id })).data!.node.status;
  const offset = (km: number, angle: number) => ({ lat: centre.lat + (km * Math.cos(angle)) / 111.32, lng: centre.lng + (km * Math.sin(angle)) / (111.32 * Math.cos((centre.lat * Math.PI) / 180)) });
  const report = (bookingId: string, kind: string) =>
    as<{ trackingEventReport: { booking: { status: string; shipment: { status: string } } } }>(key('CARRIER'), REPORT, {
      input: { bookingId, kind, occurredAt: new Date().toISOString(), position: centre, idempotencyKey: randomUUID() },
    });

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'centre.db') });
    const market = await centreMarket(server);
    ({ centre, centreRow } = market);
    requestIds.push(...market.requestIds);
    const run = await as<{ matchingRunStart: { round: { id: string; report: { centreRequests: number } } } }>(key('OPERATOR'), RUN);
    expect(run.errors).toBeUndefined();
    centreRequests = run.data!.matchingRunStart.round.report.centreRequests;
    const routes = (await as<{ routes: { edges: { node: Route }[] } }>(key('CARRIER'), ROUTES, { round: run.data!.matchingRunStart.round.id })).data!.routes.edges.map((e) => e.node);
    routesSeen = routes;
    feeder = routes.find((r) => r.stops.some((s) => s.action === 'CENTRE_DROP'))!;
    expect(feeder).toBeDefined();
    through = feeder.stops.find((s) => s.action === 'CENTRE_DROP')!.requestId;
    trunk = routes.find((r) => r.stops.some((s) => s.action === 'CENTRE_PICKUP' && s.requestId === through))!;
  }, 60_000);
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('offers its two legs as two routes on two trucks, handing over at the centre after handling', () => {
    expect(trunk).toBeDefined();
    expect(centreRequests).toBe(new Set(routesSeen.flatMap((r) => r.stops.filter((s) => s.action === 'CENTRE_DROP').map((s) => s.requestId))).size);
    expect(trunk.vehicleId).not.toBe(feeder.vehicleId);
    const drop = feeder.stops.find((s) => s.requestId === through && s.action === 'CENTRE_DROP')!;
    const pick = trunk.stops.find((s) => s.requestId === through && s.action === 'CENTRE_PICKUP')!;
    expect(drop.location).toEqual(centre);
    expect(pick.location).toEqual(centre);
    expect(Date.parse(pick.startAt) - Date.parse(drop.departAt)).toBeGreaterThanOrEqual(45 * 60_000);
    expect(feeder.stops.filter((s) => s.requestId === through).map((s) => s.action)).toEqual(['PICKUP', 'CENTRE_DROP']);
    expect(trunk.stops.filter((s) => s.requestId === through).map((s) => s.action)).toEqual(['CENTRE_PICKUP', 'DROP']);
  });

  it("the next round knows the cross-dock pallets the centre has promised for the hand-over's day", async () => {
    const input = await loadRoundInput({ db: server.db }, getComplex({ ctx: ctxAs(server.db, server.keyOf('OPERATOR')), input: { code: 'BANWOL_SIHWA' } }), new Date());
    const feeders = new Set(routesSeen.flatMap((r) => r.stops.filter((s) => s.action === 'CENTRE_DROP').map((s) => s.requestId)));
    const day = kstDayOf(Date.parse(feeder.stops.find((s) => s.action === 'CENTRE_DROP')!.departAt));
    expect(input.centre.crossDockedPallets).toEqual([{ day, pallets: 2 * feeders.size }]);
  });

  it('the shipper sees both legs of its request, each with its own share', async () => {
    const seen = (await as<{ routes: { edges: { node: Route }[] } }>(key('MANUFACTURER'), ROUTES)).data!.routes.edges.map((e) => e.node);
    const mine = seen.filter((r) => r.shares.some((s) => s.requestId === through));
    expect(mine.map((r) => r.id).sort()).toEqual([feeder.id, trunk.id].sort());
    expect(mine.flatMap((r) => r.stops.filter((s) => s.requestId === through).map((s) => s.action)).sort()).toEqual(['CENTRE_DROP', 'CENTRE_PICKUP', 'DROP', 'PICKUP']);
  });

  it('is BOOKED only once both legs are accepted; accepting one leaves the other on offer', async () => {
    const first = await as<{ routeAccept: { bookings: { id: string; shipmentRequestId: string }[] } }>(key('CARRIER'), ACCEPT, { id: feeder.id, key: randomUUID() });
    expect(first.errors?.[0]?.message).toBeUndefined();
    bookingOf.feeder = first.data!.routeAccept.bookings.find((b) => b.shipmentRequestId === through)!.id;
    expect(await status(through)).toBe('OFFERED');
    // Its carrier, holding a confirmed booking, is told why it cannot pick up yet.
    const early = await report(bookingOf.feeder, 'PICKED_UP');
    expect(early.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('another leg of it') });
    const trunkNow = (await as<{ node: Route }>(key('CARRIER'), 'query ($id: ID!) { node(id: $id) { ... on Route { id status } } }', { id: trunk.id })).data!.node;
    expect(trunkNow.status).toBe('PENDING');
    const second = await as<{ routeAccept: { bookings: { id: string; shipmentRequestId: string }[] } }>(key('CARRIER'), ACCEPT, { id: trunk.id, key: randomUUID() });
    expect(second.errors).toBeUndefined();
    bookingOf.trunk = second.data!.routeAccept.bookings.find((b) => b.shipmentRequestId === through)!.id;
    expect(await status(through)).toBe('BOOKED');
    // Each booking and its offer say which leg they carry: what the carrier reports at the centre follows from it.
    // The feeder's price holds the centre's handling, which its carrier is told is not its own (the statements split it).
    const LEG = 'query ($id: ID!) { node(id: $id) { ... on Booking { centreLeg offer: offerId handlingKrw } } }';
    for (const [leg, id] of [['FEEDER', bookingOf.feeder], ['TRUNK', bookingOf.trunk]] as const) {
      const booking = (await as<{ node: { centreLeg: string; offer: string; handlingKrw: number } }>(key('CARRIER'), LEG, { id })).data!.node;
      expect(booking.centreLeg).toBe(leg);
      expect(booking.handlingKrw).toBe(leg === 'FEEDER' ? centreRow.handlingFeePerPalletKrw * 2 : 0);
      const offer = await as<{ node: { centreLeg: string } }>(key('MANUFACTURER'), 'query ($id: ID!) { node(id: $id) { ... on Offer { centreLeg } } }', { id: booking.offer });
      expect(offer.data!.node.centreLeg).toBe(leg);
    }
  });

  it("the centre's operator reads its cross-dock day by day: the feeder booked, the other feeders offered, the rest free", async () => {
    const CROSS_DOCK = 'query ($from: String, $days: Int) { centreCrossDock(complexCode: "BANWOL_SIHWA", from: $from, days: $days) { day capacityPallets bookedPallets offeredPallets freePallets } }';
    const handOver = seoulDay(new Date(Date.parse(feeder.stops.find((s) => s.action === 'CENTRE_DROP')!.departAt)));
    const fed = new Set(routesSeen.flatMap((r) => r.stops.filter((s) => s.action === 'CENTRE_DROP').map((s) => s.requestId))).size;
    const booked = 2 * feeder.stops.filter((s) => s.action === 'CENTRE_DROP').length;
    const { data, errors } = await as<{ centreCrossDock: { day: string; capacityPallets: number; bookedPallets: number; offeredPallets: number; freePallets: number }[] }>(key('OPERATOR'), CROSS_DOCK, { from: seoulDay(new Date()), days: 3 });
    expect(errors).toBeUndefined();
    expect(data!.centreCrossDock.map((d) => d.day)).toEqual([0, 1, 2].map((i) => seoulDay(new Date(Date.now() + i * 86_400_000))));
    const capacity = centreRow.crossDockPalletsPerDay;
    expect(data!.centreCrossDock.find((d) => d.day === handOver)).toEqual({ day: handOver, capacityPallets: capacity, bookedPallets: booked, offeredPallets: 2 * fed - booked, freePallets: capacity - 2 * fed });
    expect(data!.centreCrossDock.filter((d) => d.day !== handOver).every((d) => d.bookedPallets === 0 && d.offeredPallets === 0 && d.freePallets === capacity)).toBe(true);
    // Its operators' and admins' only, and bad arguments named.
    expect((await as(key('CARRIER'), CROSS_DOCK, {})).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await as(key('OPERATOR'), CROSS_DOCK, { days: 0 })).errors?.[0]?.message).toBe('days: must be at least 1');
    expect((await as(key('OPERATOR'), CROSS_DOCK, { from: '2026-02-30' })).errors?.[0]?.message).toBe('from: must be a real calendar date written YYYY-MM-DD');
    // The days asked for must be days the calendar has: past 9999-12-31 they were answered as "+010000-01".
    expect((await as(key('OPERATOR'), CROSS_DOCK, { from: '9999-12-30', days: 5 })).errors?.[0]?.message).toBe('days: must end by 9999-12-31: at most 2 from 9999-12-30');
    expect((await as<{ centreCrossDock: { day: string }[] }>(key('OPERATOR'), CROSS_DOCK, { from: '9999-12-30', days: 2 })).data!.centreCrossDock.map((d) => d.day)).toEqual(['9999-12-30', '9999-12-31']);
  });

  it("each leg's carrier is given its own ends: the feeder delivers to the centre, the trunk collects there", async () => {
    const PLACES = `query ($id: ID!) { node(id: $id) { ... on Booking { shipment {
      origin { location { lat lng } isCentre } destination { location { lat lng } isCentre } loadingAtOrigin loadingAtDestination } } } }`;
    type Place = { location: { lat: number; lng: number }; isCentre: boolean };
    type Shipment = { origin: Place; destination: Place; loadingAtOrigin: string; loadingAtDestination: string };
    const request = (await as<{ node: { origin: Place; destination: Place } }>(key('MANUFACTURER'), 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { origin { location { lat lng } isCentre } destination { location { lat lng } isCentre } } } }', { id: through })).data!.node;
    const shipmentOf = async (id: string) => (await as<{ node: { shipment: Shipment } }>(key('CARRIER'), PLACES, { id })).data!.node.shipment;
    const atCentre = { location: centre, isCentre: true };
    // The centre's dock unloads and loads by forklift, whatever the request's own ends need.
    expect(await shipmentOf(bookingOf.feeder)).toEqual({ origin: request.origin, destination: atCentre, loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT' });
    expect(await shipmentOf(bookingOf.trunk)).toEqual({ origin: atCentre, destination: request.destination, loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT' });
  });

  it("insights count both legs' routes as trips: the trunk picks its loads up at the centre", async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const INSIGHTS = 'query ($from: DateTime!, $to: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: $to) { trips { trips requests } } }';
    const body = await as<{ complexInsights: { trips: { trips: number; requests: number } } }>(key('OPERATOR'), INSIGHTS, { from, to });
    expect(body.errors).toBeUndefined();
    const booked = [feeder, trunk].reduce((sum, r) => sum + r.shares.length, 0);
    expect(body.data!.complexInsights.trips).toEqual({ trips: 2, requests: booked });
  });

  it('insights count a request through the centre once as served, whatever legs it has booked', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const INSIGHTS = 'query ($from: DateTime!, $to: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: $to) { requests { posted served consolidated } } }';
    const body = await as<{ complexInsights: { requests: { posted: number; served: number; consolidated: number } } }>(key('OPERATOR'), INSIGHTS, { from, to });
    expect(body.errors).toBeUndefined();
    const held = (await server.db.select().from(bookings).all()).filter((b) => b.kind === 'TRANSPORT' && ['CONFIRMED', 'COMPLETED'].includes(b.status));
    const legsOf = (id: string) => held.filter((b) => b.requestId === localIdOf(id, 'ShipmentRequest', 'id')).length;
    expect(legsOf(through)).toBe(2);
    // Served once every leg is booked: a request with one leg booked and the other still on offer waits (OFFERED).
    const served = (await Promise.all(requestIds.map(async (id) => legsOf(id) > 0 && (await status(id)) !== 'OFFERED'))).filter(Boolean).length;
    expect(body.data!.complexInsights.requests).toMatchObject({ posted: requestIds.length, served });
    expect(body.data!.complexInsights.requests.consolidated).toBeLessThanOrEqual(served);
  });

  it('tracking follows the hand-over: the feeder ends AT_CENTRE, the trunk starts DEPARTED_CENTRE', async () => {
    const wrongStart = await report(bookingOf.trunk, 'PICKED_UP');
    expect(wrongStart.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('input.kind') });
    expect((await report(bookingOf.feeder, 'PICKED_UP')).data!.trackingEventReport.booking.shipment.status).toBe('PICKED_UP');
    // The goods are on the feeder: the trunk, which has not loaded them at the centre, is neither on its way with them
    // nor delivers them (a trunk reporting DELIVERED here closed the request while the feeder still carried it).
    const unloaded = await report(bookingOf.trunk, 'IN_TRANSIT');
    expect(unloaded.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('DEPARTED_CENTRE') });
    // Nor has it a photo of the delivery: its upload is refused, naming the loading it waits for.
    const photo = await fetch(`${server.url.replace(/\/graphql$/, '')}/pod-images/${bookingOf.trunk}`, { method: 'POST', headers: { authorization: `Bearer ${key('CARRIER')}`, 'content-type': 'image/png' }, body: TINY_PNG });
    expect([photo.status, ((await photo.json()) as { errors: { message: string }[] }).errors[0]!.message]).toEqual([409, expect.stringContaining('(no DEPARTED_CENTRE reported)')]);
    // The feeder, which has them, hands them over at the centre (AT_CENTRE), which takes no proof of delivery: a photo
    // uploaded on it could never be used.
    const feederPhoto = await fetch(`${server.url.replace(/\/graphql$/, '')}/pod-images/${bookingOf.feeder}`, { method: 'POST', headers: { authorization: `Bearer ${key('CARRIER')}`, 'content-type': 'image/png' }, body: TINY_PNG });
    expect([feederPhoto.status, ((await feederPhoto.json()) as { errors: { extensions: { issues: unknown } }[] }).errors[0]!.extensions.issues]).toEqual([
      400,
      [{ field: 'bookingId', rule: 'must be a booking that delivers the goods: a feeder leg hands them over at the logistics centre (AT_CENTRE), which takes no proof of delivery' }],
    ]);
    const now = new Date().toISOString();
    const delivered = await as(key('CARRIER'), REPORT, {
      input: { bookingId: bookingOf.trunk, kind: 'DELIVERED', occurredAt: now, position: centre, proofOfDelivery: { receiverName: '김수령', receivedAt: now, imageId: toGlobalId('PodImage', 1) }, idempotencyKey: randomUUID() },
    });
    expect(delivered.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('DEPARTED_CENTRE') });
    expect(await status(through)).toBe('PICKED_UP');
    const wrongEnd = await report(bookingOf.feeder, 'DEPARTED_CENTRE');
    expect(wrongEnd.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('report AT_CENTRE') });
    const handedOver = (await report(bookingOf.feeder, 'AT_CENTRE')).data!.trackingEventReport.booking;
    expect(handedOver).toEqual({ status: 'COMPLETED', shipment: { status: 'AT_CENTRE' } });
    const departed = (await report(bookingOf.trunk, 'DEPARTED_CENTRE')).data!.trackingEventReport.booking;
    expect(departed).toEqual({ status: 'CONFIRMED', shipment: { status: 'IN_TRANSIT' } });
    // Loaded, the trunk can no longer be given back (before, it could: centre-legs-retrunk.test.ts).
    const GIVE_BACK = 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "truck broke down", idempotencyKey: $key }) { bookings { id } } }';
    const given = await as(key('CARRIER'), GIVE_BACK, { id: bookingOf.trunk, key: randomUUID() });
    expect(given.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('DEPARTED_CENTRE') });
  });

  it("a feeder leg is supplied when its goods are handed over at the centre (AT_CENTRE), as the carrier's statement dates it", async () => {
    const today = seoulDay(new Date());
    const STATEMENT = 'query ($org: ID!, $month: String!) { statement(organisationId: $org, month: $month) { lines { bookingId status supplyDate } } }';
    const org = toGlobalId('Organisation', server.keyOf('CARRIER').organisationId);
    const body = await as<{ statement: { lines: { bookingId: string; status: string; supplyDate: string }[] } }>(key('CARRIER'), STATEMENT, { org, month: today.slice(0, 7) });
    expect(body.errors).toBeUndefined();
    // Planned for tomorrow morning, handed over now.
    expect(body.data!.statement.lines.find((l) => l.bookingId === bookingOf.feeder)).toEqual({ bookingId: bookingOf.feeder, status: 'COMPLETED', supplyDate: today });
  });

  it("the shipper's statement splits the feeder leg: its carrier's transport, and the centre's handling (fee per pallet × pallets)", async () => {
    const LINES = `query ($org: ID!, $month: String!) { statement(organisationId: $org, month: $month) {
      lines { bookingId part supplyDate bookedPriceKrw supplyValueKrw supplier { organisationId centreId } } } }`;
    type Line = { bookingId: string; part: string; supplyDate: string; bookedPriceKrw: number; supplyValueKrw: number; supplier: { organisationId: string | null; centreId: string | null } };
    const month = seoulDay(new Date()).slice(0, 7);
    const org = toGlobalId('Organisation', server.keyOf('MANUFACTURER').organisationId);
    const lines = (await as<{ statement: { lines: Line[] } }>(key('MANUFACTURER'), LINES, { org, month })).data!.statement.lines.filter((l) => l.bookingId === bookingOf.feeder);
    const price = (await as<{ node: { priceKrw: number } }>(key('MANUFACTURER'), 'query ($id: ID!) { node(id: $id) { ... on Booking { priceKrw } } }', { id: bookingOf.feeder })).data!.node.priceKrw;
    const handling = centreRow.handlingFeePerPalletKrw * 2;
    expect(lines).toEqual([
      { bookingId: bookingOf.feeder, part: 'TRANSPORT', supplyDate: seoulDay(new Date()), bookedPriceKrw: price - handling, supplyValueKrw: price - handling, supplier: { organisationId: toGlobalId('Organisation', server.keyOf('CARRIER').organisationId), centreId: null } },
      { bookingId: bookingOf.feeder, part: 'HANDLING', supplyDate: seoulDay(new Date()), bookedPriceKrw: handling, supplyValueKrw: handling, supplier: { organisationId: null, centreId: toGlobalId('LogisticsCentre', centreRow.id) } },
    ]);
  });

  it('a leg declined sends its request back to the next round and gives the other leg back', async () => {
    // Another load through the centre: its trunk was booked with the trunk route above, its feeder still waits.
    const other = routesSeen.flatMap((r) => r.stops.filter((s) => s.action === 'CENTRE_DROP' && s.requestId !== through).map((s) => ({ route: r, requestId: s.requestId })))[0]!;
    expect(other).toBeDefined();
    expect(await status(other.requestId)).toBe('OFFERED');
    // The trunk's carrier is told its booked leg ended when the feeder leg was declined.
    const feed = wsClient(server.wsUrl, { apiKey: key('CARRIER') });
    const listening = subscribedTo(server.pubsub, 'bookingEnded');
    const told = firstResults<{ bookingEnded: { status: string; centreLeg: string; shipmentRequestId: string; endReason: string } }>(feed, { query: 'subscription { bookingEnded { status centreLeg shipmentRequestId endReason } }' });
    await listening;
    const declined = await as(key('CARRIER'), 'mutation ($id: ID!) { routeDecline(input: { routeId: $id, reason: "no driver" }) { route { status } } }', { id: other.route.id });
    expect(declined.errors).toBeUndefined();
    expect(await status(other.requestId)).toBe('OPEN');
    const legs = await server.db.select().from(bookings).where(eq(bookings.requestId, localIdOf(other.requestId, 'ShipmentRequest', 'requestId'))).all();
    expect(legs.map((b) => [b.centreLeg, b.status])).toEqual([['TRUNK', 'RETURNED']]);
    expect((await told)[0]!.data!.bookingEnded).toEqual({ status: 'RETURNED', centreLeg: 'TRUNK', shipmentRequestId: other.requestId, endReason: expect.stringMatching(/^Another leg of the request was declined or expired/) });
    await feed.dispose();
  });

  it("the centre's promise ends with a feeder leg's booking: pallets given back no longer hold the cross-dock", async () => {
    const crossDocked = async () => (await loadRoundInput({ db: server.db }, getComplex({ ctx: ctxAs(server.db, server.keyOf('OPERATOR')), input: { code: 'BANWOL_SIHWA' } }), new Date())).centre.crossDockedPallets;
    // A feeder route still on offer: accepted, then given back by its carrier (its offer stays ACCEPTED).
    const pending = [];
    for (const r of routesSeen.filter((r) => r.id !== feeder.id && r.stops.some((s) => s.action === 'CENTRE_DROP'))) {
      const now = (await as<{ node: { status: string } }>(key('CARRIER'), 'query ($id: ID!) { node(id: $id) { ... on Route { status } } }', { id: r.id })).data!.node.status;
      if (now === 'PENDING') pending.push(r);
    }
    expect(pending.length).toBeGreaterThan(0);
    const route = pending[0]!;
    const accepted = await as<{ routeAccept: { bookings: { id: string }[] } }>(key('CARRIER'), ACCEPT, { id: route.id, key: randomUUID() });
    expect(accepted.errors).toBeUndefined();
    const held = await crossDocked();
    const GIVE_BACK = 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "truck broke down", idempotencyKey: $key }) { bookings { id status } } }';
    for (const { id } of accepted.data!.routeAccept.bookings) expect((await as(key('CARRIER'), GIVE_BACK, { id, key: randomUUID() })).errors).toBeUndefined();
    const given = 2 * route.stops.filter((s) => s.action === 'CENTRE_DROP').length;
    const day = kstDayOf(Date.parse(route.stops.find((s) => s.action === 'CENTRE_DROP')!.departAt));
    const on = (list: { day: number; pallets: number }[] = []) => list.find((d) => d.day === day)?.pallets ?? 0;
    expect(on(await crossDocked())).toBe(on(held) - given);
  });

  it('a leg whose offer expires unanswered gives the booked other leg back at the next round, and tells its carrier', async () => {
    const waiting = routesSeen.flatMap((r) => r.stops.filter((s) => s.action === 'CENTRE_DROP' && s.requestId !== through).map((s) => ({ route: r, requestId: s.requestId })));
    const open = [];
    for (const w of waiting) if ((await status(w.requestId)) === 'OFFERED') open.push(w);
    expect(open.length).toBeGreaterThan(0);
    const { route, requestId } = open[0]!;
    await server.db.update(offers).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(offers.routeId, localIdOf(route.id, 'Route', 'routeId'))).run();
    const feed = wsClient(server.wsUrl, { apiKey: key('CARRIER') });
    const listening = subscribedTo(server.pubsub, 'bookingEnded');
    const told = firstResults<{ bookingEnded: { status: string; centreLeg: string; shipmentRequestId: string } }>(feed, { query: 'subscription { bookingEnded { status centreLeg shipmentRequestId } }' });
    await listening;
    expect((await as(key('OPERATOR'), RUN)).errors).toBeUndefined();
    expect((await told)[0]!.data!.bookingEnded).toEqual({ status: 'RETURNED', centreLeg: 'TRUNK', shipmentRequestId: requestId });
    await feed.dispose();
  });
});

describe('a booked route through the centre takes a direct load on its way', () => {
  const tmp = tempDir();
  let server: TestServer;
  const as = async <T,>(key: string, query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server.url, query, variables, { apiKey: key })).body;
  const key = (role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR') => server.keyOf(role).apiKey;

  beforeAll(async () => {
    // At MATCHING_MAX_STOPS' default 12: the trunk's loadings at the centre are one stop (places, not pickups and
    // drops, count), so its six loads leave room for B's two stops.
    server = await startTestServer({ dbPath: join(tmp.dir, 'centre-extension.db') });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it("extends the booked trunk with a load beside the centre, the trunk's loading at the centre kept", async () => {
    // As above: six loads around the complex going ~100 km the same way, a big truck at the centre, a small one beside each load.
    const { centre, offset, post } = await centreMarket(server);
    const first = await as<{ matchingRunStart: { round: { id: string } } }>(key('OPERATOR'), RUN);
    const routes = (await as<{ routes: { edges: { node: Route }[] } }>(key('CARRIER'), ROUTES, { round: first.data!.matchingRunStart.round.id })).data!.routes.edges.map((e) => e.node);
    const trunk = routes.find((r) => r.stops.some((s) => s.action === 'CENTRE_PICKUP'))!;
    expect(trunk).toBeDefined();
    expect((await as(key('CARRIER'), ACCEPT, { id: trunk.id, key: randomUUID() })).errors).toBeUndefined();

    // B: 300 m from the centre, going the trunk's way, ready while the trunk loads.
    const b = await post(offset(0.3, 1), offset(95, 2.42), '09:00', '13:00');
    const second = await as<{ matchingRunStart: { round: { id: string } } }>(key('OPERATOR'), RUN);
    const offered = (await as<{ routes: { edges: { node: Route & { extendsRouteId: string | null } }[] } }>(key('CARRIER'), ROUTES.replace('id status vehicleId', 'id status vehicleId extendsRouteId'), { round: second.data!.matchingRunStart.round.id })).data!.routes.edges.map((e) => e.node);
    const extension = offered.find((r) => r.extendsRouteId === trunk.id)!;
    expect(extension.shares.map((s) => s.requestId)).toEqual([b]);
    // Every booked loading at the centre stays as booked; the booked drops follow.
    const loading = (r: Route) => r.stops.filter((s) => s.action === 'CENTRE_PICKUP').map((s) => [s.requestId, s.startAt]);
    expect(loading(extension).sort()).toEqual(loading(trunk).sort());
    expect(extension.stops.filter((s) => s.requestId !== b).map((s) => s.action).sort()).toEqual(trunk.stops.map((s) => s.action).sort());

    // Accepted, the booked trunk drives it: its loadings at the centre still hand-overs there.
    expect((await as(key('CARRIER'), ACCEPT, { id: extension.id, key: randomUUID() })).errors).toBeUndefined();
    const now = (await as<{ node: Route }>(key('CARRIER'), `query ($id: ID!) { node(id: $id) { ... on Route { id status vehicleId shares { requestId priceKrw status } stops { action requestId location { lat lng } startAt departAt } } } }`, { id: trunk.id })).data!.node;
    expect(loading(now).sort()).toEqual(loading(trunk).sort());
    expect(now.stops.filter((s) => s.action === 'CENTRE_PICKUP').every((s) => s.location.lat === centre.lat && s.location.lng === centre.lng)).toBe(true);
  });
});
