import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bookings, offers, organisations, shipmentRequests, vehicleReservations, listingReservations, listingAvailability, warehouseListings, webhookEvents } from '../../db/schema';
import { createApiKey } from '../../src/auth/create-api-key';
import { SYSTEM_ADMIN } from '../../src/auth/viewer';
import { getComplex } from '../../src/complexes/get-complex';
import { localIdOf, toGlobalId } from '../../src/global-id';
import { loadRoundInput } from '../../src/matching/round-input';
import { createListing } from '../../src/supply/listings/create-listing';
import { addDays, seoulDay, seoulMidnight } from '../../src/supply/listings/seoul-day';
import { updateListing } from '../../src/supply/listings/update-listing';
import { RETURN_REASONS } from '../../src/market/fallout';
import { activityLog } from '../helpers/activity';
import { firstResults, gql, publishedIds, subscribedTo, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { ctxAs, HOUR, listing, makeOffers, round, shipment, vehicle, type RoundRef } from '../helpers/bookings-fixtures';

const ACCEPT = `mutation ($offerId: ID!, $key: String!) {
  offerAccept(input: { offerId: $offerId, idempotencyKey: $key }) {
    offer { id status }
    bookings { id kind status priceKrw pallets weightKg shipmentRequestId routeId shipment { status origin { location { lat lng } } } }
  }
}`;
const GIVE_BACK = `mutation ($id: ID!, $reason: String!, $key: String!) {
  bookingGiveBack(input: { bookingId: $id, reason: $reason, idempotencyKey: $key }) { bookings { id status endReason } }
}`;
const BOOKINGS = `query ($requestId: ID) { bookings(filter: { shipmentRequestId: $requestId }) { totalCount edges { node { id kind status priceKrw } } } }`;

type AcceptResult = { offerAccept: { offer: { id: string; status: string }; bookings: { id: string; kind: string; status: string; priceKrw: number; routeId: string | null; shipment: { status: string } }[] } };

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
let r: RoundRef;
const key = (role: 'MANUFACTURER' | 'CARRIER' | 'WAREHOUSE_OWNER' | 'OPERATOR' | 'ADMIN', complex = 'BANWOL_SIHWA') => server.keyOf(role, complex);
const carrierCtx = () => ctxAs(server.db, key('CARRIER'));
const shipperCtx = () => ctxAs(server.db, key('MANUFACTURER'));
const accept = (offerId: number, idempotencyKey: string = randomUUID(), apiKey = key('CARRIER').apiKey) =>
  gql<AcceptResult>(server.url, ACCEPT, { offerId: toGlobalId('Offer', offerId), key: idempotencyKey }, { apiKey });
const decline = (offerId: number, apiKey: string) =>
  gql(server.url, 'mutation ($id: ID!) { offerDecline(input: { offerId: $id, reason: "no room" }) { offer { status } } }', { id: toGlobalId('Offer', offerId) }, { apiKey });
/** The ids of the bookings bookingEnded tells of from now on, until stopped. */
const endedBookings = () => publishedIds(server.pubsub, 'bookingEnded', (e) => e.booking.id);
const requestStatus = async (id: number) => (await server.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!.status;
const offerStatus = async (id: number) => (await server.db.select().from(offers).where(eq(offers.id, id)).get())!.status;
const withdrawalReason = async (id: number) => (await server.db.select().from(offers).where(eq(offers.id, id)).get())!.withdrawalReason;

/** A request offered to two vehicles of the demo carrier. */
async function offeredTwice(overrides: Parameters<typeof shipment>[1] = {}) {
  const request = await shipment(shipperCtx(), overrides);
  const [v1, v2] = [await vehicle(carrierCtx()), await vehicle(carrierCtx())];
  const common = { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId };
  const [first, second] = await makeOffers(server.db, [
    { ...common, vehicleId: v1.id },
    { ...common, vehicleId: v2.id },
  ]);
  return { request, vehicles: [v1, v2] as const, offerIds: [first!, second!] as const };
}

beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'bookings.db'), env: { POD_STORAGE_DIR: join(tmp.dir, 'pod') } });
  r = await round(server.db);
});
afterAll(async () => {
  await server.stop();
  tmp.remove();
});

describe('accepting an offer', () => {
  it('books the vehicle, marks the request BOOKED and withdraws the sibling offer, all at once', async () => {
    const { request, vehicles, offerIds } = await offeredTwice();
    const { body } = await accept(offerIds[0]);
    expect(body.errors).toBeUndefined();
    const [booking] = body.data!.offerAccept.bookings;
    expect(body.data!.offerAccept.offer.status).toBe('ACCEPTED');
    expect(booking).toMatchObject({ kind: 'TRANSPORT', status: 'CONFIRMED', priceKrw: 500_000, shipment: { status: 'BOOKED' } });
    expect(await requestStatus(request.id)).toBe('BOOKED');
    expect(await offerStatus(offerIds[1])).toBe('WITHDRAWN');
    const held = await server.db.select().from(vehicleReservations).where(eq(vehicleReservations.vehicleId, vehicles[0]!.id)).all();
    expect(held).toMatchObject([{ weightKg: 1_200, pallets: 3, releasedAt: null }]);

    const sibling = await accept(offerIds[1]);
    expect(sibling.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'Offer is WITHDRAWN and can no longer be accepted' });
  });

  it('returns the first outcome to a retry with the same idempotency key, and CONFLICT to a second accept', async () => {
    const { offerIds } = await offeredTwice();
    const idempotencyKey = randomUUID();
    const first = await accept(offerIds[0], idempotencyKey);
    const retry = await accept(offerIds[0], idempotencyKey);
    expect(retry.body).toEqual(first.body);
    expect(await server.db.select().from(bookings).where(eq(bookings.offerId, offerIds[0])).all()).toHaveLength(1);
    const again = await accept(offerIds[0]);
    expect(again.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it("a routeAccept key used for another route is refused without naming a mutation the carrier never sent", async () => {
    const { routes } = await import('../../db/schema');
    const routeOffered = async () => {
      const request = await shipment(shipperCtx());
      const v = await vehicle(carrierCtx());
      const load = await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId: v.id, priceKrw: 500_000, startAt: new Date(Date.now() + 5 * HOUR), endAt: new Date(Date.now() + 9 * HOUR) }).returning().get();
      await makeOffers(server.db, [{ round: r, kind: 'TRANSPORT', routeId: load.id, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: v.id }]);
      return toGlobalId('Route', load.id);
    };
    const ROUTE_ACCEPT = 'mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) { route { status } } }';
    const idempotencyKey = randomUUID();
    const [first, second] = [await routeOffered(), await routeOffered()];
    expect((await gql(server.url, ROUTE_ACCEPT, { id: first, key: idempotencyKey }, { apiKey: key('CARRIER').apiKey })).body.errors).toBeUndefined();
    const reused = await gql(server.url, ROUTE_ACCEPT, { id: second, key: idempotencyKey }, { apiKey: key('CARRIER').apiKey });
    expect(reused.body.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: `input.idempotencyKey: ${idempotencyKey} was already used for offerAccept or routeAccept with other input; send a new key for a new request`,
    });
  });

  it('names each side to the other once booked: the carrier, its contact and truck plate; the shipper, its contact and notes', async () => {
    const { request, vehicles, offerIds } = await offeredTwice({ notes: 'Gate B, call ahead' });
    const party = async (id: number) => {
      const { name, contactName, contactPhone } = (await server.db.select().from(organisations).where(eq(organisations.id, id)).get())!;
      return { name, contactName, contactPhone };
    };
    const BOOKED = `query ($requestId: ID) { bookings(filter: { shipmentRequestId: $requestId }) { edges { node {
      vehiclePlate shipper { name contactName contactPhone } supplier { name contactName contactPhone } shipment { notes } } } } }`;
    expect((await accept(offerIds[0])).body.errors).toBeUndefined();
    const expected = { vehiclePlate: vehicles[0]!.plateNumber, shipper: await party(request.shipperOrgId), supplier: await party(key('CARRIER').organisationId), shipment: { notes: 'Gate B, call ahead' } };
    expect(expected.supplier.contactPhone).not.toBeNull();
    for (const apiKey of [key('MANUFACTURER').apiKey, key('CARRIER').apiKey, key('OPERATOR').apiKey]) {
      const { body } = await gql<{ bookings: { edges: { node: unknown }[] } }>(server.url, BOOKED, { requestId: toGlobalId('ShipmentRequest', request.id) }, { apiKey });
      expect(body.errors).toBeUndefined();
      expect(body.data!.bookings.edges.map((e) => e.node)).toEqual([expected]);
    }
  });

  it('hides offers made to others, and refuses manufacturers', async () => {
    const { offerIds } = await offeredTwice();
    const otherCarrier = await accept(offerIds[0], randomUUID(), key('CARRIER', 'CHANGWON').apiKey);
    expect(otherCarrier.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const shipper = await accept(offerIds[0], randomUUID(), key('MANUFACTURER').apiKey);
    expect(shipper.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badKey = await accept(offerIds[0], 'short');
    expect(badKey.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('input.idempotencyKey') });
  });

  it('refuses an expired offer; the next round expires it and returns the request to OPEN', async () => {
    const request = await shipment(shipperCtx());
    const v = await vehicle(carrierCtx());
    const [offerId] = await makeOffers(server.db, [
      { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: v.id, expiresAt: new Date(Date.now() - 1000) },
    ]);
    const { body } = await accept(offerId!);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/^Offer expired at .*next matching round$/) });
    const run = await gql(server.url, 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }', {}, { apiKey: key('OPERATOR').apiKey });
    expect(run.body.errors).toBeUndefined();
    expect(await offerStatus(offerId!)).toBe('EXPIRED');
    expect(['OPEN', 'OFFERED']).toContain(await requestStatus(request.id));
  });

  it('refuses to decline an offer past its expiry, as accepting it is refused: it stays EXPIRED, not rewritten as DECLINED', async () => {
    const request = await shipment(shipperCtx());
    const v = await vehicle(carrierCtx());
    const [offerId] = await makeOffers(server.db, [
      { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: v.id, expiresAt: new Date(Date.now() - 1000) },
    ]);
    // A dispatcher answering late: the offer lapsed before it said no.
    const { body } = await decline(offerId!, key('CARRIER').apiKey);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'Offer is expired and can no longer be declined' });
    expect(await offerStatus(offerId!)).toBe('PENDING');
    const read = await gql<{ node: { status: string } }>(server.url, 'query ($id: ID!) { node(id: $id) { ... on Offer { status } } }', { id: toGlobalId('Offer', offerId!) }, { apiKey: key('CARRIER').apiKey });
    expect(read.body.data!.node.status).toBe('EXPIRED');
  });

  it('reads an offer past its expiry as EXPIRED before any round expires it, and lists it so, not as PENDING', async () => {
    const request = await shipment(shipperCtx());
    const v = await vehicle(carrierCtx());
    const [offerId] = await makeOffers(server.db, [
      { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: v.id, expiresAt: new Date(Date.now() - 1000) },
    ]);
    const id = toGlobalId('Offer', offerId!);
    const listed = async (apiKey: string, status: string) =>
      (await gql<{ offers: { edges: { node: { id: string; status: string } }[] } }>(server.url, 'query ($request: ID!, $status: OfferStatus) { offers(first: 10, filter: { requestId: $request, status: $status }) { edges { node { id status } } } }', { request: toGlobalId('ShipmentRequest', request.id), status }, { apiKey })).body.data!.offers.edges.map((e) => e.node);
    for (const apiKey of [key('CARRIER').apiKey, key('MANUFACTURER').apiKey]) {
      const read = await gql<{ node: { status: string } }>(server.url, 'query ($id: ID!) { node(id: $id) { ... on Offer { status } } }', { id }, { apiKey });
      expect(read.body.data!.node.status).toBe('EXPIRED');
      expect(await listed(apiKey, 'PENDING')).toEqual([]);
      expect(await listed(apiKey, 'EXPIRED')).toEqual([{ id, status: 'EXPIRED' }]);
    }
    expect(await offerStatus(offerId!)).toBe('PENDING');
  });

  it('refuses a load beyond the vehicle payload at an overlapping time (the database trigger), and takes it at another time', async () => {
    const v = await vehicle(carrierCtx(), { tonnageClass: 'T2_5' });
    const carrier = key('CARRIER').organisationId;
    const heavy = () => shipment(shipperCtx(), { weightKg: 1_500, pallets: 2 });
    const [a, b, c] = [await heavy(), await heavy(), await heavy()];
    const t = Date.now();
    const [oa, ob, oc] = await makeOffers(server.db, [
      { round: r, requestId: a.id, shipperOrgId: a.shipperOrgId, supplierOrgId: carrier, vehicleId: v.id, pickupAt: new Date(t + 3 * HOUR), deliverAt: new Date(t + 9 * HOUR) },
      { round: r, requestId: b.id, shipperOrgId: b.shipperOrgId, supplierOrgId: carrier, vehicleId: v.id, pickupAt: new Date(t + 8 * HOUR), deliverAt: new Date(t + 12 * HOUR) },
      { round: r, requestId: c.id, shipperOrgId: c.shipperOrgId, supplierOrgId: carrier, vehicleId: v.id, pickupAt: new Date(t + 9 * HOUR), deliverAt: new Date(t + 14 * HOUR) },
    ]);
    expect((await accept(oa!)).body.errors).toBeUndefined();
    const overlapping = await accept(ob!);
    expect(overlapping.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('vehicle has no room') });
    expect(await requestStatus(b.id)).toBe('OFFERED');
    expect(await offerStatus(ob!)).toBe('PENDING');
    expect((await accept(oc!)).body.errors).toBeUndefined();
  });

  /** A request needing 3 pallets of storage, offered a truck and a warehouse together, as a round offers them. */
  async function storageAndTransportOffered() {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 4);
    const request = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' } });
    const common = { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId };
    const [transport, storage] = await makeOffers(server.db, [
      { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id },
      { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3 },
    ]);
    return { owner, space, request, transport: transport!, storage: storage! };
  }

  it('withdraws the storage leg of a request whose transport was declined, so the request is not left half-booked and returns at once', async () => {
    const { owner, space, request, transport, storage } = await storageAndTransportOffered();
    const declined = await decline(transport!, key('CARRIER').apiKey);
    expect(declined.body.errors).toBeUndefined();
    expect([await offerStatus(storage!), await requestStatus(request.id)]).toEqual(['WITHDRAWN', 'OPEN']);
    const stored = await accept(storage!, randomUUID(), owner.apiKey);
    expect(stored.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'Offer is WITHDRAWN and can no longer be accepted' });
    expect(await server.db.select().from(listingReservations).where(eq(listingReservations.listingId, space.id)).all()).toHaveLength(0);
  });

  it('a storage offer declined withdraws the transport offered with it: the request returns to the next round at once, not when the truck\'s offer expires', async () => {
    const { owner, space, request, transport, storage } = await storageAndTransportOffered();
    expect((await decline(storage!, owner.apiKey)).body.errors).toBeUndefined();
    // The route drops the goods at a warehouse that will not take them: the carrier can no longer accept it.
    expect([await offerStatus(storage!), await offerStatus(transport!), await requestStatus(request.id)]).toEqual(['DECLINED', 'WITHDRAWN', 'OPEN']);
    const carried = await accept(transport!);
    expect(carried.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'Offer is WITHDRAWN and can no longer be accepted' });
    // Only the owner declined: the next round may offer the request to the same truck again, not to the same warehouse.
    const excluded = (await loadRoundInput({ db: server.db }, getComplex({ ctx: carrierCtx(), input: { code: 'BANWOL_SIHWA' } }), new Date())).excludedPairs ?? [];
    expect(excluded.filter((p) => p.requestId === String(request.id))).toEqual([{ requestId: String(request.id), listingId: String(space.id) }]);
  });

  it("a split stay's part declined gives the part already booked back, tells its owner, and withdraws the rest", async () => {
    const { first, secondKey, inA, inB, transport } = await splitStay();
    expect((await accept(inA, randomUUID(), first.apiKey)).body.errors).toBeUndefined();
    const told = endedBookings();
    expect((await decline(inB, secondKey)).body.errors).toBeUndefined();
    const requestId = (await server.db.select().from(offers).where(eq(offers.id, inA)).get())!.requestId;
    expect([await offerStatus(transport), await requestStatus(requestId)]).toEqual(['WITHDRAWN', 'OPEN']);
    const stay = (await server.db.select().from(bookings).where(eq(bookings.offerId, inA)).get())!;
    expect(stay.status).toBe('RETURNED');
    await vi.waitFor(() => expect(told.ids).toContain(stay.id));
    told.stop();
  });

  it('books transport and storage legs separately; the request is BOOKED once both are, and a full warehouse refuses', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 4);
    const request = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' }, notes: 'Dock 3' });
    const other = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' } });
    const v = await vehicle(carrierCtx());
    const common = { round: r, shipperOrgId: request.shipperOrgId };
    const [transport, storage, otherStorage] = await makeOffers(server.db, [
      { ...common, requestId: request.id, supplierOrgId: key('CARRIER').organisationId, vehicleId: v.id },
      { ...common, requestId: request.id, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3 },
      { ...common, requestId: other.id, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3 },
    ]);
    const stored = await accept(storage!, randomUUID(), owner.apiKey);
    expect(stored.body.data?.offerAccept.bookings[0]).toMatchObject({ kind: 'STORAGE', status: 'CONFIRMED' });
    expect(await requestStatus(request.id)).toBe('OFFERED');
    expect(await server.db.select().from(listingReservations).where(eq(listingReservations.listingId, space.id)).all()).toHaveLength(3);
    expect((await accept(transport!)).body.errors).toBeUndefined();
    expect(await requestStatus(request.id)).toBe('BOOKED');
    // The shipper's notes are for its carrier: the warehouse's booking carries none, and no plate.
    // A field that failed reads null in `data` too: the errors must be empty for a null plate to mean "no truck".
    const legs = async (apiKey: string) => {
      const { body } = await gql<{ bookings: { edges: { node: { kind: string; vehiclePlate: string | null; shipment: { notes: string | null } } }[] } }>(server.url, 'query ($id: ID) { bookings(filter: { shipmentRequestId: $id }) { edges { node { kind vehiclePlate shipment { notes } } } } }', { id: toGlobalId('ShipmentRequest', request.id) }, { apiKey });
      expect(body.errors).toBeUndefined();
      return body.data!.bookings.edges.map((e) => e.node);
    };
    expect(await legs(owner.apiKey)).toEqual([{ kind: 'STORAGE', vehiclePlate: null, shipment: { notes: null } }]);
    expect(await legs(key('CARRIER').apiKey)).toEqual([{ kind: 'TRANSPORT', vehiclePlate: v.plateNumber, shipment: { notes: 'Dock 3' } }]);
    // The shipper reads both legs in one page, newest first: the storage leg's missing truck must not fail the page's plates.
    expect(await legs(key('MANUFACTURER').apiKey)).toEqual([
      { kind: 'TRANSPORT', vehiclePlate: v.plateNumber, shipment: { notes: 'Dock 3' } },
      { kind: 'STORAGE', vehiclePlate: null, shipment: { notes: null } },
    ]);

    const full = await accept(otherStorage!, randomUUID(), owner.apiKey);
    expect(full.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('no idle pallets') });
    const carrierTries = await accept(otherStorage!);
    expect(carrierTries.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  /**
   * Listing A lists 30 idle pallets with 16 booked on the stays' days (tomorrow to three days on), and two requests of
   * 14 pallets each are offered a stay in it, each with its truck: rounds count only booked pallets, so both fit when
   * offered. Returns the owner, the listing and the two requests with their offers.
   */
  const twoStaysOnAFullishListing = async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 30);
    const booked = await shipment(shipperCtx(), { pallets: 16, storage: { pallets: 16, days: 3, storageClass: 'AMBIENT' } });
    const [held] = await makeOffers(server.db, [
      { round: r, shipperOrgId: booked.shipperOrgId, requestId: booked.id, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 16 },
      { round: r, shipperOrgId: booked.shipperOrgId, requestId: booked.id, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id },
    ]);
    expect((await accept(held!, randomUUID(), owner.apiKey)).body.errors).toBeUndefined();
    const offered = async () => {
      const request = await shipment(shipperCtx(), { pallets: 14, storage: { pallets: 14, days: 3, storageClass: 'AMBIENT' } });
      const common = { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id };
      const [stay, truck] = await makeOffers(server.db, [
        { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 14 },
        { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id },
      ]);
      return { request, stay: stay!, truck: truck! };
    };
    return { owner, space, first: await offered(), second: await offered() };
  };
  /** The shipmentUpdated events published from now on, until stopped. */
  const shipperTold = () => {
    const told: { requestId: number; status: string; reason: string | null }[] = [];
    const { stop } = publishedIds(server.pubsub, 'shipmentUpdated', (e) => told.push({ requestId: e.requestId, status: e.status, reason: e.reason }));
    return { told, stop };
  };

  it('a stay its warehouse can no longer hold lapses at its accept: EXPIRED, its request and truck back to the next round', async () => {
    const { owner, first, second } = await twoStaysOnAFullishListing();
    expect((await accept(first.stay, randomUUID(), owner.apiKey)).body.errors).toBeUndefined();
    const { told, stop } = shipperTold();
    const refused = await accept(second.stay, randomUUID(), owner.apiKey);
    const [from, to] = [addDays(seoulDay(new Date()), 1), addDays(seoulDay(new Date()), 3)];
    expect(refused.body.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: `The warehouse has no idle pallets left for this stay on ${from} to ${to}: other stays booked them, or they are no longer listed: the offer expired and its request returns to the next matching round`,
    });
    // Refused and lapsed alike: nothing booked, the stay EXPIRED, its truck withdrawn (it drops the goods there), the request OPEN.
    expect(await server.db.select().from(bookings).where(eq(bookings.requestId, second.request.id)).all()).toEqual([]);
    expect([await offerStatus(second.stay), await offerStatus(second.truck), await requestStatus(second.request.id)]).toEqual(['EXPIRED', 'WITHDRAWN', 'OPEN']);
    await vi.waitFor(() => expect(told).toEqual([{ requestId: second.request.id, status: 'OPEN', reason: RETURN_REASONS.listingFull }]));
    stop();
    const OFFERS = 'query ($id: ID!) { offers(filter: { requestId: $id }) { edges { node { kind status } } } }';
    const seen = await gql<{ offers: { edges: { node: { kind: string; status: string } }[] } }>(server.url, OFFERS, { id: toGlobalId('ShipmentRequest', second.request.id) }, { apiKey: key('MANUFACTURER').apiKey });
    expect(seen.body.data!.offers.edges.map((e) => e.node)).toEqual(expect.arrayContaining([{ kind: 'STORAGE', status: 'EXPIRED' }]));
    // A retry reads the lapse; the first stay's request still waits for its truck.
    const again = await accept(second.stay, randomUUID(), owner.apiKey);
    expect(again.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'Offer is EXPIRED and can no longer be accepted' });
    expect([await offerStatus(first.truck), await requestStatus(first.request.id)]).toEqual(['PENDING', 'OFFERED']);
  });

  it('a stay on days its owner stopped listing since it was offered lapses at its accept, not blaming another booking', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 10);
    const request = await shipment(shipperCtx(), { pallets: 4, storage: { pallets: 4, days: 3, storageClass: 'AMBIENT' } });
    const [stay] = await makeOffers(server.db, [{ round: r, shipperOrgId: request.shipperOrgId, requestId: request.id, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 4 }]);
    // The offer's stay runs from tomorrow: a change committed as the round wrote it lists today only, and nothing is booked.
    const today = seoulDay(new Date());
    await server.db.update(listingAvailability).set({ toDay: today }).where(eq(listingAvailability.listingId, space.id)).run();
    const refused = await accept(stay!, randomUUID(), owner.apiKey);
    expect(refused.body.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: `The warehouse has no idle pallets left for this stay on ${addDays(today, 1)} to ${addDays(today, 3)}: other stays booked them, or they are no longer listed: the offer expired and its request returns to the next matching round`,
    });
    expect([await offerStatus(stay!), await requestStatus(request.id)]).toEqual(['EXPIRED', 'OPEN']);
  });

  it('listing fewer idle pallets withdraws the pending stays that no longer fit and keeps those that still do', async () => {
    const { owner, space, first, second } = await twoStaysOnAFullishListing();
    // A third stay of 10 pallets after the booked days: nothing booked beside it.
    const later = await shipment(shipperCtx(), { pallets: 10, storage: { pallets: 10, days: 3, storageClass: 'AMBIENT' } });
    const today = seoulDay(new Date());
    const [apart] = await makeOffers(server.db, [
      { round: r, shipperOrgId: later.shipperOrgId, requestId: later.id, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 10, storageFromDay: addDays(today, 5), storageToDay: addDays(today, 7) },
      { round: r, shipperOrgId: later.shipperOrgId, requestId: later.id, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id },
    ]);
    const { told, stop } = shipperTold();
    const withdrawn = publishedIds(server.pubsub, 'offerWithdrawn', (e) => e.offer.id);
    const UPDATE = 'mutation ($id: ID!, $windows: [ListingAvailabilityWindowInput!]!) { warehouseListingUpdate(input: { listingId: $id, availability: $windows }) { listing { id } } }';
    // 26 idle pallets: 16 booked + 14 no longer fit on the stays' days; 10 still fit after them.
    const shrunk = await gql(server.url, UPDATE, { id: toGlobalId('WarehouseListing', space.id), windows: [{ from: today, to: addDays(today, 30), idlePallets: 26 }] }, { apiKey: owner.apiKey });
    expect(shrunk.body.errors).toBeUndefined();
    for (const { stay, truck, request } of [first, second]) {
      expect([await offerStatus(stay), await offerStatus(truck), await requestStatus(request.id)]).toEqual(['WITHDRAWN', 'WITHDRAWN', 'OPEN']);
      // Each supplier is told why in its own terms: the owner's listing shrank; the truck alone cannot book the request.
      expect([await withdrawalReason(stay), await withdrawalReason(truck)]).toEqual(['LISTING_SHRUNK', 'OTHER_LEG_LOST']);
    }
    expect([await offerStatus(apart!), await requestStatus(later.id)]).toEqual(['PENDING', 'OFFERED']);
    await vi.waitFor(() => expect(told).toEqual([first, second].map(({ request }) => ({ requestId: request.id, status: 'OPEN', reason: RETURN_REASONS.listingShrunk }))));
    // The carriers of the trucks offered with them are told (the owner made the change).
    await vi.waitFor(() => expect(withdrawn.ids).toEqual(expect.arrayContaining([first.truck, second.truck])));
    stop();
    withdrawn.stop();
    expect((await accept(apart!, randomUUID(), owner.apiKey)).body.errors).toBeUndefined();
  });

  it('an update sending the listing as it is changes nothing: updatedAt kept, no offer withdrawn, no one told', async () => {
    const { owner, space, first, second } = await twoStaysOnAFullishListing();
    // Booked full beside the first stay, the second no longer fits: it would lapse at its accept, not at a form saved.
    expect((await accept(first.stay, randomUUID(), owner.apiKey)).body.errors).toBeUndefined();
    const before = (await server.db.select({ updatedAt: warehouseListings.updatedAt }).from(warehouseListings).where(eq(warehouseListings.id, space.id)).get())!;
    const events = async () => (await server.db.select({ id: webhookEvents.id }).from(webhookEvents).all()).length;
    const hooked = await events();
    const { told, stop } = shipperTold();
    const { name, storageClass, totalPallets, availability, pricePerPalletDayKrw, minDays, hasForklift, hasDock, opensAt, closesAt } = space;
    const input = { listingId: toGlobalId('WarehouseListing', space.id), name, location: { lat: space.lat, lng: space.lng }, storageClass, totalPallets, availability, pricePerPalletDayKrw, minDays, hasForklift, hasDock, opensAt, closesAt };
    const UPDATE = 'mutation ($input: WarehouseListingUpdateInput!) { warehouseListingUpdate(input: $input) { listing { updatedAt availability { from to idlePallets } } } }';
    const saved = await gql<{ warehouseListingUpdate: { listing: { updatedAt: string | null; availability: unknown } } }>(server.url, UPDATE, { input }, { apiKey: owner.apiKey });
    expect(saved.body.errors).toBeUndefined();
    expect(saved.body.data!.warehouseListingUpdate.listing).toEqual({ updatedAt: before.updatedAt?.toISOString() ?? null, availability });
    expect((await server.db.select({ updatedAt: warehouseListings.updatedAt }).from(warehouseListings).where(eq(warehouseListings.id, space.id)).get())!).toEqual(before);
    expect([await offerStatus(second.stay), await offerStatus(second.truck), await requestStatus(second.request.id)]).toEqual(['PENDING', 'PENDING', 'OFFERED']);
    expect(await events()).toBe(hooked);
    // Renamed, the windows sent as they are: only the name is written, and the stay on offer still stands.
    const renamed = await gql(server.url, UPDATE, { input: { ...input, name: 'renamed' } }, { apiKey: owner.apiKey });
    expect(renamed.body.errors).toBeUndefined();
    expect(await offerStatus(second.stay)).toBe('PENDING');
    stop();
    expect(told).toEqual([]);
  });

  /**
   * A stay of 6 pallets split between the test's owner's warehouse A and another owner's B, offered as a round writes
   * it (its parts in the order its route drops them: A, then B), with a truck's transport offer.
   */
  const splitStay = async () => {
    const owners = await server.db.select().from(organisations).where(and(eq(organisations.complexId, r.complexId), eq(organisations.role, 'WAREHOUSE_OWNER'))).orderBy(organisations.id).all();
    const first = key('WAREHOUSE_OWNER');
    const second = owners.find((o) => o.id !== first.organisationId)!;
    const secondKey = (await createApiKey({ ctx: { ...shipperCtx(), viewer: SYSTEM_ADMIN }, input: { organisationId: second.id, name: 'test' } })).secret;
    const secondCtx = ctxAs(server.db, { organisationId: second.id, role: 'WAREHOUSE_OWNER' });
    const a = await listing(ctxAs(server.db, first), 3);
    const b = await updateListing({ ctx: secondCtx, input: { listingId: (await listing(secondCtx, 3)).id, location: { lat: 37.35, lng: 126.8 } } });
    const request = await shipment(shipperCtx(), { pallets: 6, storage: { pallets: 6, days: 3, storageClass: 'AMBIENT', splitAllowed: true } });
    const common = { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id, storagePallets: 3 };
    const [inA, inB, transport] = await makeOffers(server.db, [
      { ...common, supplierOrgId: first.organisationId, listingId: a.id },
      { ...common, supplierOrgId: second.id, listingId: b.id },
      { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id },
    ]);
    return { first, secondKey, a, b, inA: inA!, inB: inB!, transport: transport! };
  };

  it('a stay split between two warehouses gives each owner its own warehouse to receive at, not the other owner’s', async () => {
    const { first, secondKey, b, inA, inB } = await splitStay();
    expect((await accept(inA, randomUUID(), first.apiKey)).body.errors).toBeUndefined();
    const stored = await accept(inB, randomUUID(), secondKey);
    expect(stored.body.errors).toBeUndefined();
    const PLACE = 'query ($id: ID!) { node(id: $id) { ... on Booking { shipment { destination { location { lat lng } isCentre } } } } }';
    const seen = await gql<{ node: { shipment: { destination: unknown } } }>(server.url, PLACE, { id: stored.body.data!.offerAccept.bookings[0]!.id }, { apiKey: secondKey });
    expect(seen.body.data!.node.shipment.destination).toEqual({ location: { lat: b.lat, lng: b.lng }, isCentre: false });
  });

  it("a split stay's carrier is sent to the route's first warehouse, whichever owner accepted first", async () => {
    const { first, secondKey, a, inA, inB, transport } = await splitStay();
    expect((await accept(inB, randomUUID(), secondKey)).body.errors).toBeUndefined();
    expect((await accept(inA, randomUUID(), first.apiKey)).body.errors).toBeUndefined();
    const carried = await accept(transport);
    expect(carried.body.errors).toBeUndefined();
    const PLACE = 'query ($id: ID!) { node(id: $id) { ... on Booking { shipment { destination { location { lat lng } isCentre } } } } }';
    const seen = await gql<{ node: { shipment: { destination: unknown } } }>(server.url, PLACE, { id: carried.body.data!.offerAccept.bookings[0]!.id }, { apiKey: key('CARRIER').apiKey });
    expect(seen.body.data!.node.shipment.destination).toEqual({ location: { lat: a.lat, lng: a.lng }, isCentre: false });
  });

  it("a warehouse owner lists the bookings of one of its listings; another owner's listing gives an empty page", async () => {
    const { first, secondKey, a, b, inA, inB } = await splitStay();
    const other = await listing(ctxAs(server.db, first), 3);
    expect((await accept(inA, randomUUID(), first.apiKey)).body.errors).toBeUndefined();
    expect((await accept(inB, randomUUID(), secondKey)).body.errors).toBeUndefined();
    const AT = 'query ($id: ID) { bookings(filter: { listingId: $id }) { totalCount edges { node { id listingId kind } } } }';
    const at = async (id: string, apiKey: string) => (await gql<{ bookings: { totalCount: number; edges: { node: { listingId: string } }[] } }>(server.url, AT, { id }, { apiKey })).body;
    const own = await at(toGlobalId('WarehouseListing', a.id), first.apiKey);
    expect(own.data!.bookings.totalCount).toBe(1);
    expect(own.data!.bookings.edges.map((e) => e.node)).toEqual([expect.objectContaining({ listingId: toGlobalId('WarehouseListing', a.id), kind: 'STORAGE' })]);
    expect((await at(toGlobalId('WarehouseListing', other.id), first.apiKey)).data!.bookings).toEqual({ totalCount: 0, edges: [] });
    expect((await at(toGlobalId('WarehouseListing', b.id), first.apiKey)).data!.bookings).toEqual({ totalCount: 0, edges: [] });
    const wrong = await at(toGlobalId('Vehicle', a.id), first.apiKey);
    expect(wrong.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field: 'filter.listingId', rule: 'must be the ID of a WarehouseListing' }] });
  });

  it('a booked vehicle cannot be retired, nor booked warehouse space withdrawn or listed below what is booked', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 10);
    const request = await shipment(shipperCtx(), { pallets: 4, storage: { pallets: 4, days: 3, storageClass: 'AMBIENT' } });
    const v = await vehicle(carrierCtx());
    const common = { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id };
    const [transport, storage] = await makeOffers(server.db, [
      { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: v.id },
      { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 4 },
    ]);
    expect((await accept(transport!)).body.errors).toBeUndefined();
    expect((await accept(storage!, randomUUID(), owner.apiKey)).body.errors).toBeUndefined();

    const retire = await gql(server.url, 'mutation ($id: ID!) { vehicleRetire(input: { vehicleId: $id }) { vehicle { status } } }', { id: toGlobalId('Vehicle', v.id) }, { apiKey: key('CARRIER').apiKey });
    expect(retire.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('give them back') });
    const withdraw = await gql(server.url, 'mutation ($id: ID!) { warehouseListingWithdraw(input: { listingId: $id }) { listing { status } } }', { id: toGlobalId('WarehouseListing', space.id) }, { apiKey: owner.apiKey });
    expect(withdraw.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const UPDATE = 'mutation ($id: ID!, $windows: [ListingAvailabilityWindowInput!]!) { warehouseListingUpdate(input: { listingId: $id, availability: $windows }) { listing { availability { idlePallets } } } }';
    const days = space.availability[0]!;
    const tooFew = await gql(server.url, UPDATE, { id: toGlobalId('WarehouseListing', space.id), windows: [{ from: days.from, to: days.to, idlePallets: 3 }] }, { apiKey: owner.apiKey });
    const [first, last] = [addDays(seoulDay(new Date()), 1), addDays(seoulDay(new Date()), 3)]; // the hand-made stay's days
    // The error names the field to change, what it lists against what is booked, and on which days.
    expect(tooFew.body.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT', issues: [{ field: 'input.availability[0].idlePallets', rule: `3 is fewer than the pallets booked on ${first} to ${last} (up to 4 a day)` }] },
      message: `The new availability lists fewer idle pallets than are booked: input.availability[0].idlePallets: 3 is fewer than the pallets booked on ${first} to ${last} (up to 4 a day); give those bookings back first`,
    });
    // A gap over the stay names the list, and a second window short on the last day names that window.
    const gap = await gql(server.url, UPDATE, { id: toGlobalId('WarehouseListing', space.id), windows: [{ from: days.from, to: addDays(first, -1), idlePallets: 10 }, { from: addDays(first, 1), to: addDays(last, -1), idlePallets: 10 }, { from: last, to: days.to, idlePallets: 2 }] }, { apiKey: owner.apiKey });
    expect(gap.body.errors?.[0]).toMatchObject({
      extensions: {
        code: 'CONFLICT',
        issues: [
          { field: 'input.availability', rule: `no window covers ${first}, where pallets are booked (up to 4 a day)` },
          { field: 'input.availability[2].idlePallets', rule: `2 is fewer than the pallets booked on ${last} (up to 4 a day)` },
        ],
      },
      message: `The new availability lists fewer idle pallets than are booked: input.availability: no window covers ${first}, where pallets are booked (up to 4 a day); input.availability[2].idlePallets: 2 is fewer than the pallets booked on ${last} (up to 4 a day); give those bookings back first`,
    });
    expect(await server.db.select({ n: listingAvailability.idlePallets }).from(listingAvailability).where(eq(listingAvailability.listingId, space.id)).all()).toEqual([{ n: 10 }]);
    const enough = await gql(server.url, UPDATE, { id: toGlobalId('WarehouseListing', space.id), windows: [{ from: days.from, to: days.to, idlePallets: 4 }] }, { apiKey: owner.apiKey });
    expect(enough.body.errors).toBeUndefined();

    // The goods were booked for this place and class: moving the listing or changing its class waits for the stays to end.
    const RESHAPE = 'mutation ($input: WarehouseListingUpdateInput!) { warehouseListingUpdate(input: $input) { listing { name storageClass location { lat lng } } } }';
    const id = toGlobalId('WarehouseListing', space.id);
    for (const change of [{ storageClass: 'FROZEN' }, { location: { lat: space.lat + 0.1, lng: space.lng } }]) {
      const refused = await gql(server.url, RESHAPE, { input: { listingId: id, name: 'renamed', ...change } }, { apiKey: owner.apiKey });
      // The refusal names the field sent, as a refused value is named.
      const field = `input.${Object.keys(change)[0]}`;
      const rule = 'pallets are booked in this listing: its location and storage class can change once those stays have ended';
      expect(refused.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', issues: [{ field, rule }] }, message: `${field}: ${rule}` });
    }
    const same = await gql(server.url, RESHAPE, { input: { listingId: id, name: 'renamed', storageClass: space.storageClass, location: { lat: space.lat, lng: space.lng } } }, { apiKey: owner.apiKey });
    expect(same.body.data).toEqual({ warehouseListingUpdate: { listing: { name: 'renamed', storageClass: space.storageClass, location: { lat: space.lat, lng: space.lng } } } });
  });

  it('moving a listing or changing its storage class withdraws the storage offers pending on it; renaming it does not', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const UPDATE = 'mutation ($input: WarehouseListingUpdateInput!) { warehouseListingUpdate(input: $input) { listing { name } } }';
    for (const change of [{ location: { lat: 37.45, lng: 126.9 } }, { storageClass: 'BONDED' }, { name: 'renamed only' }]) {
      const space = await listing(ctxAs(server.db, owner), 10);
      const request = await shipment(shipperCtx(), { pallets: 4, storage: { pallets: 4, days: 3, storageClass: 'AMBIENT' } });
      const [stay] = await makeOffers(server.db, [{ round: r, shipperOrgId: request.shipperOrgId, requestId: request.id, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 4 }]);
      const changed = await gql(server.url, UPDATE, { input: { listingId: toGlobalId('WarehouseListing', space.id), ...change } }, { apiKey: owner.apiKey });
      expect(changed.body.errors).toBeUndefined();
      const reshaped = !('name' in change);
      // The offer was made for the old place and class: the route offered with it drops the goods there.
      expect([await offerStatus(stay!), await requestStatus(request.id)]).toEqual(reshaped ? ['WITHDRAWN', 'OPEN'] : ['PENDING', 'OFFERED']);
      expect(await withdrawalReason(stay!)).toBe(reshaped ? 'LISTING_CHANGED' : null);
      const late = await accept(stay!, randomUUID(), owner.apiKey);
      if (reshaped) expect(late.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'Offer is WITHDRAWN and can no longer be accepted' });
    }
  });

  it('retiring a vehicle withdraws the offers pending on it: none can be accepted for a retired truck', async () => {
    const { request, vehicles: [v1, v2], offerIds } = await offeredTwice();
    const RETIRE = 'mutation ($id: ID!) { vehicleRetire(input: { vehicleId: $id }) { vehicle { status } } }';
    const retired = await gql(server.url, RETIRE, { id: toGlobalId('Vehicle', v1.id) }, { apiKey: key('CARRIER').apiKey });
    expect(retired.body).toEqual({ data: { vehicleRetire: { vehicle: { status: 'RETIRED' } } } });
    expect([await offerStatus(offerIds[0]), await offerStatus(offerIds[1])]).toEqual(['WITHDRAWN', 'PENDING']);
    expect(await requestStatus(request.id)).toBe('OFFERED');
    const late = await accept(offerIds[0]);
    expect(late.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'Offer is WITHDRAWN and can no longer be accepted' });
    expect(await server.db.select().from(vehicleReservations).where(eq(vehicleReservations.vehicleId, v1.id)).all()).toEqual([]);
    // Its last offer gone with the second truck, the request returns to the next round.
    expect((await gql(server.url, RETIRE, { id: toGlobalId('Vehicle', v2.id) }, { apiKey: key('CARRIER').apiKey })).body.errors).toBeUndefined();
    expect(await requestStatus(request.id)).toBe('OPEN');
  });

  it('withdrawing a listing withdraws the storage offers pending on it: none can be accepted into a withdrawn listing', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 10);
    const request = await shipment(shipperCtx(), { pallets: 4, storage: { pallets: 4, days: 3, storageClass: 'AMBIENT' } });
    const common = { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id };
    const [stay, transport] = await makeOffers(server.db, [
      { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 4 },
      { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id },
    ]);
    const withdraw = await gql(server.url, 'mutation ($id: ID!) { warehouseListingWithdraw(input: { listingId: $id }) { listing { status } } }', { id: toGlobalId('WarehouseListing', space.id) }, { apiKey: owner.apiKey });
    expect(withdraw.body).toEqual({ data: { warehouseListingWithdraw: { listing: { status: 'WITHDRAWN' } } } });
    // The truck offered with it would take the goods to that listing: it goes too, and the request returns at once.
    expect([await offerStatus(stay!), await offerStatus(transport!)]).toEqual(['WITHDRAWN', 'WITHDRAWN']);
    expect(await requestStatus(request.id)).toBe('OPEN');

    const late = await accept(stay!, randomUUID(), owner.apiKey);
    expect(late.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'Offer is WITHDRAWN and can no longer be accepted' });
    expect(await server.db.select().from(listingReservations).where(eq(listingReservations.listingId, space.id)).all()).toEqual([]);
  });

  it('a listing whose stay began yesterday still takes new availability from today; the days already past keep what was listed', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const today = seoulDay(new Date());
    const yesterday = addDays(today, -1);
    // Published yesterday, from yesterday: the goods of a stay that began then are in the warehouse now.
    const ownerYesterday = { ...ctxAs(server.db, owner), now: () => new Date(Date.now() - 24 * HOUR) };
    const space = await createListing({
      ctx: ownerYesterday,
      input: { name: 'Stay under way', location: { lat: 37.32, lng: 126.74 }, storageClass: 'AMBIENT', totalPallets: 20, availability: [{ from: yesterday, to: addDays(today, 30), idlePallets: 5 }], pricePerPalletDayKrw: 1_000, opensAt: '08:00', closesAt: '18:00' },
    });
    const request = await shipment(shipperCtx(), { pallets: 4, storage: { pallets: 4, days: 3, storageClass: 'AMBIENT' } });
    const common = { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id };
    const [transport, stay] = await makeOffers(server.db, [
      { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id },
      { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 4, storageFromDay: yesterday, storageToDay: addDays(today, 1) },
    ]);
    expect((await accept(transport!)).body.errors).toBeUndefined();
    expect((await accept(stay!, randomUUID(), owner.apiKey)).body.errors).toBeUndefined();

    const INSIGHTS = 'query ($from: DateTime!, $to: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: $to) { storage { idlePalletDays bookedPalletDays } } }';
    const yesterdays = async () => (await gql(server.url, INSIGHTS, { from: seoulMidnight(yesterday).toISOString(), to: seoulMidnight(today).toISOString() }, { apiKey: key('OPERATOR').apiKey })).body;
    const before = await yesterdays();
    expect(before.errors).toBeUndefined();

    // The owner frees more space from today on: the days still ahead hold 4 booked pallets, 12 listed is plenty.
    const UPDATE = 'mutation ($id: ID!, $windows: [ListingAvailabilityWindowInput!]!) { warehouseListingUpdate(input: { listingId: $id, availability: $windows }) { listing { availability { from to idlePallets } } } }';
    const id = toGlobalId('WarehouseListing', space.id);
    const more = await gql(server.url, UPDATE, { id, windows: [{ from: today, to: addDays(today, 30), idlePallets: 12 }] }, { apiKey: owner.apiKey });
    expect(more.body.errors).toBeUndefined();
    // Yesterday keeps what was listed on it, the 5 pallets the stay was booked against: the operators' figures of
    // yesterday do not move when an owner publishes today's.
    expect(more.body.data).toEqual({ warehouseListingUpdate: { listing: { availability: [{ from: yesterday, to: yesterday, idlePallets: 5 }, { from: today, to: addDays(today, 30), idlePallets: 12 }] } } });
    expect(await yesterdays()).toEqual(before);
    // Nor does yesterday's window hold the space to what it was: 4 positions from today on, and a total of 4.
    expect((await gql(server.url, UPDATE, { id, windows: [{ from: today, to: addDays(today, 30), idlePallets: 4 }] }, { apiKey: owner.apiKey })).body.errors).toBeUndefined();
    const shrunk = await gql(server.url, 'mutation ($id: ID!) { warehouseListingUpdate(input: { listingId: $id, totalPallets: 4 }) { listing { totalPallets } } }', { id }, { apiKey: owner.apiKey });
    expect(shrunk.body).toEqual({ data: { warehouseListingUpdate: { listing: { totalPallets: 4 } } } });
    // The days ahead are still guarded.
    const tooFew = await gql(server.url, UPDATE, { id, windows: [{ from: today, to: addDays(today, 30), idlePallets: 3 }] }, { apiKey: owner.apiKey });
    expect(tooFew.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining(`input.availability[0].idlePallets: 3 is fewer than the pallets booked on ${today} to ${addDays(today, 1)} (up to 4 a day);`) });
  });

  it("a route lapsing at acceptance (its truck booked elsewhere) gives back the storage booked for its request and tells the warehouse owner", async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 10);
    const v = await vehicle(carrierCtx());
    const { routes } = await import('../../db/schema');
    const routeAt = async (startH: number, endH: number) => (await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId: v.id, priceKrw: 500_000, startAt: new Date(Date.now() + startH * HOUR), endAt: new Date(Date.now() + endH * HOUR) }).returning().get())!.id;
    const [first, second] = [await routeAt(3, 12), await routeAt(5, 9)];
    const other = await shipment(shipperCtx());
    const stored = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' } });
    const carrier = key('CARRIER').organisationId;
    const [onFirst, onSecond, stay] = await makeOffers(server.db, [
      { round: r, requestId: other.id, shipperOrgId: other.shipperOrgId, supplierOrgId: carrier, vehicleId: v.id, routeId: first },
      { round: r, requestId: stored.id, shipperOrgId: stored.shipperOrgId, supplierOrgId: carrier, vehicleId: v.id, routeId: second, pickupAt: new Date(Date.now() + 5 * HOUR), deliverAt: new Date(Date.now() + 9 * HOUR) },
      { round: r, requestId: stored.id, shipperOrgId: stored.shipperOrgId, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3 },
    ]);
    const storageBooking = (await accept(stay!, randomUUID(), owner.apiKey)).body.data!.offerAccept.bookings[0]!.id;
    expect((await accept(onFirst!)).body.errors).toBeUndefined();
    const told = endedBookings();
    const refused = await accept(onSecond!);
    expect(refused.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/the route expired and its requests return to the next matching round$/) });
    expect(await requestStatus(stored.id)).toBe('OPEN');
    const ended = (await server.db.select().from(bookings).where(eq(bookings.id, localIdOf(storageBooking, 'Booking', 'id'))).get())!;
    expect(ended.status).toBe('RETURNED');
    // No warehouse waits for goods whose truck will not come.
    await vi.waitFor(() => expect(told.ids).toContain(ended.id));
    told.stop();
  });

  it("retiring a truck, withdrawing a listing or moving it gives back the other leg already booked of a request offered on it, and tells that leg's supplier", async () => {
    const owner = key('WAREHOUSE_OWNER');
    const carrier = key('CARRIER');
    const RETIRE = 'mutation ($id: ID!) { vehicleRetire(input: { vehicleId: $id }) { vehicle { status } } }';
    const WITHDRAW = 'mutation ($id: ID!) { warehouseListingWithdraw(input: { listingId: $id }) { listing { status } } }';
    const MOVE = 'mutation ($id: ID!) { warehouseListingUpdate(input: { listingId: $id, location: { lat: 37.45, lng: 126.9 } }) { listing { status } } }';
    const cases = [
      { booked: 'STORAGE', change: (v: number) => gql(server.url, RETIRE, { id: toGlobalId('Vehicle', v) }, { apiKey: carrier.apiKey }) },
      { booked: 'TRANSPORT', change: (_: number, l: number) => gql(server.url, WITHDRAW, { id: toGlobalId('WarehouseListing', l) }, { apiKey: owner.apiKey }) },
      { booked: 'TRANSPORT', change: (_: number, l: number) => gql(server.url, MOVE, { id: toGlobalId('WarehouseListing', l) }, { apiKey: owner.apiKey }) },
    ] as const;
    for (const { booked, change } of cases) {
      const space = await listing(ctxAs(server.db, owner), 10);
      const v = await vehicle(carrierCtx());
      const request = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' } });
      const common = { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id };
      const [transport, storage] = await makeOffers(server.db, [
        { ...common, supplierOrgId: carrier.organisationId, vehicleId: v.id },
        { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3 },
      ]);
      const leg = booked === 'STORAGE' ? await accept(storage!, randomUUID(), owner.apiKey) : await accept(transport!);
      const bookingId = localIdOf(leg.body.data!.offerAccept.bookings[0]!.id, 'Booking', 'id');
      const told = endedBookings();
      expect((await change(v.id, space.id)).body.errors).toBeUndefined();
      expect(await requestStatus(request.id)).toBe('OPEN');
      expect((await server.db.select().from(bookings).where(eq(bookings.id, bookingId)).get())!.status).toBe('RETURNED');
      await vi.waitFor(() => expect(told.ids).toContain(bookingId));
      told.stop();
    }
  });

  it("a request cancelled off a pooled route gives back the storage booked for the route's other request, and tells its owner", async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 10);
    const v = await vehicle(carrierCtx());
    const { routes } = await import('../../db/schema');
    const load = (await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId: v.id, priceKrw: 900_000, startAt: new Date(Date.now() + 5 * HOUR), endAt: new Date(Date.now() + 9 * HOUR) }).returning().get())!;
    const cancelled = await shipment(shipperCtx(), { pallets: 2, weightKg: 800 });
    const stored = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' } });
    const carrier = key('CARRIER').organisationId;
    const [, , stay] = await makeOffers(server.db, [
      { round: r, routeId: load.id, requestId: cancelled.id, shipperOrgId: cancelled.shipperOrgId, supplierOrgId: carrier, vehicleId: v.id },
      { round: r, routeId: load.id, requestId: stored.id, shipperOrgId: stored.shipperOrgId, supplierOrgId: carrier, vehicleId: v.id },
      { round: r, requestId: stored.id, shipperOrgId: stored.shipperOrgId, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3 },
    ]);
    const bookingId = localIdOf((await accept(stay!, randomUUID(), owner.apiKey)).body.data!.offerAccept.bookings[0]!.id, 'Booking', 'id');
    const told = endedBookings();
    const CANCEL = 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "Order withdrawn" }) { shipmentRequest { status } } }';
    expect((await gql(server.url, CANCEL, { id: toGlobalId('ShipmentRequest', cancelled.id) }, { apiKey: key('MANUFACTURER').apiKey })).body.errors).toBeUndefined();
    expect(await requestStatus(stored.id)).toBe('OPEN');
    expect((await server.db.select().from(bookings).where(eq(bookings.id, bookingId)).get())!.status).toBe('RETURNED');
    await vi.waitFor(() => expect(told.ids).toContain(bookingId));
    told.stop();
  });

  it('books a pooled route as one unit; each shipper sees only its own share and price', async () => {
    const complexId = r.complexId;
    const manufacturers = await server.db.select().from(organisations).where(and(eq(organisations.complexId, complexId), eq(organisations.role, 'MANUFACTURER'))).orderBy(organisations.id).all();
    const second = manufacturers[1]!;
    const secondKey = (await createApiKey({ ctx: { ...shipperCtx(), viewer: SYSTEM_ADMIN }, input: { organisationId: second.id, name: 'test' } })).secret;
    const a = await shipment(shipperCtx(), { pallets: 2, weightKg: 800 });
    const b = await shipment(ctxAs(server.db, { organisationId: second.id, role: 'MANUFACTURER' }), { pallets: 4, weightKg: 1_600 });
    const v = await vehicle(carrierCtx());
    const { routes } = await import('../../db/schema');
    const load = await server.db.insert(routes).values({ roundId: r.roundId, complexId, vehicleId: v.id, priceKrw: 900_000, startAt: new Date(Date.now() + 5 * HOUR), endAt: new Date(Date.now() + 9 * HOUR) }).returning().get();
    const carrier = key('CARRIER').organisationId;
    const [sa] = await makeOffers(server.db, [
      { round: r, kind: 'TRANSPORT', routeId: load.id, requestId: a.id, shipperOrgId: a.shipperOrgId, supplierOrgId: carrier, vehicleId: v.id, priceKrw: 300_000 },
      { round: r, kind: 'TRANSPORT', routeId: load.id, requestId: b.id, shipperOrgId: b.shipperOrgId, supplierOrgId: carrier, vehicleId: v.id, priceKrw: 600_000 },
    ]);
    const { body } = await accept(sa!);
    expect(body.errors).toBeUndefined();
    expect(body.data!.offerAccept.bookings.map((x) => [x.kind, x.priceKrw])).toEqual([
      ['TRANSPORT', 300_000],
      ['TRANSPORT', 600_000],
    ]);
    expect([await requestStatus(a.id), await requestStatus(b.id)]).toEqual(['BOOKED', 'BOOKED']);
    const held = await server.db.select().from(vehicleReservations).where(and(eq(vehicleReservations.vehicleId, v.id), isNull(vehicleReservations.releasedAt))).all();
    expect(held.reduce((n, h) => n + h.pallets, 0)).toBe(6);

    const seenByFirst = await gql<{ bookings: { edges: { node: { priceKrw: number } }[] } }>(server.url, BOOKINGS, { requestId: toGlobalId('ShipmentRequest', b.id) }, { apiKey: key('MANUFACTURER').apiKey });
    expect(seenByFirst.body.data!.bookings.edges).toEqual([]);
    const seenBySecond = await gql<{ bookings: { edges: { node: { priceKrw: number } }[] } }>(server.url, BOOKINGS, {}, { apiKey: secondKey });
    expect(seenBySecond.body.data!.bookings.edges.map((e) => e.node.priceKrw)).toEqual([600_000]);
  });
});

describe('searching warehouse space', () => {
  it('a listing fully booked on a day of the range has no free space then; partly booked, it has', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const full = await listing(ctxAs(server.db, owner), 5);
    const part = await listing(ctxAs(server.db, owner), 5);
    const today = seoulDay(new Date());
    for (const [space, pallets] of [[full, 5], [part, 3]] as const) {
      const request = await shipment(shipperCtx(), { pallets, storage: { pallets, days: 3, storageClass: 'AMBIENT' } });
      const common = { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id };
      const [, stay] = await makeOffers(server.db, [
        { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id },
        { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: pallets },
      ]);
      expect((await accept(stay!, randomUUID(), owner.apiKey)).body.errors).toBeUndefined(); // today + 1 to today + 3
    }
    const SEARCH = 'query ($from: String!, $to: String) { warehouseListings(filter: { storageClass: AMBIENT, availableFrom: $from, availableTo: $to }, first: 100) { edges { node { id } } } }';
    const found = async (from: number, to?: number) => {
      const { body } = await gql<{ warehouseListings: { edges: { node: { id: string } }[] } }>(server.url, SEARCH, { from: addDays(today, from), to: to === undefined ? null : addDays(today, to) }, { apiKey: key('MANUFACTURER').apiKey });
      expect(body.errors).toBeUndefined();
      const ids = body.data!.warehouseListings.edges.map((e) => e.node.id);
      return [full, part].filter((l) => ids.includes(toGlobalId('WarehouseListing', l.id))).map((l) => (l === full ? 'full' : 'part'));
    };
    expect(await found(1, 3)).toEqual(['part']);
    expect(await found(3, 5)).toEqual(['part']);
    expect(await found(2)).toEqual(['part']);
    expect(await found(4, 10)).toEqual(['full', 'part']);
    expect(await found(0)).toEqual(['full', 'part']);
  });
});

describe('giving back and cancelling', () => {
  it('a carrier gives a booking back with a reason: reservations released, request back to OPEN, retry returns the same', async () => {
    const { request, vehicles, offerIds } = await offeredTwice();
    const booked = await accept(offerIds[0]);
    const bookingId = booked.body.data!.offerAccept.bookings[0]!.id;
    const idempotencyKey = randomUUID();
    const given = await gql<{ bookingGiveBack: { bookings: { status: string; endReason: string }[] } }>(server.url, GIVE_BACK, { id: bookingId, reason: 'Truck broke down', key: idempotencyKey }, { apiKey: key('CARRIER').apiKey });
    expect(given.body.errors).toBeUndefined();
    expect(given.body.data!.bookingGiveBack.bookings).toEqual([{ id: bookingId, status: 'RETURNED', endReason: 'Truck broke down' }]);
    expect(await requestStatus(request.id)).toBe('OPEN');
    expect((await server.db.select().from(vehicleReservations).where(eq(vehicleReservations.vehicleId, vehicles[0]!.id)).get())!.releasedAt).not.toBeNull();
    // The next round does not offer the request to the truck that gave it back.
    const banwol = getComplex({ ctx: carrierCtx(), input: { code: 'BANWOL_SIHWA' } });
    expect((await loadRoundInput({ db: server.db }, banwol, new Date())).excludedPairs).toContainEqual({ requestId: String(request.id), vehicleId: String(vehicles[0]!.id) });
    const retry = await gql(server.url, GIVE_BACK, { id: bookingId, reason: 'Truck broke down', key: idempotencyKey }, { apiKey: key('CARRIER').apiKey });
    expect(retry.body).toEqual(given.body);
    const twice = await gql(server.url, GIVE_BACK, { id: bookingId, reason: 'again', key: randomUUID() }, { apiKey: key('CARRIER').apiKey });
    expect(twice.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const shipperTries = await gql(server.url, GIVE_BACK, { id: bookingId, reason: 'mine', key: randomUUID() }, { apiKey: key('MANUFACTURER').apiKey });
    expect(shipperTries.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("giving back a leg releases the request's other legs too, but answers with the caller's own bookings only", async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 10);
    const request = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' } });
    const v = await vehicle(carrierCtx());
    const common = { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id };
    const [transport, storage] = await makeOffers(server.db, [
      { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: v.id },
      { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3, priceKrw: 123_000 },
    ]);
    // The warehouse accepts first, so its booking is the request's first.
    const stored = (await accept(storage!, randomUUID(), owner.apiKey)).body.data!.offerAccept.bookings[0]!.id;
    const carried = (await accept(transport!)).body.data!.offerAccept.bookings[0]!.id;
    const activity = activityLog(server.pubsub);
    const published = endedBookings();
    const ownerFeed = wsClient(server.wsUrl, { apiKey: owner.apiKey });
    const listening = subscribedTo(server.pubsub, 'bookingEnded');
    const told = firstResults<{ bookingEnded: { id: string; status: string; endReason: string } }>(ownerFeed, { query: 'subscription { bookingEnded { id status endReason } }' });
    await listening;

    const given = await gql<{ bookingGiveBack: { bookings: { id: string; status: string }[] } }>(
      server.url,
      'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "no driver", idempotencyKey: $key }) { bookings { id status kind priceKrw listingId } } }',
      { id: carried, key: randomUUID() },
      { apiKey: key('CARRIER').apiKey },
    );
    expect(given.body.errors).toBeUndefined();
    // The warehouse's booking ended with the request, but it is the warehouse owner's: its price and listing are not the carrier's to read.
    expect(given.body.data!.bookingGiveBack.bookings).toEqual([{ id: carried, status: 'RETURNED', kind: 'TRANSPORT', priceKrw: 500_000, listingId: null }]);
    // It ended for a reason of its own, not the carrier's words, and not as the warehouse's own no to the request.
    const otherReason = 'Another leg of the request was given back by its carrier: it returned to the next matching round';
    expect(await server.db.select().from(bookings).where(eq(bookings.id, localIdOf(stored, 'Booking', 'id'))).get()).toMatchObject({ status: 'RETURNED', endReason: otherReason, endedByOrgId: null });
    expect(await server.db.select().from(bookings).where(eq(bookings.id, localIdOf(carried, 'Booking', 'id'))).get()).toMatchObject({ status: 'RETURNED', endReason: 'no driver', endedByOrgId: key('CARRIER').organisationId });
    // The warehouse owner hears of it, as when the other leg is declined.
    expect((await told)[0]!.data!.bookingEnded).toEqual({ id: stored, status: 'RETURNED', endReason: otherReason });
    await ownerFeed.dispose();
    // The carrier gave its own back: it is not told.
    expect(published.ids).not.toContain(localIdOf(carried, 'Booking', 'id'));
    published.stop();
    // The operators' feed names who gave it back: the carrier, not the first booking the request ended.
    await activity.settled();
    activity.stop();
    expect(activity.events.filter((e) => e.kind === 'BOOKING_RETURNED').map((e) => e.summary)).toEqual(['Booking given back by its carrier: 1 shipment back to the next matching round']);
  });

  it('a request whose pickup window passed with only its storage booked expires, and the warehouse owner hears its booking ended', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 10);
    const request = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' } });
    const common = { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id };
    const [, storage] = await makeOffers(server.db, [
      { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id },
      { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3 },
    ]);
    const bookingId = localIdOf((await accept(storage!, randomUUID(), owner.apiKey)).body.data!.offerAccept.bookings[0]!.id, 'Booking', 'id');
    await server.db.update(shipmentRequests).set({ pickupFrom: new Date(Date.now() - 3 * HOUR), pickupUntil: new Date(Date.now() - HOUR) }).where(eq(shipmentRequests.id, request.id)).run();
    const told = endedBookings();
    // Any read of the request finds it stale and expires it.
    const read = await gql<{ node: { status: string } }>(server.url, 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status } } }', { id: toGlobalId('ShipmentRequest', request.id) }, { apiKey: key('MANUFACTURER').apiKey });
    expect(read.body.data!.node.status).toBe('EXPIRED');
    expect((await server.db.select().from(bookings).where(eq(bookings.id, bookingId)).get())!).toMatchObject({ status: 'CANCELLED', endReason: 'The pickup window passed before every leg was booked' });
    await vi.waitFor(() => expect(told.ids).toContain(bookingId));
    told.stop();
  });

  it('a manufacturer cancels a booked request before pickup: every reservation is released and the reason recorded', async () => {
    const { request, vehicles, offerIds } = await offeredTwice();
    await accept(offerIds[0]);
    const cancel = await gql(
      server.url,
      'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "Order withdrawn by customer" }) { shipmentRequest { status } } }',
      { id: toGlobalId('ShipmentRequest', request.id) },
      { apiKey: key('MANUFACTURER').apiKey },
    );
    expect(cancel.body.errors).toBeUndefined();
    const booking = (await server.db.select().from(bookings).where(eq(bookings.requestId, request.id)).get())!;
    expect(booking).toMatchObject({ status: 'CANCELLED', endReason: 'Order withdrawn by customer', endedByOrgId: request.shipperOrgId });
    expect((await server.db.select().from(vehicleReservations).where(eq(vehicleReservations.vehicleId, vehicles[0]!.id)).get())!.releasedAt).not.toBeNull();
  });
});

describe("a warehouse owner's storage booking", () => {
  type Visit = { plannedArrivalAt: string | null; plannedDepartureAt: string | null };
  const VISIT = 'query ($id: ID!) { node(id: $id) { ... on Booking { kind shipment { plannedArrivalAt plannedDepartureAt } } } }';
  const visitOf = async (bookingId: string, apiKey: string) => (await gql<{ node: { kind: string; shipment: Visit } }>(server.url, VISIT, { id: bookingId }, { apiKey })).body.data!.node;
  /** An API key of `organisationId`, whichever of the complex's suppliers the round chose. */
  const keyOfOrg = async (organisationId: number) => (await createApiKey({ ctx: { ...shipperCtx(), viewer: SYSTEM_ADMIN }, input: { organisationId, name: 'test' } })).secret;

  it('says when the truck bringing the goods is planned to unload them at its warehouse and leave: offered, then booked', async () => {
    await listing(ctxAs(server.db, key('WAREHOUSE_OWNER')), 10);
    await vehicle(carrierCtx());
    // Picked up tomorrow morning: a window of now + 2 h left no time to unload before the warehouse closes at 18:00 KST
    // when the test ran after about 15:00 KST.
    const morning = seoulMidnight(addDays(seoulDay(new Date()), 1)).getTime() + 9 * HOUR;
    const pickupWindow = { from: new Date(morning), until: new Date(morning + 3 * HOUR) };
    const request = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' }, pickupWindow, deliverBy: new Date(morning + 30 * HOUR) });
    const run = await gql(server.url, 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }', {}, { apiKey: key('OPERATOR').apiKey });
    expect(run.body.errors).toBeUndefined();
    const offered = await server.db.select().from(offers).where(and(eq(offers.requestId, request.id), eq(offers.status, 'PENDING'))).orderBy(offers.id).all();
    const stored = offered.find((o) => o.kind === 'STORAGE')!;
    const carried = offered.find((o) => o.kind === 'TRANSPORT')!;
    const warehouse = (await server.db.select({ lat: warehouseListings.lat, lng: warehouseListings.lng }).from(warehouseListings).where(eq(warehouseListings.id, stored.listingId!)).get())!;
    // The route's drop of the request at that warehouse, as its operator sees the route.
    const ROUTE = 'query ($id: ID!) { node(id: $id) { ... on Route { stops { action requestId location { lat lng } arriveAt startAt departAt } } } }';
    type Stop = { action: string; requestId: string; location: { lat: number; lng: number }; startAt: string; departAt: string };
    const stopsOf = async (routeId: number) => (await gql<{ node: { stops: Stop[] } }>(server.url, ROUTE, { id: toGlobalId('Route', routeId) }, { apiKey: key('OPERATOR').apiKey })).body.data!.node.stops;
    const drop = (await stopsOf(carried.routeId!)).find((s) => s.action === 'DROP' && s.requestId === toGlobalId('ShipmentRequest', request.id))!;
    expect(drop.location).toEqual(warehouse);

    const ownerKey = await keyOfOrg(stored.supplierOrgId);
    const booked = await accept(stored.id, randomUUID(), ownerKey);
    expect(booked.body.errors).toBeUndefined();
    const storageBooking = booked.body.data!.offerAccept.bookings[0]!.id;
    // Offered only, the transport is already planned to unload there (the warehouse's staff plan for it).
    expect((await visitOf(storageBooking, ownerKey)).shipment).toEqual({ plannedArrivalAt: drop.startAt, plannedDepartureAt: drop.departAt });

    const carrierKey = await keyOfOrg(carried.supplierOrgId);
    const ROUTE_ACCEPT = 'mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) { bookings { id shipmentRequestId } } }';
    const routeBooked = await gql<{ routeAccept: { bookings: { id: string; shipmentRequestId: string }[] } }>(server.url, ROUTE_ACCEPT, { id: toGlobalId('Route', carried.routeId!), key: randomUUID() }, { apiKey: carrierKey });
    expect(routeBooked.body.errors).toBeUndefined();
    const bookedDrop = (await stopsOf(carried.routeId!)).find((s) => s.action === 'DROP' && s.requestId === toGlobalId('ShipmentRequest', request.id))!;
    expect((await visitOf(storageBooking, ownerKey)).shipment).toEqual({ plannedArrivalAt: bookedDrop.startAt, plannedDepartureAt: bookedDrop.departAt });
    // The carrier's own booking has its route's stops and its deliverAt instead.
    const transportBooking = routeBooked.body.data!.routeAccept.bookings.find((b) => b.shipmentRequestId === toGlobalId('ShipmentRequest', request.id))!.id;
    expect(await visitOf(transportBooking, carrierKey)).toEqual({ kind: 'TRANSPORT', shipment: { plannedArrivalAt: null, plannedDepartureAt: null } });
  });

  it('has no planned arrival when the transport offered with it has no route to tell (offers made before routes)', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 4);
    const request = await shipment(shipperCtx(), { storage: { pallets: 2, days: 2, storageClass: 'AMBIENT' } });
    const common = { round: r, shipperOrgId: request.shipperOrgId, requestId: request.id };
    const [stored] = await makeOffers(server.db, [
      { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 2 },
      { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id },
    ]);
    const booked = await accept(stored!, randomUUID(), owner.apiKey);
    expect(booked.body.errors).toBeUndefined();
    expect((await visitOf(booked.body.data!.offerAccept.bookings[0]!.id, owner.apiKey)).shipment).toEqual({ plannedArrivalAt: null, plannedDepartureAt: null });
  });
});
