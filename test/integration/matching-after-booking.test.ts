import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { offers, routes } from '../../db/schema';
import { selectComplex } from '../../src/complexes/complex-record';
import { haversineKm } from '../../src/geo/distance';
import { addDays, seoulDay, seoulMidnight } from '../../src/supply/listings/seoul-day';
import { toGlobalId } from '../../src/global-id';
import { acceptOffer } from '../../src/bookings/accept-offer';
import { acceptRoute } from '../../src/bookings/accept-route';
import { runMatchingRound } from '../../src/matching/run-round';
import { cancelShipmentRequest } from '../../src/demand/cancel-shipment-request';
import { retireVehicle } from '../../src/supply/vehicles/retire-vehicle';
import { updateVehicleLocation } from '../../src/supply/vehicles/update-vehicle-location';
import type { Context } from '../../src/context';
import { TINY_PNG } from '../../scripts/simulation/market';
import { BUSAN, ctxAs, HOUR, makeOffers, round, shipment, vehicle } from '../helpers/bookings-fixtures';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }';
const OFFERS = 'query ($id: ID!) { offers(filter: { requestId: $id, status: PENDING }) { edges { node { vehicleId deadheadKm } } } }';
const REPORT = 'mutation ($input: TrackingEventReportInput!) { trackingEventReport(input: $input) { booking { status } } }';
const ROUTE_OFFERS = 'query ($id: ID!) { offers(filter: { requestId: $id, status: PENDING }) { edges { node { vehicleId routeId } } } }';
const ACCEPT = 'mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) { route { status } } }';
const MOVE = 'mutation ($id: ID!, $at: LatLngInput!) { vehicleLocationUpdate(input: { vehicleId: $id, location: $at }) { location { locationUpdatedAt } } }';
const SUWON = { lat: 37.2636, lng: 127.0286 };
/** Pyeongtaek, ~40 km from the complex: within a round's search radius of it, unlike Busan. */
const PYEONGTAEK = { lat: 36.99, lng: 126.93 };
/** Between Pyeongtaek and the complex, a little off the straight road. */
const HWASEONG = { lat: 37.15, lng: 126.87 };
/** The load each test's round plans: inside the complex, where the test's truck was registered. */
const ORIGIN = { lat: 37.33, lng: 126.76 };
/** Far below any class rate card (the demo data registers no trucks): wherever a round plans it, it is the truck to beat. */
const CHEAP = { baseFeeKrw: 1_000, perKmKrw: 100, perStopFeeKrw: 0, waitingFeePerHourKrw: 0 };

type Offers = { offers: { edges: { node: { vehicleId: string; deadheadKm: number } }[] } };

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
const as = (role: 'MANUFACTURER' | 'CARRIER', at = Date.now()): Context => ({ ...ctxAs(server.db, server.keyOf(role)), now: () => new Date(at) });
/** What each test made, retired and cancelled after it so that the next test's round sees only its own. */
let made: { truckIds: number[]; requestIds: number[] };

beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'after-booking.db') });
});
beforeEach(() => {
  made = { truckIds: [], requestIds: [] };
});
afterEach(async () => {
  for (const id of made.requestIds) await cancelShipmentRequest({ ctx: as('MANUFACTURER'), input: { id, reason: 'test over' } });
  for (const vehicleId of made.truckIds) await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId } });
});
afterAll(async () => {
  await server.stop();
  tmp.remove();
});

/**
 * A cheap truck registered in the complex two days ago and booked then (through the domain, on that day's clock) for a
 * load to `destination` picked up 45 h ago and delivered by its plan 36 h ago (before today began, Asia/Seoul): its
 * reservation has ended, and nobody has reported anything since.
 */
async function bookedTo(destination: { lat: number; lng: number }, leg?: 'FEEDER'): Promise<{ truckId: number; bookingId: number; requestId: number; then: number }> {
  const then = Date.now() - 48 * HOUR;
  const truck = await vehicle(as('CARRIER', then), { location: ORIGIN, rateCard: CHEAP, availability: [{ startsAt: new Date(then + HOUR), endsAt: new Date(Date.now() + 72 * HOUR) }] });
  const request = await shipment(as('MANUFACTURER', then), { destination, pickupWindow: { from: new Date(then + 2 * HOUR), until: new Date(then + 6 * HOUR) }, deliverBy: new Date(then + 30 * HOUR) });
  const offer = { round: await round(server.db), requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: server.keyOf('CARRIER').organisationId, vehicleId: truck.id, expiresAt: new Date(then + HOUR) };
  const [offerId, trunkId] = await makeOffers(server.db, [
    { ...offer, pickupAt: new Date(then + 3 * HOUR), deliverAt: new Date(then + 12 * HOUR) },
    ...(leg ? [{ ...offer, pickupAt: new Date(then + 13 * HOUR), deliverAt: new Date(then + 20 * HOUR) }] : []),
  ]);
  const accept = (id: number) => acceptOffer({ ctx: as('CARRIER', then), input: { offerId: id, idempotencyKey: randomUUID() } });
  made.truckIds.push(truck.id);
  // Through the centre, as a round offers it: this truck's feeder to the centre, another truck's trunk on from there.
  if (leg) {
    const trunkTruck = await vehicle(as('CARRIER', then));
    made.truckIds.push(trunkTruck.id);
    await server.db.update(offers).set({ centreLeg: 'FEEDER' }).where(eq(offers.id, offerId!)).run();
    await server.db.update(offers).set({ centreLeg: 'TRUNK', vehicleId: trunkTruck.id }).where(eq(offers.id, trunkId!)).run();
    await accept(trunkId!);
  }
  const { bookings } = await accept(offerId!);
  return { truckId: truck.id, bookingId: bookings[0]!.id, requestId: request.id, then };
}

/** A round, then the pending offers it made the request. */
async function roundOffering<T = Offers['offers']['edges'][number]['node']>(requestId: number, query = OFFERS): Promise<T[]> {
  const operator = server.keyOf('OPERATOR').apiKey;
  expect((await gql(server.url, RUN, {}, { apiKey: operator })).body.errors).toBeUndefined();
  return (await gql<{ offers: { edges: { node: T }[] } }>(server.url, query, { id: toGlobalId('ShipmentRequest', requestId) }, { apiKey: operator })).body.data!.offers.edges.map((e) => e.node);
}

/** A load from where the trucks were registered to Suwon, and a round: its pending offers. */
async function roundWithLoad(): Promise<Offers['offers']['edges'][number]['node'][]> {
  const local = await shipment(as('MANUFACTURER'), { origin: ORIGIN, destination: SUWON });
  made.requestIds.push(local.id);
  return roundOffering(local.id);
}

const truckId = (id: number) => toGlobalId('Vehicle', id);
const carrierKey = () => server.keyOf('CARRIER').apiKey;
const centre = () => selectComplex({ db: server.db }, { code: 'BANWOL_SIHWA' })!.centre;

/** The approach from `from` to the load, as the round prices it (great circle x detour factor). */
const approachKm = (from: { lat: number; lng: number }) => haversineKm(from, ORIGIN) * 1.3;

it('plans a truck whose booking ended far away from where it left it: a truck in the complex takes the load', async () => {
  await bookedTo(BUSAN);
  // Dearer than the truck left in Busan, but in the complex now.
  const local = await vehicle(as('CARRIER'), { location: ORIGIN });
  made.truckIds.push(local.id);
  expect((await roundWithLoad()).map((o) => o.vehicleId)).toEqual([truckId(local.id)]);
});

it('plans a truck whose booking has ended from that drop, with the empty run from there', async () => {
  const { truckId: id } = await bookedTo(PYEONGTAEK);
  expect(await roundWithLoad()).toEqual([{ vehicleId: truckId(id), deadheadKm: expect.closeTo(approachKm(PYEONGTAEK), 1) }]);
});

it('plans a truck whose pooled route has ended from the drop it made last, not the last pickup', async () => {
  const then = Date.now() - 48 * HOUR;
  const truck = await vehicle(as('CARRIER', then), { location: ORIGIN, rateCard: CHEAP, availability: [{ startsAt: new Date(then + HOUR), endsAt: new Date(Date.now() + 72 * HOUR) }] });
  made.truckIds.push(truck.id);
  const r = await round(server.db);
  const route = (await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId: truck.id, priceKrw: 900_000, startAt: new Date(then + 3 * HOUR), endAt: new Date(then + 12 * HOUR) }).returning().get())!;
  // Picked up first, delivered last (Pyeongtaek); picked up second, delivered first (Busan).
  const share = async (destination: { lat: number; lng: number }, pickupH: number, deliverH: number) => {
    const request = await shipment(as('MANUFACTURER', then), { destination, pickupWindow: { from: new Date(then + 2 * HOUR), until: new Date(then + 6 * HOUR) }, deliverBy: new Date(then + 30 * HOUR) });
    return { round: r, routeId: route.id, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: server.keyOf('CARRIER').organisationId, vehicleId: truck.id, pickupAt: new Date(then + pickupH * HOUR), deliverAt: new Date(then + deliverH * HOUR), expiresAt: new Date(then + HOUR) };
  };
  const [offerId] = await makeOffers(server.db, [await share(PYEONGTAEK, 3, 12), await share(BUSAN, 4, 10)]);
  await acceptOffer({ ctx: as('CARRIER', then), input: { offerId: offerId!, idempotencyKey: randomUUID() } });
  expect(await roundWithLoad()).toEqual([{ vehicleId: truckId(truck.id), deadheadKm: expect.closeTo(approachKm(PYEONGTAEK), 1) }]);
});

it('plans a truck whose feeder leg has ended from the centre, where it handed the goods over', async () => {
  const { truckId: id } = await bookedTo(BUSAN, 'FEEDER');
  expect(await roundWithLoad()).toEqual([{ vehicleId: truckId(id), deadheadKm: expect.closeTo(approachKm(centre()), 1) }]);
});

/** Reports the booking picked up and delivered (with its proof) at the times given: the reports are sent now. */
async function deliver(bookingId: number, pickedUpAt: number, deliveredAt: number): Promise<void> {
  const booking = toGlobalId('Booking', bookingId);
  const report = (kind: string, at: number, extra = {}) =>
    gql<{ trackingEventReport: { booking: { status: string } } }>(server.url, REPORT, { input: { bookingId: booking, kind, occurredAt: new Date(at).toISOString(), position: PYEONGTAEK, idempotencyKey: randomUUID(), ...extra } }, { apiKey: carrierKey() });
  expect((await report('PICKED_UP', pickedUpAt)).body.errors).toBeUndefined();
  const upload = await fetch(`${server.url.replace(/\/graphql$/, '')}/pod-images/${booking}`, { method: 'POST', headers: { authorization: `Bearer ${carrierKey()}`, 'content-type': 'image/png' }, body: TINY_PNG });
  const image = (await upload.json()) as { id: string };
  const proofOfDelivery = { receiverName: '김수령', receivedAt: new Date(deliveredAt).toISOString(), imageId: image.id };
  expect((await report('DELIVERED', deliveredAt, { proofOfDelivery })).body.data?.trackingEventReport.booking.status).toBe('COMPLETED');
}

it('plans a truck from the drop of a booking its carrier reported delivered', async () => {
  const { truckId: id, bookingId, then } = await bookedTo(PYEONGTAEK);
  await deliver(bookingId, then + 3 * HOUR, then + 12 * HOUR);
  expect(await roundWithLoad()).toEqual([{ vehicleId: truckId(id), deadheadKm: expect.closeTo(approachKm(PYEONGTAEK), 1) }]);
});

it('plans a truck from the position its carrier reported after the delivery, though the delivery was reported later', async () => {
  const { truckId: id, bookingId, then } = await bookedTo(PYEONGTAEK);
  // An hour ago the carrier put the truck back in the complex; the driver reports the delivery of yesterday only now.
  await updateVehicleLocation({ ctx: as('CARRIER', Date.now() - HOUR), input: { vehicleId: id, location: ORIGIN } });
  await deliver(bookingId, then + 3 * HOUR, then + 12 * HOUR);
  expect(await roundWithLoad()).toEqual([{ vehicleId: truckId(id), deadheadKm: 0 }]);
});

it('leaves a truck where it stands when its booking was cancelled before pickup: it never went', async () => {
  const { truckId: id, requestId, then } = await bookedTo(PYEONGTAEK);
  await cancelShipmentRequest({ ctx: as('MANUFACTURER', then + HOUR), input: { id: requestId, reason: 'plans changed' } });
  expect(await roundWithLoad()).toEqual([{ vehicleId: truckId(id), deadheadKm: 0 }]);
});

it('plans a truck from the position its carrier reported after its booking ended', async () => {
  const { truckId: id } = await bookedTo(PYEONGTAEK);
  expect((await gql(server.url, MOVE, { id: truckId(id), at: ORIGIN }, { apiKey: carrierKey() })).body.errors).toBeUndefined();
  expect(await roundWithLoad()).toEqual([{ vehicleId: truckId(id), deadheadKm: 0 }]);
});

it("plans the extension of a booked route not yet started from where the truck's last work left it", async () => {
  const { truckId: id } = await bookedTo(PYEONGTAEK);
  // Tomorrow's hours (Asia/Seoul), so that both pickups fall on one day whenever the test runs.
  const tomorrow = (hour: number) => new Date(seoulMidnight(addDays(seoulDay(new Date()), 1)).getTime() + hour * HOUR);
  // Booked through a round: a load in the complex picked up at noon; nothing has moved the truck since Pyeongtaek.
  const later = await shipment(as('MANUFACTURER'), { origin: ORIGIN, destination: SUWON, pickupWindow: { from: tomorrow(12), until: tomorrow(14) }, deliverBy: tomorrow(20) });
  made.requestIds.push(later.id);
  const [offered] = await roundOffering<{ vehicleId: string; routeId: string }>(later.id, ROUTE_OFFERS);
  expect(offered?.vehicleId).toBe(truckId(id));
  expect((await gql(server.url, ACCEPT, { id: offered!.routeId, key: randomUUID() }, { apiKey: carrierKey() })).body.errors).toBeUndefined();
  // A load on the way from Pyeongtaek, picked up before that booked pickup: only an extension of the route carries it.
  const onTheWay = await shipment(as('MANUFACTURER'), { origin: HWASEONG, destination: ORIGIN, pickupWindow: { from: tomorrow(9), until: tomorrow(10) }, deliverBy: tomorrow(20) });
  made.requestIds.push(onTheWay.id);
  // From Pyeongtaek the pickup on the way turns empty km into loaded km (below 0); from the complex it adds the run to it.
  const emptyKm = (haversineKm(PYEONGTAEK, HWASEONG) - haversineKm(PYEONGTAEK, ORIGIN)) * 1.3;
  expect(await roundOffering(onTheWay.id)).toEqual([{ vehicleId: truckId(id), deadheadKm: expect.closeTo(emptyKm, 1) }]);
});

it('plans a truck from the drop of a booking delivered before its planned pickup time', async () => {
  const now = Date.now();
  const truck = await vehicle(as('CARRIER', now - HOUR), { location: ORIGIN, rateCard: CHEAP, availability: [{ startsAt: new Date(now - HOUR / 2), endsAt: new Date(now + 72 * HOUR) }] });
  made.truckIds.push(truck.id);
  const request = await shipment(as('MANUFACTURER', now - HOUR), { destination: PYEONGTAEK, pickupWindow: { from: new Date(now - HOUR / 2), until: new Date(now + 6 * HOUR) } });
  const offer = { round: await round(server.db), requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: server.keyOf('CARRIER').organisationId, vehicleId: truck.id, expiresAt: new Date(now + HOUR) };
  // Planned for three hours from now; loaded early and delivered a minute ago.
  const [offerId] = await makeOffers(server.db, [{ ...offer, pickupAt: new Date(now + 3 * HOUR), deliverAt: new Date(now + 5 * HOUR) }]);
  const { bookings } = await acceptOffer({ ctx: as('CARRIER', now - HOUR / 2), input: { offerId: offerId!, idempotencyKey: randomUUID() } });
  await deliver(bookings[0]!.id, now - 20 * 60_000, now - 60_000);
  expect(await roundWithLoad()).toEqual([{ vehicleId: truckId(truck.id), deadheadKm: expect.closeTo(approachKm(PYEONGTAEK), 1) }]);
});

it("plans the extension of a booked route running late, its pickup unreported, from where the truck's last work left it", async () => {
  const { truckId: id } = await bookedTo(PYEONGTAEK);
  const now = Date.now();
  // Booked two hours ago by a round of then: a load in the complex, its planned pickup passed with nothing reported.
  const late = await shipment(as('MANUFACTURER', now - 2 * HOUR), { origin: ORIGIN, destination: SUWON, pickupWindow: { from: new Date(now - 2 * HOUR + 60_000), until: new Date(now + 2 * HOUR) }, deliverBy: new Date(now + 8 * HOUR) });
  made.requestIds.push(late.id);
  const operator = { ...ctxAs(server.db, server.keyOf('OPERATOR')), now: () => new Date(now - 2 * HOUR) };
  await runMatchingRound({ ctx: operator, input: { complexCode: 'BANWOL_SIHWA' } });
  const [offered] = await server.db.select().from(offers).where(eq(offers.requestId, late.id)).all();
  expect(offered?.vehicleId).toBe(id);
  await acceptRoute({ ctx: as('CARRIER', now - 2 * HOUR), input: { routeId: offered!.routeId!, idempotencyKey: randomUUID() } });
  expect(offered!.pickupAt!.getTime()).toBeLessThan(now);
  // A load on the way from Pyeongtaek, to be picked up within the hour: the truck collects it before the late pickup.
  const onTheWay = await shipment(as('MANUFACTURER'), { origin: HWASEONG, destination: ORIGIN, pickupWindow: { from: new Date(now), until: new Date(now + HOUR) }, deliverBy: new Date(now + 8 * HOUR) });
  made.requestIds.push(onTheWay.id);
  const emptyKm = (haversineKm(PYEONGTAEK, HWASEONG) - haversineKm(PYEONGTAEK, ORIGIN)) * 1.3;
  expect(await roundOffering(onTheWay.id)).toEqual([{ vehicleId: truckId(id), deadheadKm: expect.closeTo(emptyKm, 1) }]);
});
