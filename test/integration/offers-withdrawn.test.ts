import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offers, routes, webhookEvents } from '../../db/schema';
import { toGlobalId } from '../../src/global-id';
import { ctxAs, HOUR, listing, makeOffers, round, shipment, vehicle, type RoundRef } from '../helpers/bookings-fixtures';
import { firstResults, gql, publishedIds, subscribedTo, wsClient } from '../helpers/clients';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

// offerWithdrawn and offer.withdrawn: a supplier hears of each pending offer of its own withdrawn, not of those that
// expire (it knew when) nor of the one it accepted.
const SUBSCRIPTION = 'subscription { offerWithdrawn { id status requestId } }';
type Told = { offerWithdrawn: { id: string; status: string; requestId: string } };

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
    expect((await carrier.next()).data!.offerWithdrawn).toEqual({ id: offerId(transport), status: 'WITHDRAWN', requestId: toGlobalId('ShipmentRequest', request.id) });
    await carrier.dispose();
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
    expect((await carrier.next()).data!.offerWithdrawn).toMatchObject({ id: offerId(rival!), status: 'WITHDRAWN' });
    await carrier.dispose();
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
    expect((await warehouse.next()).data!.offerWithdrawn).toMatchObject({ id: offerId(storage), status: 'WITHDRAWN' });
    await warehouse.dispose();
    expect(published.ids).toContain(storage);
    expect(published.ids).not.toContain(transport);
    published.stop();
  });

  it('tells of each share of a pooled route withdrawn with its load, as offerReceived tells of each', async () => {
    const [a, b] = [await shipment(shipperCtx(), { pallets: 2, weightKg: 800 }), await shipment(shipperCtx(), { pallets: 2, weightKg: 800 })];
    const truck = await vehicle(carrierCtx());
    const load = await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId: truck.id, priceKrw: 900_000, startAt: new Date(Date.now() + 5 * HOUR), endAt: new Date(Date.now() + 9 * HOUR) }).returning().get();
    const share = (request: typeof a) => ({ round: r, routeId: load!.id, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: truck.id });
    const shares = await makeOffers(server.db, [share(a), share(b)]);
    const published = withdrawnOffers();
    const carrier = await listen(key('CARRIER').apiKey, 2);
    // One shipper cancels: the load's price split depended on both shares, so both go.
    expect((await cancel(a.id)).body.errors).toBeUndefined();
    expect((await carrier.all()).map((o) => o.id).sort()).toEqual(shares.map(offerId).sort());
    await carrier.dispose();
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
    expect(payload).toMatchObject({ type: 'offer.withdrawn', data: { id: offerId(offer!), status: 'WITHDRAWN', vehicleId: toGlobalId('Vehicle', truck.id), requestId: toGlobalId('ShipmentRequest', request.id) } });
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
