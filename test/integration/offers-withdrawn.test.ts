import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offers, routes, shipmentRequests, webhookEvents } from '../../db/schema';
import { fromGlobalId, toGlobalId } from '../../src/global-id';
import { ctxAs, HOUR, listing, makeOffers, round, shipment, vehicle, type RoundRef } from '../helpers/bookings-fixtures';
import { firstResults, gql, publishedIds, subscribedTo, wsClient } from '../helpers/clients';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

// offerWithdrawn and offer.withdrawn: a supplier hears of each pending offer of its own withdrawn, and why, not of
// those that expire (it knew when) nor of the one it accepted.
const SUBSCRIPTION = 'subscription { offerWithdrawn { id status requestId withdrawalReason } }';
type Told = { offerWithdrawn: { id: string; status: string; requestId: string; withdrawalReason: string | null } };

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
let r: RoundRef;
const receivers: Receiver[] = [];
const key = (role: 'MANUFACTURER' | 'CARRIER' | 'WAREHOUSE_OWNER' | 'OPERATOR', complex = 'BANWOL_SIHWA') => server.keyOf(role, complex);
const carrierCtx = () => ctxAs(server.db, key('CARRIER'));
const shipperCtx = () => ctxAs(server.db, key('MANUFACTURER'));
const offerId = (id: number) => toGlobalId('Offer', id);

/** Ids of the offers offerWithdrawn tells of from now on (to every supplier), until stopped. */
const withdrawnOffers = () => publishedIds(server.pubsub, 'offerWithdrawn', (e) => e.offer.id);

/** The first `count` offerWithdrawn the supplier with `apiKey` hears, once the server holds its subscription. */
async function listen(apiKey: string, count = 1) {
  const client = wsClient(server.wsUrl, { apiKey });
  const subscribed = subscribedTo(server.pubsub, 'offerWithdrawn');
  const told = firstResults<Told>(client, { query: SUBSCRIPTION }, count);
  await subscribed;
  return {
    next: async () => (await told)[0]!,
    all: async () => (await told).map((t) => t.data!.offerWithdrawn),
    dispose: () => client.dispose(),
  };
}
/** Offer `id` as its supplier (`apiKey`) reads it: its status and why it was withdrawn. */
async function offerAsRead(id: number, apiKey: string) {
  const read = await gql<{ node: { status: string; withdrawalReason: string | null } }>(server.url, 'query ($id: ID!) { node(id: $id) { ... on Offer { status withdrawalReason } } }', { id: offerId(id) }, { apiKey });
  expect(read.body.errors).toBeUndefined();
  return read.body.data!.node;
}

/** A pooled route of the demo carrier's new truck carrying two new requests, one share each; `a` on `terms`. */
async function pooled(terms: Parameters<typeof shipment>[1] = {}) {
  const [a, b] = [await shipment(shipperCtx(), { pallets: 2, weightKg: 800, ...terms }), await shipment(shipperCtx(), { pallets: 2, weightKg: 800 })];
  const truck = await vehicle(carrierCtx());
  const load = await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId: truck.id, priceKrw: 900_000, startAt: new Date(Date.now() + 5 * HOUR), endAt: new Date(Date.now() + 9 * HOUR) }).returning().get();
  const share = (request: typeof a) => ({ round: r, routeId: load!.id, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: truck.id });
  const [shareA, shareB] = await makeOffers(server.db, [share(a), share(b)]);
  return { a, b, truck, shareA: shareA!, shareB: shareB! };
}

const CANCEL = 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "order withdrawn" }) { shipmentRequest { status } } }';
const cancel = (requestId: number) => gql(server.url, CANCEL, { id: toGlobalId('ShipmentRequest', requestId) }, { apiKey: key('MANUFACTURER').apiKey });

/** A request needing storage, offered to the demo carrier's truck and the demo warehouse owner's space by one round. */
async function transportAndStorage(expiresAt?: Date) {
  const owner = key('WAREHOUSE_OWNER');
  const space = await listing(ctxAs(server.db, owner), 4);
  const request = await shipment(shipperCtx(), { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' } });
  const common = { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId };
  const [transport, storage] = await makeOffers(server.db, [
    { ...common, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id, expiresAt },
    { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 3 },
  ]);
  return { owner, request, transport: transport!, storage: storage! };
}

beforeAll(async () => {
  tmp = tempDir();
  const fastWebhooks = { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', WEBHOOK_WORKER_INTERVAL_MS: '50' };
  server = await startTestServer({ dbPath: join(tmp.dir, 'offers-withdrawn.db'), env: { ...fastWebhooks, POD_STORAGE_DIR: join(tmp.dir, 'pod') } });
  r = await round(server.db);
});
afterAll(async () => {
  await server.stop();
  await Promise.all(receivers.map((x) => x.close()));
  tmp.remove();
});

describe('offerWithdrawn', () => {
  it("tells the carrier its offer was withdrawn when the warehouse declined the request's storage offered with it", async () => {
    const { owner, request, transport, storage } = await transportAndStorage();
    const published = withdrawnOffers();
    const carrier = await listen(key('CARRIER').apiKey);
    const declined = await gql(server.url, 'mutation ($id: ID!) { offerDecline(input: { offerId: $id }) { offer { status } } }', { id: offerId(storage) }, { apiKey: owner.apiKey });
    expect(declined.body.errors).toBeUndefined();
    // Why, in the carrier's terms: its truck alone cannot book the request.
    expect((await carrier.next()).data!.offerWithdrawn).toEqual({ id: offerId(transport), status: 'WITHDRAWN', requestId: toGlobalId('ShipmentRequest', request.id), withdrawalReason: 'OTHER_LEG_LOST' });
    await carrier.dispose();
    expect(await offerAsRead(transport, key('CARRIER').apiKey)).toEqual({ status: 'WITHDRAWN', withdrawalReason: 'OTHER_LEG_LOST' });
    // The declined offer is the owner's own answer, not a withdrawal.
    expect(published.ids).toEqual([transport]);
    published.stop();
  });

  it('tells the carrier its offer was withdrawn when a rival offer for the same request was accepted, and nothing of the accepted one', async () => {
    const request = await shipment(shipperCtx());
    const common = { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId };
    const [chosen, rival] = await makeOffers(server.db, [
      { ...common, vehicleId: (await vehicle(carrierCtx())).id },
      { ...common, vehicleId: (await vehicle(carrierCtx())).id },
    ]);
    const published = withdrawnOffers();
    const carrier = await listen(key('CARRIER').apiKey);
    const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { offer { status } } }';
    const accepted = await gql(server.url, ACCEPT, { id: offerId(chosen!), key: randomUUID() }, { apiKey: key('CARRIER').apiKey });
    expect(accepted.body.errors).toBeUndefined();
    expect((await carrier.next()).data!.offerWithdrawn).toMatchObject({ id: offerId(rival!), status: 'WITHDRAWN', withdrawalReason: 'REQUEST_BOOKED_ELSEWHERE' });
    await carrier.dispose();
    expect(await offerAsRead(rival!, key('CARRIER').apiKey)).toEqual({ status: 'WITHDRAWN', withdrawalReason: 'REQUEST_BOOKED_ELSEWHERE' });
    // Only a withdrawn offer has a reason.
    expect(await offerAsRead(chosen!, key('CARRIER').apiKey)).toEqual({ status: 'ACCEPTED', withdrawalReason: null });
    expect(published.ids).toEqual([rival]);
    published.stop();
  });

  it("tells of the storage offer withdrawn with a transport offer that expired, and nothing of the expired one", async () => {
    const { owner, transport, storage } = await transportAndStorage(new Date(Date.now() - 1000));
    const published = withdrawnOffers();
    const warehouse = await listen(owner.apiKey);
    // A round starts by expiring the offers past their time.
    const run = await gql(server.url, 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }', {}, { apiKey: key('OPERATOR').apiKey });
    expect(run.body.errors).toBeUndefined();
    expect((await warehouse.next()).data!.offerWithdrawn).toMatchObject({ id: offerId(storage), status: 'WITHDRAWN', withdrawalReason: 'OTHER_LEG_LOST' });
    await warehouse.dispose();
    expect(published.ids).toContain(storage);
    expect(published.ids).not.toContain(transport);
    published.stop();
  });

  it('tells of each share of a pooled route withdrawn with its load, as offerReceived tells of each, and why each', async () => {
    const { a, shareA, shareB } = await pooled();
    const shares = [shareA, shareB];
    const published = withdrawnOffers();
    const carrier = await listen(key('CARRIER').apiKey, 2);
    // One shipper cancels: the load's price split depended on both shares, so both go.
    expect((await cancel(a.id)).body.errors).toBeUndefined();
    const told = await carrier.all();
    expect(told.map((o) => o.id).sort()).toEqual(shares.map(offerId).sort());
    expect(Object.fromEntries(told.map((o) => [o.id, o.withdrawalReason]))).toEqual({ [offerId(shareA)]: 'REQUEST_CANCELLED', [offerId(shareB)]: 'PARTNER_CANCELLED' });
    await carrier.dispose();
    expect(await offerAsRead(shareB, key('CARRIER').apiKey)).toEqual({ status: 'WITHDRAWN', withdrawalReason: 'PARTNER_CANCELLED' });
    expect(published.ids.sort()).toEqual([...shares].sort());
    published.stop();
  });

  it('is refused to manufacturers', async () => {
    const client = wsClient(server.wsUrl, { apiKey: key('MANUFACTURER').apiKey });
    const [result] = await firstResults(client, { query: SUBSCRIPTION });
    expect(result!.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await client.dispose();
  });
});

describe('offer.withdrawn', () => {
  it("reaches the carrier's endpoint, recorded with the cancellation that withdrew its offer, as offerWithdrawn gives it", async () => {
    const inbox = await startReceiver();
    receivers.push(inbox);
    const CREATE = 'mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret } }';
    const created = await gql<{ webhookEndpointCreate: { secret: string } }>(server.url, CREATE, { input: { url: inbox.url, eventTypes: ['OFFER_WITHDRAWN'] } }, { apiKey: key('CARRIER').apiKey });
    expect(created.body.errors).toBeUndefined();
    const request = await shipment(shipperCtx());
    const truck = await vehicle(carrierCtx());
    const [offer] = await makeOffers(server.db, [{ round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: truck.id }]);

    expect((await cancel(request.id)).body.errors).toBeUndefined();
    // In the outbox once the cancellation is acknowledged: nothing is lost if the process stops before delivering it.
    expect(await server.db.select({ type: webhookEvents.type }).from(webhookEvents).where(eq(webhookEvents.organisationId, key('CARRIER').organisationId)).all()).toEqual([{ type: 'offer.withdrawn' }]);
    const [delivery] = await inbox.waitFor(1);
    const payload = new Webhook(created.body.data!.webhookEndpointCreate.secret).verify(delivery!.body, delivery!.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ type: 'offer.withdrawn', data: { id: offerId(offer!), status: 'WITHDRAWN', withdrawalReason: 'REQUEST_CANCELLED', vehicleId: toGlobalId('Vehicle', truck.id), requestId: toGlobalId('ShipmentRequest', request.id) } });
  });
});

describe('withdrawalReason', () => {
  /** What the carrier hears of its offers withdrawn by `change`, and reads of each on the Offer afterwards: offer id to reason. */
  async function reasonsTold(apiKey: string, count: number, change: () => Promise<{ body: { errors?: unknown } }>) {
    const supplier = await listen(apiKey, count);
    expect((await change()).body.errors).toBeUndefined();
    const told = Object.fromEntries((await supplier.all()).map((o) => [o.id, o.withdrawalReason]));
    await supplier.dispose();
    for (const [id, reason] of Object.entries(told)) expect(await offerAsRead(fromGlobalId(id)!.id, apiKey)).toEqual({ status: 'WITHDRAWN', withdrawalReason: reason });
    return told;
  }

  it('says the request was booked with another offer, and to the pooled partner that its partner was', async () => {
    const { a, shareA, shareB } = await pooled();
    const [chosen] = await makeOffers(server.db, [{ round: r, requestId: a.id, shipperOrgId: a.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(carrierCtx())).id }]);
    const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { offer { status } } }';
    const told = await reasonsTold(key('CARRIER').apiKey, 2, () => gql(server.url, ACCEPT, { id: offerId(chosen!), key: randomUUID() }, { apiKey: key('CARRIER').apiKey }));
    expect(told).toEqual({ [offerId(shareA)]: 'REQUEST_BOOKED_ELSEWHERE', [offerId(shareB)]: 'PARTNER_BOOKED' });
  });

  it('says the shipper changed the request, and to the pooled partner that its partner was changed', async () => {
    const { a, shareA, shareB } = await pooled();
    const UPDATE = 'mutation ($input: ShipmentRequestUpdateInput!) { shipmentRequestUpdate(input: $input) { shipmentRequest { status } } }';
    const input = { shipmentRequestId: toGlobalId('ShipmentRequest', a.id), idempotencyKey: randomUUID(), pallets: 3 };
    const told = await reasonsTold(key('CARRIER').apiKey, 2, () => gql(server.url, UPDATE, { input }, { apiKey: key('MANUFACTURER').apiKey }));
    expect(told).toEqual({ [offerId(shareA)]: 'REQUEST_CHANGED', [offerId(shareB)]: 'PARTNER_CHANGED' });
  });

  it("says the request's other leg was lost, and to the pooled partner that its partner's was", async () => {
    const { a, shareA, shareB } = await pooled({ storage: { pallets: 2, days: 3, storageClass: 'AMBIENT' } });
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner), 4);
    const [storage] = await makeOffers(server.db, [{ round: r, requestId: a.id, shipperOrgId: a.shipperOrgId, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 2 }]);
    const DECLINE = 'mutation ($id: ID!) { offerDecline(input: { offerId: $id }) { offer { status } } }';
    const told = await reasonsTold(key('CARRIER').apiKey, 2, () => gql(server.url, DECLINE, { id: offerId(storage!) }, { apiKey: owner.apiKey }));
    expect(told).toEqual({ [offerId(shareA)]: 'OTHER_LEG_LOST', [offerId(shareB)]: 'PARTNER_LEG_LOST' });
  });

  it('says another supplier gave back its booking of the request', async () => {
    const { owner, transport, storage } = await transportAndStorage();
    const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { bookings { id } } }';
    const accepted = await gql<{ offerAccept: { bookings: { id: string }[] } }>(server.url, ACCEPT, { id: offerId(storage), key: randomUUID() }, { apiKey: owner.apiKey });
    expect(accepted.body.errors).toBeUndefined();
    const GIVE_BACK = 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "Flooded aisle", idempotencyKey: $key }) { bookings { status } } }';
    const bookingId = accepted.body.data!.offerAccept.bookings[0]!.id;
    const told = await reasonsTold(key('CARRIER').apiKey, 1, () => gql(server.url, GIVE_BACK, { id: bookingId, key: randomUUID() }, { apiKey: owner.apiKey }));
    expect(told).toEqual({ [offerId(transport)]: 'REQUEST_GIVEN_BACK' });
  });

  it("says the request expired unbooked, and to the pooled partner that its partner did", async () => {
    const { a, shareA, shareB } = await pooled();
    await server.db.update(shipmentRequests).set({ pickupFrom: new Date(Date.now() - 2 * HOUR), pickupUntil: new Date(Date.now() - HOUR) }).where(eq(shipmentRequests.id, a.id));
    // Reading it expires it: its pickup window has passed.
    const READ = 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status } } }';
    const told = await reasonsTold(key('CARRIER').apiKey, 2, () => gql(server.url, READ, { id: toGlobalId('ShipmentRequest', a.id) }, { apiKey: key('MANUFACTURER').apiKey }));
    expect(told).toEqual({ [offerId(shareA)]: 'REQUEST_EXPIRED', [offerId(shareB)]: 'PARTNER_EXPIRED' });
  });

  it("says the supplier's own listing or truck went: withdrawn, retired by its carrier or by the operator, its rate card changed", async () => {
    const listed = await transportAndStorage();
    const listingId = (await server.db.select().from(offers).where(eq(offers.id, listed.storage)).get())!.listingId!;
    const WITHDRAW = 'mutation ($id: ID!) { warehouseListingWithdraw(input: { listingId: $id }) { listing { status } } }';
    expect(await reasonsTold(listed.owner.apiKey, 1, () => gql(server.url, WITHDRAW, { id: toGlobalId('WarehouseListing', listingId) }, { apiKey: listed.owner.apiKey }))).toEqual({
      [offerId(listed.storage)]: 'LISTING_WITHDRAWN',
    });
    // The carrier's offer for the same request could no longer book it whole.
    expect(await offerAsRead(listed.transport, key('CARRIER').apiKey)).toEqual({ status: 'WITHDRAWN', withdrawalReason: 'OTHER_LEG_LOST' });

    const RETIRE = 'mutation ($id: ID!, $reason: String) { vehicleRetire(input: { vehicleId: $id, reason: $reason }) { vehicle { status } } }';
    const UPDATE = 'mutation ($input: VehicleUpdateInput!) { vehicleUpdate(input: $input) { vehicle { status } } }';
    const changes = [
      { reason: 'VEHICLE_RETIRED', apiKey: key('CARRIER').apiKey, change: (truck: number) => ({ query: RETIRE, variables: { id: toGlobalId('Vehicle', truck) } }) },
      { reason: 'VEHICLE_RETIRED_BY_OPERATOR', apiKey: key('OPERATOR').apiKey, change: (truck: number) => ({ query: RETIRE, variables: { id: toGlobalId('Vehicle', truck), reason: 'failed its safety inspection' } }) },
      { reason: 'VEHICLE_CHANGED', apiKey: key('CARRIER').apiKey, change: (truck: number) => ({ query: UPDATE, variables: { input: { vehicleId: toGlobalId('Vehicle', truck), rateCard: { perKmKrw: 2_345 } } } }) },
    ];
    for (const { reason, apiKey, change } of changes) {
      const request = await shipment(shipperCtx());
      const truck = await vehicle(carrierCtx());
      const [offer] = await makeOffers(server.db, [{ round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: truck.id }]);
      const { query, variables } = change(truck.id);
      expect(await reasonsTold(key('CARRIER').apiKey, 1, () => gql(server.url, query, variables, { apiKey }))).toEqual({ [offerId(offer!)]: reason });
    }
  });
});

describe('shipmentUpdated of a request an offer withdrawn returned to the next round', () => {
  type Update = { shipmentUpdated: { status: string; reason: string | null } };
  /** What the shipper hears first of request `id`, once the server holds its subscription: `told()` after the change. */
  async function shipperHears(id: number) {
    const client = wsClient(server.wsUrl, { apiKey: key('MANUFACTURER').apiKey });
    const held = subscribedTo(server.pubsub, 'shipmentUpdated');
    const query = 'subscription ($id: ID) { shipmentUpdated(shipmentRequestId: $id) { status reason } }';
    const told = firstResults<Update>(client, { query, variables: { id: toGlobalId('ShipmentRequest', id) } }, 1);
    await held;
    return async () => {
      const [update] = await told;
      await client.dispose();
      return update!.data!.shipmentUpdated;
    };
  }

  it('says why: another shipper on a pooled route cancelled', async () => {
    const [a, b] = [await shipment(shipperCtx(), { pallets: 2, weightKg: 800 }), await shipment(shipperCtx(), { pallets: 2, weightKg: 800 })];
    const truck = await vehicle(carrierCtx());
    const load = await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId: truck.id, priceKrw: 900_000, startAt: new Date(Date.now() + 5 * HOUR), endAt: new Date(Date.now() + 9 * HOUR) }).returning().get();
    const share = (request: typeof a) => ({ round: r, routeId: load!.id, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: truck.id });
    await makeOffers(server.db, [share(a), share(b)]);
    const told = await shipperHears(b.id);
    expect((await cancel(a.id)).body.errors).toBeUndefined();
    expect(await told()).toEqual({ status: 'OPEN', reason: 'The pooled offer was withdrawn: another request on the route was cancelled' });
  });

  it('says why: the warehouse withdrew the listing, the carrier (or the operator) retired the truck, a supplier declined one offer of its set', async () => {
    const withdrawn = await transportAndStorage();
    let told = await shipperHears(withdrawn.request.id);
    const WITHDRAW = 'mutation ($id: ID!) { warehouseListingWithdraw(input: { listingId: $id }) { listing { status } } }';
    const listingId = (await server.db.select().from(offers).where(eq(offers.id, withdrawn.storage)).get())!.listingId!;
    expect((await gql(server.url, WITHDRAW, { id: toGlobalId('WarehouseListing', listingId) }, { apiKey: withdrawn.owner.apiKey })).body.errors).toBeUndefined();
    expect(await told()).toEqual({ status: 'OPEN', reason: 'The offer was withdrawn: the warehouse withdrew the listing it was planned with' });

    const request = await shipment(shipperCtx());
    const truck = await vehicle(carrierCtx());
    await makeOffers(server.db, [{ round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: truck.id }]);
    told = await shipperHears(request.id);
    const RETIRE = 'mutation ($id: ID!) { vehicleRetire(input: { vehicleId: $id }) { vehicle { status } } }';
    expect((await gql(server.url, RETIRE, { id: toGlobalId('Vehicle', truck.id) }, { apiKey: key('CARRIER').apiKey })).body.errors).toBeUndefined();
    expect(await told()).toEqual({ status: 'OPEN', reason: 'The offer was withdrawn: the carrier retired the truck it was planned with' });

    // Retired by the complex's operator: the shipper is not told its carrier did it.
    const another = await shipment(shipperCtx());
    const taken = await vehicle(carrierCtx());
    await makeOffers(server.db, [{ round: r, requestId: another.id, shipperOrgId: another.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: taken.id }]);
    told = await shipperHears(another.id);
    const RETIRE_AS_OPERATOR = 'mutation ($id: ID!) { vehicleRetire(input: { vehicleId: $id, reason: "failed its safety inspection" }) { vehicle { status } } }';
    expect((await gql(server.url, RETIRE_AS_OPERATOR, { id: toGlobalId('Vehicle', taken.id) }, { apiKey: key('OPERATOR').apiKey })).body.errors).toBeUndefined();
    expect(await told()).toEqual({ status: 'OPEN', reason: "The offer was withdrawn: the complex's operator retired the truck it was planned with" });

    const declined = await transportAndStorage();
    told = await shipperHears(declined.request.id);
    const DECLINE = 'mutation ($id: ID!) { offerDecline(input: { offerId: $id }) { offer { status } } }';
    expect((await gql(server.url, DECLINE, { id: offerId(declined.storage) }, { apiKey: declined.owner.apiKey })).body.errors).toBeUndefined();
    expect(await told()).toEqual({ status: 'OPEN', reason: 'A supplier declined an offer for it' });
  });
});
