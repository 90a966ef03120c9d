import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, offers, routes, shipmentRequests, webhookEvents } from '../../db/schema';
import { cellsOf } from '../../src/geo/h3';
import { toGlobalId } from '../../src/global-id';
import { ctxAs, HOUR, listing, makeOffers, round, shipment, vehicle, type RoundRef } from '../helpers/bookings-fixtures';
import { activityLog } from '../helpers/activity';
import { firstResults, gql, subscribedTo, wsClient } from '../helpers/clients';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

// shipmentRequestUpdate: a shipper corrects its request while no supplier has agreed to it.
const FIELDS = `id status pallets weightKg cargoClass maxPriceKrw notes destination { location { lat lng } isCentre h3Cell }
  pickupWindow { from until } updatedAt unmatched { reason }`;
const UPDATE = `mutation ($input: ShipmentRequestUpdateInput!) { shipmentRequestUpdate(input: $input) { shipmentRequest { ${FIELDS} } } }`;
type Updated = { shipmentRequestUpdate: { shipmentRequest: Record<string, unknown> & { status: string } } };

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
let r: RoundRef;
const receivers: Receiver[] = [];
const key = (role: 'MANUFACTURER' | 'CARRIER' | 'WAREHOUSE_OWNER' | 'OPERATOR', complex = 'BANWOL_SIHWA') => server.keyOf(role, complex);
const shipperCtx = () => ctxAs(server.db, key('MANUFACTURER'));
const requestId = (id: number) => toGlobalId('ShipmentRequest', id);
const update = (id: number, changes: Record<string, unknown>, idempotencyKey: string = randomUUID(), apiKey = key('MANUFACTURER').apiKey) =>
  gql<Updated>(server.url, UPDATE, { input: { shipmentRequestId: requestId(id), idempotencyKey, ...changes } }, { apiKey });
const stored = async (id: number) => (await server.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!;
const offerStatus = async (id: number) => (await server.db.select().from(offers).where(eq(offers.id, id)).get())!.status;

/** A request offered to a truck of the demo carrier by a (hand-made) round; returns it and the offer. */
async function offered(terms: Parameters<typeof shipment>[1] = {}) {
  const request = await shipment(shipperCtx(), terms);
  const [offerId] = await makeOffers(server.db, [
    { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(ctxAs(server.db, key('CARRIER')))).id },
  ]);
  return { request, offerId: offerId! };
}

beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'demand-request-update.db'), env: { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', WEBHOOK_WORKER_INTERVAL_MS: '50' } });
  r = await round(server.db);
});
afterAll(async () => {
  await server.stop();
  await Promise.all(receivers.map((x) => x.close()));
  tmp.remove();
});

describe('shipmentRequestUpdate', () => {
  it('changes an OPEN request in place: the fields given, the others kept, the destination cell recomputed', async () => {
    const request = await shipment(shipperCtx(), { pallets: 4, maxPriceKrw: 500_000, notes: 'Gate B' });
    // The last round found no truck under its price: an explanation of the old terms, which goes with them.
    await server.db.update(shipmentRequests).set({ unmatchedReason: 'PRICE', unmatchedAt: new Date() }).where(eq(shipmentRequests.id, request.id)).run();
    const daegu = { lat: 35.8714, lng: 128.6014 };
    const activity = activityLog(server.pubsub);
    const { body } = await update(request.id, { pallets: 5, maxPriceKrw: 700_000, destination: daegu });
    expect(body.errors).toBeUndefined();
    // The operators' feed: the load as it now is, and which terms changed.
    await activity.settled();
    activity.stop();
    expect(activity.events).toEqual([
      { id: expect.any(String), complexCode: 'BANWOL_SIHWA', kind: 'REQUEST_CHANGED', at: expect.any(Date), summary: expect.stringMatching(/^5 pallets GENERAL, .* \(changed: destination, pallets, price limit\)$/), summaryKo: expect.stringMatching(/^일반 5팔레트, .* \(변경: 도착지, 팔레트 수, 상한 운임\)$/) },
    ]);
    expect(body.data!.shipmentRequestUpdate.shipmentRequest).toMatchObject({
      id: requestId(request.id),
      status: 'OPEN',
      pallets: 5,
      maxPriceKrw: 700_000,
      weightKg: request.weightKg,
      notes: 'Gate B',
      cargoClass: 'GENERAL',
      destination: { location: daegu, isCentre: false, h3Cell: cellsOf(daegu).r9 },
      pickupWindow: { from: request.pickupFrom.toISOString(), until: request.pickupUntil.toISOString() },
      unmatched: null,
    });
    const row = await stored(request.id);
    expect(row.destinationH3R9).toBe(cellsOf(daegu).r9);
    expect(row.originH3R9).toBe(request.originH3R9);
    // null removes an optional term.
    const cleared = await update(request.id, { notes: null, maxPriceKrw: null });
    expect(cleared.body.data!.shipmentRequestUpdate.shipmentRequest).toMatchObject({ notes: null, maxPriceKrw: null, pallets: 5 });
  });

  it('moves the origin to the centre with its cells, and keeps an open pickup window that has begun', async () => {
    const request = await shipment(shipperCtx());
    // The window opened an hour ago: a price corrected now moves no pickup into the past.
    await server.db.update(shipmentRequests).set({ pickupFrom: new Date(Date.now() - HOUR) }).where(eq(shipmentRequests.id, request.id)).run();
    const { body } = await update(request.id, { origin: { centre: true } });
    expect(body.errors).toBeUndefined();
    const row = await stored(request.id);
    expect(row).toMatchObject({ originIsCentre: true, originH3R7: cellsOf({ lat: row.originLat, lng: row.originLng }).r7, originH3R9: cellsOf({ lat: row.originLat, lng: row.originLng }).r9 });
    expect(row.originH3R9).not.toBe(request.originH3R9);
  });

  it('checks the result by the rules of create, naming input.<field>, and leaves the request unchanged', async () => {
    const request = await shipment(shipperCtx(), { pallets: 3 });
    const cases: [Record<string, unknown>, { field: string; rule: unknown }[]][] = [
      [{ pallets: 40 }, [{ field: 'input.pallets', rule: expect.stringMatching(/must fit the largest vehicle/) }]],
      // Cross-field: storage beyond the request's pallets (kept at 3).
      [{ storage: { pallets: 5, days: 2, storageClass: 'AMBIENT' } }, [{ field: 'input.storage.pallets', rule: "must not exceed the request's pallets" }]],
      // A deadline before the stored window's end.
      [{ deliverBy: new Date(request.pickupUntil.getTime() - HOUR).toISOString() }, [{ field: 'input.deliverBy', rule: 'must not be before pickupWindow.until' }]],
      [{ pickupWindow: { from: new Date(Date.now() - 2 * HOUR).toISOString(), until: new Date(Date.now() + 4 * HOUR).toISOString() } }, [{ field: 'input.pickupWindow.from', rule: 'must not be in the past' }]],
      [{ destination: { lat: 45, lng: 129 } }, [{ field: 'input.destination', rule: expect.stringMatching(/must be in South Korea/) }]],
      [{ weightKg: null, origin: null }, [{ field: 'input.origin', rule: "must not be null: leave it out to keep the request's" }, { field: 'input.weightKg', rule: "must not be null: leave it out to keep the request's" }]],
      [{}, [{ field: 'input', rule: expect.stringMatching(/^must change at least one field of the request: origin, destination, weightKg/) }]],
    ];
    for (const [changes, issues] of cases) {
      const { body } = await update(request.id, changes);
      expect(body.errors?.[0]?.extensions?.code, JSON.stringify(changes)).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.extensions?.issues).toEqual(issues);
    }
    expect(await stored(request.id)).toEqual(request);
  });

  it("names a field's own rule and a rule of the complex in one answer, and leaves the request unchanged", async () => {
    const request = await shipment(shipperCtx(), { pallets: 3 });
    const { body } = await update(request.id, { pallets: 40, origin: { lat: 35.2, lng: 128.65 } });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.extensions?.issues).toEqual([
      { field: 'input.pallets', rule: expect.stringMatching(/must fit the largest vehicle/) },
      { field: 'input.origin', rule: expect.stringMatching(/within 35 km of the BANWOL_SIHWA complex/) },
    ]);
    expect(await stored(request.id)).toEqual(request);
  });

  it('names the rules between the terms it would have beside a field\'s own fault, and leaves the request unchanged', async () => {
    const request = await shipment(shipperCtx(), { pallets: 3 });
    const late = new Date(request.pickupUntil.getTime() + 30 * 86_400_000).toISOString();
    const { body } = await update(request.id, { weightKg: -5, deliverBy: late, storage: { pallets: 5, days: 2, storageClass: 'AMBIENT' } });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.extensions?.issues).toEqual([
      { field: 'input.weightKg', rule: expect.any(String) },
      { field: 'input.deliverBy', rule: 'must be at most 7 days after pickupWindow.until' },
      { field: 'input.storage.pallets', rule: "must not exceed the request's pallets" },
    ]);
    expect(await stored(request.id)).toEqual(request);
  });

  it("withdraws an OFFERED request's pending offers, telling their supplier, and returns it OPEN on its new terms", async () => {
    const inbox = await startReceiver();
    receivers.push(inbox);
    const ENDPOINT = 'mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret } }';
    for (const [role, type] of [['CARRIER', 'OFFER_WITHDRAWN'], ['MANUFACTURER', 'SHIPMENT_UPDATED'], ['OPERATOR', 'COMPLEX_ACTIVITY']] as const) {
      expect((await gql(server.url, ENDPOINT, { input: { url: inbox.url, eventTypes: [type] } }, { apiKey: key(role).apiKey })).body.errors).toBeUndefined();
    }
    const { request, offerId } = await offered();
    await server.db.update(shipmentRequests).set({ unmatchedReason: 'PRICE', unmatchedAt: new Date() }).where(eq(shipmentRequests.id, request.id)).run();
    const carrier = wsClient(server.wsUrl, { apiKey: key('CARRIER').apiKey });
    const shipper = wsClient(server.wsUrl, { apiKey: key('MANUFACTURER').apiKey });
    try {
      // Both held by the server before the update (one at a time: subscribedTo watches one subscription).
      const withdrawnHeld = subscribedTo(server.pubsub, 'offerWithdrawn');
      const withdrawn = firstResults<{ offerWithdrawn: unknown }>(carrier, { query: 'subscription { offerWithdrawn { id status requestId } }' }, 1);
      await withdrawnHeld;
      const updatedHeld = subscribedTo(server.pubsub, 'shipmentUpdated');
      const updated = firstResults<{ shipmentUpdated: unknown }>(shipper, { query: 'subscription ($id: ID) { shipmentUpdated(shipmentRequestId: $id) { shipmentRequestId status } }', variables: { id: requestId(request.id) } }, 1);
      await updatedHeld;
      const { body } = await update(request.id, { pallets: 4 });
      expect(body.errors).toBeUndefined();
      expect(body.data!.shipmentRequestUpdate.shipmentRequest).toMatchObject({ status: 'OPEN', pallets: 4, unmatched: null });
      expect((await withdrawn)[0]!.data).toEqual({ offerWithdrawn: { id: toGlobalId('Offer', offerId), status: 'WITHDRAWN', requestId: requestId(request.id) } });
      expect((await updated)[0]!.data).toEqual({ shipmentUpdated: { shipmentRequestId: requestId(request.id), status: 'OPEN' } });
    } finally {
      await Promise.all([carrier.dispose(), shipper.dispose()]);
    }
    expect(await offerStatus(offerId)).toBe('WITHDRAWN');
    // In the outbox with the update: the supplier's and the shipper's webhooks.
    const hooks = await server.db.select({ type: webhookEvents.type, organisationId: webhookEvents.organisationId }).from(webhookEvents).all();
    expect(hooks).toEqual(expect.arrayContaining([
      { type: 'offer.withdrawn', organisationId: key('CARRIER').organisationId },
      { type: 'shipment.updated', organisationId: key('MANUFACTURER').organisationId },
    ]));
    // The operators' webhooks carry the feed's line, as for a posting.
    const operators = await server.db.select().from(webhookEvents).where(eq(webhookEvents.type, 'complex.activity')).orderBy(webhookEvents.id).all();
    expect(operators.map((e) => JSON.parse(e.payload).data.kind).filter((kind) => kind.startsWith('REQUEST_'))).toEqual(['REQUEST_POSTED', 'REQUEST_CHANGED']);
  });

  it('leaves an OFFERED request and its offers as they are when the terms sent are those it has (a form saved unchanged)', async () => {
    const { request, offerId } = await offered();
    const before = await stored(request.id);
    const window = { from: before.pickupFrom.toISOString(), until: before.pickupUntil.toISOString() };
    const activity = activityLog(server.pubsub);
    try {
      const { body } = await update(request.id, { pallets: before.pallets, weightKg: before.weightKg, notes: before.notes, maxPriceKrw: before.maxPriceKrw, pickupWindow: window });
      expect(body.errors).toBeUndefined();
      expect(body.data!.shipmentRequestUpdate.shipmentRequest).toMatchObject({ status: 'OFFERED', pallets: before.pallets });
      // Nothing changed, nothing told: the operators' feed hears of no change.
      await activity.settled();
      expect(activity.events).toEqual([]);
    } finally {
      activity.stop();
    }
    expect(await stored(request.id)).toEqual(before);
    expect(await offerStatus(offerId)).toBe('PENDING');
    const told = await server.db.select().from(webhookEvents).where(eq(webhookEvents.type, 'offer.withdrawn')).all();
    expect(told.filter((e) => e.payload.includes(toGlobalId('Offer', offerId)))).toEqual([]);
  });

  it('keeps the offers of an OFFERED request that still meet its new terms (a raised price limit, a later deadline), and the carrier books one', async () => {
    const ENDPOINT = 'mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret } }';
    for (const [role, type] of [['CARRIER', 'OFFER_WITHDRAWN'], ['MANUFACTURER', 'SHIPMENT_UPDATED']] as const) {
      expect((await gql(server.url, ENDPOINT, { input: { url: 'http://127.0.0.1:9/kept', eventTypes: [type] } }, { apiKey: key(role).apiKey })).body.errors).toBeUndefined();
    }
    // The offer costs 500,000 KRW and delivers 12 hours from now.
    const raised = await offered({ maxPriceKrw: 520_000 });
    const later = await offered();
    const activity = activityLog(server.pubsub);
    try {
      const price = await update(raised.request.id, { maxPriceKrw: 800_000 });
      expect(price.body.errors).toBeUndefined();
      expect(price.body.data!.shipmentRequestUpdate.shipmentRequest).toMatchObject({ status: 'OFFERED', maxPriceKrw: 800_000 });
      const deadline = new Date((await stored(later.request.id)).deliverBy.getTime() + 24 * HOUR);
      expect((await update(later.request.id, { deliverBy: deadline.toISOString() })).body.data!.shipmentRequestUpdate.shipmentRequest.status).toBe('OFFERED');
      // The complex's feed still hears of each change.
      await activity.settled();
      expect(activity.events.map((e) => e.kind)).toEqual(['REQUEST_CHANGED', 'REQUEST_CHANGED']);
    } finally {
      activity.stop();
    }
    expect(await stored(raised.request.id)).toMatchObject({ status: 'OFFERED', maxPriceKrw: 800_000, termsChanged: expect.any(Number), termsChangedAt: expect.any(Date) });
    expect(await Promise.all([raised.offerId, later.offerId].map(offerStatus))).toEqual(['PENDING', 'PENDING']);
    // No supplier told of a withdrawal, no shipper of a status change.
    const outbox = await server.db.select().from(webhookEvents).all();
    const data = (type: string) => outbox.filter((e) => e.type === type).map((e) => JSON.parse(e.payload).data);
    expect(data('offer.withdrawn').filter((o) => [raised.offerId, later.offerId].some((id) => o.id === toGlobalId('Offer', id)))).toEqual([]);
    expect(data('shipment.updated').filter((u) => [raised.request.id, later.request.id].some((id) => u.shipmentRequestId === requestId(id)))).toEqual([]);
    // The offer stands on the new terms: its carrier accepts it and the request is booked.
    const ACCEPT = 'mutation ($id: ID!) { offerAccept(input: { offerId: $id, idempotencyKey: "accept-update-kept" }) { offer { status } } }';
    const accepted = await gql(server.url, ACCEPT, { id: toGlobalId('Offer', raised.offerId) }, { apiKey: key('CARRIER').apiKey });
    expect(accepted.body.errors).toBeUndefined();
    expect(await stored(raised.request.id)).toMatchObject({ status: 'BOOKED', maxPriceKrw: 800_000 });
  });

  it('withdraws the offers as before when one no longer meets the new terms (a price limit below it), or notes changed', async () => {
    const cheaper = await offered({ maxPriceKrw: 800_000 });
    const noted = await offered({ maxPriceKrw: 800_000 });
    expect((await update(cheaper.request.id, { maxPriceKrw: 450_000 })).body.data!.shipmentRequestUpdate.shipmentRequest).toMatchObject({ status: 'OPEN', maxPriceKrw: 450_000 });
    // Notes may carry handling instructions the supplier priced for: any change to them withdraws.
    expect((await update(noted.request.id, { notes: 'Fragile: hand-load only' })).body.data!.shipmentRequestUpdate.shipmentRequest).toMatchObject({ status: 'OPEN', notes: 'Fragile: hand-load only' });
    expect(await Promise.all([cheaper.offerId, noted.offerId].map(offerStatus))).toEqual(['WITHDRAWN', 'WITHDRAWN']);
  });

  it("takes a pooled load's other share with the withdrawn offer, its request back OPEN and its shipper told", async () => {
    const [a, b] = [await shipment(shipperCtx(), { pallets: 2, weightKg: 800 }), await shipment(shipperCtx(), { pallets: 2, weightKg: 800 })];
    const truck = await vehicle(ctxAs(server.db, key('CARRIER')));
    const load = (await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId: truck.id, priceKrw: 900_000, startAt: new Date(Date.now() + 5 * HOUR), endAt: new Date(Date.now() + 9 * HOUR) }).returning().get())!;
    const share = (request: typeof a) => ({ round: r, routeId: load.id, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: truck.id });
    const shares = await makeOffers(server.db, [share(a), share(b)]);
    const shipper = wsClient(server.wsUrl, { apiKey: key('MANUFACTURER').apiKey });
    try {
      const held = subscribedTo(server.pubsub, 'shipmentUpdated');
      const updated = firstResults<{ shipmentUpdated: { shipmentRequestId: string; status: string } }>(shipper, { query: 'subscription { shipmentUpdated { shipmentRequestId status } }' }, 2);
      await held;
      expect((await update(a.id, { pallets: 3 })).body.errors).toBeUndefined();
      // The load's price split depended on both shares: both go, and each request is OPEN again, its shipper told.
      expect((await updated).map((u) => u.data!.shipmentUpdated).sort((x, y) => x.shipmentRequestId.localeCompare(y.shipmentRequestId))).toEqual(
        [a, b].map((q) => ({ shipmentRequestId: requestId(q.id), status: 'OPEN' })).sort((x, y) => x.shipmentRequestId.localeCompare(y.shipmentRequestId)),
      );
    } finally {
      await shipper.dispose();
    }
    expect(await Promise.all(shares.map(offerStatus))).toEqual(['WITHDRAWN', 'WITHDRAWN']);
    expect(await stored(b.id)).toMatchObject({ status: 'OPEN', pallets: 2 });
  });

  it('refuses a BOOKED request (a supplier agreed), and a cancelled one, with CONFLICT', async () => {
    const { request, offerId } = await offered();
    const accepted = await gql(server.url, 'mutation ($id: ID!) { offerAccept(input: { offerId: $id, idempotencyKey: "accept-update-test-1" }) { offer { status } } }', { id: toGlobalId('Offer', offerId) }, { apiKey: key('CARRIER').apiKey });
    expect(accepted.body.errors).toBeUndefined();
    const booked = await update(request.id, { pallets: 4 });
    expect(booked.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(booked.body.errors?.[0]?.message).toMatch(/supplier has agreed to these terms.*shipmentRequestCancel/);
    expect(await stored(request.id)).toMatchObject({ status: 'BOOKED', pallets: 3 });

    const other = await shipment(shipperCtx());
    await gql(server.url, 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "typo" }) { shipmentRequest { status } } }', { id: requestId(other.id) }, { apiKey: key('MANUFACTURER').apiKey });
    const cancelled = await update(other.id, { pallets: 4 });
    expect(cancelled.body.errors?.[0]).toMatchObject({ message: 'ShipmentRequest is CANCELLED and can no longer be changed', extensions: { code: 'CONFLICT' } });
  });

  it('refuses a request picked up with its status, not by sending the shipper to a cancel that is refused too', async () => {
    const { request, offerId } = await offered();
    const accepted = await gql<{ offerAccept: { bookings: { id: string }[] } }>(server.url, 'mutation ($id: ID!) { offerAccept(input: { offerId: $id, idempotencyKey: "accept-update-test-3" }) { bookings { id } } }', { id: toGlobalId('Offer', offerId) }, { apiKey: key('CARRIER').apiKey });
    const picked = await gql(server.url, 'mutation ($input: TrackingEventReportInput!) { trackingEventReport(input: $input) { booking { status } } }', {
      input: { bookingId: accepted.body.data!.offerAccept.bookings[0]!.id, kind: 'PICKED_UP', occurredAt: new Date().toISOString(), position: { lat: 37.33, lng: 126.76 }, idempotencyKey: randomUUID() },
    }, { apiKey: key('CARRIER').apiKey });
    expect(picked.body.errors).toBeUndefined();
    const { body } = await update(request.id, { notes: 'Gate C' });
    expect(body.errors?.[0]).toMatchObject({ message: 'ShipmentRequest is PICKED_UP and can no longer be changed', extensions: { code: 'CONFLICT' } });
    expect(await stored(request.id)).toMatchObject({ status: 'PICKED_UP', notes: request.notes });
  });

  it('refuses an OFFERED request one leg of which a supplier booked (its storage still offered), changing nothing', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 4);
    const request = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' } });
    const common = { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId };
    const [transport, storage] = await makeOffers(server.db, [
      { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(ctxAs(server.db, key('CARRIER')))).id },
      { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3 },
    ]);
    const accepted = await gql(server.url, 'mutation ($id: ID!) { offerAccept(input: { offerId: $id, idempotencyKey: "accept-update-test-2" }) { offer { status } } }', { id: toGlobalId('Offer', transport!) }, { apiKey: key('CARRIER').apiKey });
    expect(accepted.body.errors).toBeUndefined();
    const before = await stored(request.id);
    expect(before.status).toBe('OFFERED');
    const { body } = await update(request.id, { pallets: 4 });
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/supplier has agreed to these terms/), extensions: { code: 'CONFLICT' } });
    expect(await stored(request.id)).toEqual(before);
    expect(await offerStatus(storage!)).toBe('PENDING');
  });

  it('racing an accept of one leg, leaves one outcome: changed with no booking, or booked on the old terms', async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 40);
    for (let trial = 0; trial < 8; trial++) {
      const request = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' } });
      const common = { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId };
      const [transport] = await makeOffers(server.db, [
        { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(ctxAs(server.db, key('CARRIER')))).id },
        { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3 },
      ]);
      const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { offer { status } } }';
      const [changed] = await Promise.all([update(request.id, { pallets: 4 }), gql(server.url, ACCEPT, { id: toGlobalId('Offer', transport!), key: randomUUID() }, { apiKey: key('CARRIER').apiKey })]);
      const row = await stored(request.id);
      const held = await server.db.select().from(bookings).where(and(eq(bookings.requestId, request.id), eq(bookings.status, 'CONFIRMED'))).all();
      if (changed.body.errors) expect({ status: row.status, pallets: row.pallets, held: held.length }).toEqual({ status: 'OFFERED', pallets: 3, held: 1 });
      else expect({ status: row.status, pallets: row.pallets, held: held.length }).toEqual({ status: 'OPEN', pallets: 4, held: 0 });
    }
  });

  it('racing an accept of an offer that stands, leaves one booking: on the new terms, or the change refused', async () => {
    for (let trial = 0; trial < 8; trial++) {
      const { request, offerId } = await offered({ maxPriceKrw: 520_000 });
      const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { offer { status } } }';
      const [changed, accepted] = await Promise.all([update(request.id, { maxPriceKrw: 800_000 }), gql(server.url, ACCEPT, { id: toGlobalId('Offer', offerId), key: randomUUID() }, { apiKey: key('CARRIER').apiKey })]);
      // The offer meets both limits: the accept books it whichever commits first.
      expect(accepted.body.errors).toBeUndefined();
      const held = await server.db.select().from(bookings).where(and(eq(bookings.requestId, request.id), eq(bookings.status, 'CONFIRMED'))).all();
      expect({ status: (await stored(request.id)).status, held: held.length }).toEqual({ status: 'BOOKED', held: 1 });
      if (changed.body.errors) expect(changed.body.errors[0]?.extensions?.code).toBe('CONFLICT');
      expect((await stored(request.id)).maxPriceKrw).toBe(changed.body.errors ? 520_000 : 800_000);
    }
  });

  it("answers another shipper's request as a missing one", async () => {
    const request = await shipment(shipperCtx());
    const { body } = await update(request.id, { pallets: 4 }, randomUUID(), key('MANUFACTURER', 'CHANGWON').apiKey);
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await stored(request.id)).toEqual(request);
  });

  it('is idempotent on its key: a retry changes nothing again, the key with another input is CONFLICT', async () => {
    const { request, offerId } = await offered();
    const idempotencyKey = randomUUID();
    const first = await update(request.id, { pallets: 4 }, idempotencyKey);
    expect(first.body.data!.shipmentRequestUpdate.shipmentRequest).toMatchObject({ status: 'OPEN', pallets: 4 });
    const after = await stored(request.id);
    const retry = await update(request.id, { pallets: 4 }, idempotencyKey);
    expect(retry.body.data!.shipmentRequestUpdate.shipmentRequest).toMatchObject({ status: 'OPEN', pallets: 4 });
    expect(await stored(request.id)).toEqual(after);
    expect(await offerStatus(offerId)).toBe('WITHDRAWN');
    const other = await update(request.id, { pallets: 5 }, idempotencyKey);
    expect(other.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^input.idempotencyKey: .* already used for shipmentRequestUpdate with other input/), extensions: { code: 'CONFLICT' } });
    expect((await stored(request.id)).pallets).toBe(4);
  });
});
