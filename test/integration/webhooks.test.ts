import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, inArray, isNull } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIALECT } from '../../db/dialect';
import { offers, vehicles, warehouseListings, webhookDeliveries, webhookEvents } from '../../db/schema';
import { parseEnv } from '../../src/env';
import { toGlobalId } from '../../src/global-id';
import { recordWebhookEvent } from '../../src/webhooks/record-event';
import { LEASE_MARGIN_MS, PER_ENDPOINT, runWebhookWorker } from '../../src/webhooks/worker';
import { acceptOffer } from '../../src/bookings/accept-offer';
import { giveBackBooking } from '../../src/bookings/give-back-booking';
import { runMatchingRound } from '../../src/matching/run-round';
import { updateListing } from '../../src/supply/listings/update-listing';
import { ctxAs, listing, makeOffers, round, shipment, shipmentRequestVariables, vehicle } from '../helpers/bookings-fixtures';
import { gql, subscribedTo, wsClient } from '../helpers/clients';
import { spawnService } from '../helpers/process';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { freshDatabase } from '../pg/helpers/database';

const CREATE = /* GraphQL */ `
  mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret endpoint { id url eventTypes status } } }
`;
const UPDATE = 'mutation ($input: WebhookEndpointUpdateInput!) { webhookEndpointUpdate(input: $input) { endpoint { id status } } }';
const DELETE = 'mutation ($input: WebhookEndpointDeleteInput!) { webhookEndpointDelete(input: $input) { deletedId } }';
const REDELIVER = 'mutation ($input: WebhookRedeliverInput!) { webhookRedeliver(input: $input) { delivery { id status } } }';
const DELIVERIES = /* GraphQL */ `
  query ($endpointId: ID) {
    webhookDeliveries(endpointId: $endpointId) {
      totalCount
      edges { node { id eventId eventType status attemptCount lastResponseStatus attempts { responseStatus succeeded error } } }
    }
  }
`;
const ACCEPT = 'mutation ($input: OfferAcceptInput!) { offerAccept(input: $input) { offer { status } } }';

type Role = 'MANUFACTURER' | 'CARRIER' | 'WAREHOUSE_OWNER' | 'OPERATOR' | 'ADMIN';
interface Created {
  webhookEndpointCreate: { secret: string; endpoint: { id: string; url: string; eventTypes: string[]; status: string } };
}
interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  lastResponseStatus: number | null;
  attempts: { responseStatus: number | null; succeeded: boolean; error: string | null }[];
}

interface Payload {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Verifies a delivery with the reference package, as a receiver would, and returns its payload. */
function verified(secret: string, delivery: { headers: Record<string, unknown>; body: string }): Payload {
  return new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>) as Payload;
}

async function register(url: string, apiKey: string, eventTypes: string[], endpointUrl: string) {
  const { body } = await gql<Created>(url, CREATE, { input: { url: endpointUrl, eventTypes } }, { apiKey });
  expect(body.errors).toBeUndefined();
  return body.data!.webhookEndpointCreate;
}

async function deliveries(url: string, apiKey: string, endpointId?: string): Promise<Delivery[]> {
  const { body } = await gql<{ webhookDeliveries: { edges: { node: Delivery }[] } }>(url, DELIVERIES, { endpointId }, { apiKey });
  expect(body.errors).toBeUndefined();
  return body.data!.webhookDeliveries.edges.map((e) => e.node);
}

/** Waits until the worker fanned out every event and settled every attempt (at most 10 s). */
async function settled(server: TestServer): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const unfanned = await server.db.select({ id: webhookEvents.id }).from(webhookEvents).where(isNull(webhookEvents.fannedOutAt)).all();
    const open = await server.db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(inArray(webhookDeliveries.status, ['PENDING', 'SENDING'])).all();
    if (unfanned.length === 0 && open.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('webhook worker did not settle');
}

const FAST = { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', WEBHOOK_WORKER_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_RETRY_CAP_MS: '200' };

describe('webhooks', () => {
  let server: TestServer;
  let tmp: ReturnType<typeof tempDir>;
  const receivers: Receiver[] = [];
  const key = (role: Role, complex = 'BANWOL_SIHWA') => server.keyOf(role, complex);
  const receiver = async (respond?: (n: number) => number) => {
    const r = await startReceiver({ respond });
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    tmp = tempDir();
    server = await startTestServer({ dbPath: join(tmp.dir, 'webhooks.db'), env: { ...FAST, POD_STORAGE_DIR: join(tmp.dir, 'pod') } });
  });
  afterAll(async () => {
    await server.stop();
    await Promise.all(receivers.map((r) => r.close()));
    tmp.remove();
  });

  it("signs each delivery so that the standardwebhooks package verifies it, with the event's id, type, time and feed fields", async () => {
    const inbox = await receiver();
    // Before any endpoint asks for it, a change writes no outbox row: an endpoint receives events from its registration on.
    const outbox = async () => (await server.db.select({ id: webhookEvents.id }).from(webhookEvents).all()).length;
    await shipment(ctxAs(server.db, key('MANUFACTURER')));
    expect(await outbox()).toBe(0);
    const { secret, endpoint } = await register(server.url, key('OPERATOR').apiKey, ['COMPLEX_ACTIVITY'], inbox.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint).toMatchObject({ url: inbox.url, eventTypes: ['COMPLEX_ACTIVITY'], status: 'ACTIVE' });

    await shipment(ctxAs(server.db, key('MANUFACTURER')));
    expect(await outbox()).toBe(1);
    const [delivery] = await inbox.waitFor(1);
    const payload = verified(secret, delivery!);
    expect(payload).toEqual({ id: delivery!.headers['webhook-id'], type: 'complex.activity', timestamp: expect.any(String), data: expect.any(Object) });
    expect(payload.id).toMatch(/^msg_/);
    expect(Object.keys(payload.data).sort()).toEqual(['at', 'complexCode', 'id', 'kind', 'reason', 'summary', 'summaryKo']);
    expect(payload.data.reason).toBeNull();
    expect(payload.data).toMatchObject({ complexCode: 'BANWOL_SIHWA', kind: 'REQUEST_POSTED' });
    // The line's id, as the complex's recent activity (and its live feed) names the event.
    const recent = await gql<{ complex: { recentActivity: { id: string }[] } }>(server.url, '{ complex(code: "BANWOL_SIHWA") { recentActivity(first: 1) { id } } }', {}, { apiKey: key('OPERATOR').apiKey });
    expect(payload.data.id).toBe(recent.body.data!.complex.recentActivity[0]!.id);
    expect(() => verified(`whsec_${randomBytes(32).toString('base64')}`, delivery!)).toThrow('No matching signature found');

    await settled(server);
    const [listed] = await deliveries(server.url, key('OPERATOR').apiKey, endpoint.id);
    expect(listed).toMatchObject({ eventId: payload.id, eventType: 'COMPLEX_ACTIVITY', status: 'DELIVERED', attemptCount: 1, lastResponseStatus: 204 });
    expect(listed!.attempts).toEqual([{ responseStatus: 204, succeeded: true, error: null }]);

    // Sent again on request, with the same id for the receiver to drop the repeat, and a fresh signature.
    const again = await gql(server.url, REDELIVER, { input: { deliveryId: listed!.id } }, { apiKey: key('OPERATOR').apiKey });
    expect(again.body.errors).toBeUndefined();
    const [, repeat] = await inbox.waitFor(2);
    expect(verified(secret, repeat!).id).toBe(payload.id);
    // Another organisation, of the complex or not, finds no such delivery: it can neither read nor resend it.
    const missing = toGlobalId('WebhookDelivery', 2 ** 31 - 1);
    for (const apiKey of [key('MANUFACTURER').apiKey, key('OPERATOR', 'CHANGWON').apiKey]) {
      const resend = async (deliveryId: string) => (await gql(server.url, REDELIVER, { input: { deliveryId } }, { apiKey })).body.errors?.[0];
      expect(await resend(listed!.id)).toMatchObject({ message: 'Webhook delivery not found', extensions: { code: 'NOT_FOUND' } });
      expect((await resend(listed!.id))?.message).toBe((await resend(missing))?.message);
      const node = await gql<{ node: unknown }>(server.url, 'query ($id: ID!) { node(id: $id) { id } }', { id: listed!.id }, { apiKey });
      expect(node.body.data).toEqual({ node: null });
    }
    await settled(server);
    expect(inbox.received).toHaveLength(2);
    await gql(server.url, DELETE, { input: { id: endpoint.id } }, { apiKey: key('OPERATOR').apiKey });
  });

  it("sends a booking only to the shipper's endpoints: another tenant's never receives it", async () => {
    const [own, otherShipper, otherOperator, operator] = [await receiver(), await receiver(), await receiver(), await receiver()];
    const mine = await register(server.url, key('MANUFACTURER').apiKey, ['SHIPMENT_UPDATED'], own.url);
    const operators = await register(server.url, key('OPERATOR').apiKey, ['COMPLEX_ACTIVITY'], operator.url);
    await register(server.url, key('MANUFACTURER', 'CHANGWON').apiKey, ['SHIPMENT_UPDATED'], otherShipper.url);
    await register(server.url, key('OPERATOR', 'CHANGWON').apiKey, ['COMPLEX_ACTIVITY'], otherOperator.url);

    const request = await shipment(ctxAs(server.db, key('MANUFACTURER')));
    const truck = await vehicle(ctxAs(server.db, key('CARRIER')));
    const [offerId] = await makeOffers(server.db, [{ round: await round(server.db), requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: truck.id }]);
    const accepted = await gql(server.url, ACCEPT, { input: { offerId: toGlobalId('Offer', offerId!), idempotencyKey: randomUUID() } }, { apiKey: key('CARRIER').apiKey });
    expect(accepted.body.errors).toBeUndefined();

    const [booked] = await own.waitFor(1);
    expect(verified(mine.secret, booked!)).toMatchObject({
      type: 'shipment.updated',
      data: { shipmentRequestId: toGlobalId('ShipmentRequest', request.id), status: 'BOOKED', trackingEvent: null, reason: null },
    });
    await settled(server);
    expect(otherShipper.received).toEqual([]);
    expect(otherOperator.received).toEqual([]);
    // The complex's own operator sees the posting, the new vehicle and the booking, as its feed does (sent
    // concurrently, so they may arrive in any order).
    expect(operator.received.map((d) => verified(operators.secret, d).data.kind).sort()).toEqual(['BOOKING_CONFIRMED', 'REQUEST_POSTED', 'VEHICLE_REGISTERED']);
    await gql(server.url, DELETE, { input: { id: operators.endpoint.id } }, { apiKey: key('OPERATOR').apiKey });
  });

  it('tells the carrier, and only it, that the shipper cancelled its booked load (booking.ended), as bookingEnded gives it', async () => {
    const [carrierInbox, otherCarrier] = [await receiver(), await receiver()];
    const carriers = await register(server.url, key('CARRIER').apiKey, ['BOOKING_ENDED'], carrierInbox.url);
    await register(server.url, key('CARRIER', 'CHANGWON').apiKey, ['BOOKING_ENDED'], otherCarrier.url);
    const request = await shipment(ctxAs(server.db, key('MANUFACTURER')));
    const truck = await vehicle(ctxAs(server.db, key('CARRIER')));
    const [offerId] = await makeOffers(server.db, [{ round: await round(server.db), requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: key('CARRIER').organisationId, vehicleId: truck.id }]);
    const accepted = await gql(server.url, ACCEPT, { input: { offerId: toGlobalId('Offer', offerId!), idempotencyKey: randomUUID() } }, { apiKey: key('CARRIER').apiKey });
    expect(accepted.body.errors).toBeUndefined();

    const CANCEL = 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "order withdrawn" }) { shipmentRequest { status } } }';
    expect((await gql(server.url, CANCEL, { id: toGlobalId('ShipmentRequest', request.id) }, { apiKey: key('MANUFACTURER').apiKey })).body.errors).toBeUndefined();
    const [ended] = await carrierInbox.waitFor(1);
    const payload = verified(carriers.secret, ended!);
    expect(payload).toMatchObject({
      type: 'booking.ended',
      data: { kind: 'TRANSPORT', status: 'CANCELLED', endReason: 'order withdrawn', shipmentRequestId: toGlobalId('ShipmentRequest', request.id), vehicleId: toGlobalId('Vehicle', truck.id), endedAt: expect.any(String) },
    });
    // The fields the subscription's Booking gives (its nested shipment, route and tracking are queries of their own).
    const BOOKING = 'query ($id: ID!) { node(id: $id) { ... on Booking { id kind status offerId shipmentRequestId vehicleId listingId routeId centreLeg priceKrw weightKg pallets pickupAt deliverAt storageFromDay storageToDay bookedAt endedAt endReason } } }';
    const read = await gql<{ node: Record<string, unknown> }>(server.url, BOOKING, { id: payload.data.id }, { apiKey: key('CARRIER').apiKey });
    expect(payload.data).toEqual(read.body.data!.node);
    await settled(server);
    expect(otherCarrier.received).toEqual([]);
  });

  it("sends a round's offers to the carrier they were made to, with the offer's fields", async () => {
    const [carrier, otherCarrier] = [await receiver(), await receiver()];
    const { secret } = await register(server.url, key('CARRIER').apiKey, ['OFFER_RECEIVED'], carrier.url);
    await register(server.url, key('CARRIER', 'CHANGWON').apiKey, ['OFFER_RECEIVED'], otherCarrier.url);
    await vehicle(ctxAs(server.db, key('CARRIER')));
    await shipment(ctxAs(server.db, key('MANUFACTURER')));
    const run = await gql<{ matchingRunStart: { round: { id: string } } }>(
      server.url,
      'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id } } }',
      {},
      { apiKey: key('OPERATOR').apiKey },
    );
    expect(run.body.errors).toBeUndefined();
    await settled(server);
    const roundId = run.body.data!.matchingRunStart.round.id;
    const mineOffers = (await server.db.select().from(offers).all()).filter((o) => o.supplierOrgId === key('CARRIER').organisationId && toGlobalId('MatchingRound', o.roundId) === roundId);
    expect(mineOffers.length).toBeGreaterThan(0);
    const payloads = carrier.received.map((d) => verified(secret, d));
    expect(payloads.map((p) => p.data.id).sort()).toEqual(mineOffers.map((o) => toGlobalId('Offer', o.id)).sort());
    expect(payloads[0]).toMatchObject({ type: 'offer.received', data: { status: 'PENDING', roundId } });
    expect(payloads[0]!.data).not.toHaveProperty('shipperOrgId');
    // The money as the Offer gives it: the whole breakdown (extra stops and waiting too), adding up to the price.
    for (const payload of payloads) {
      const o = mineOffers.find((offer) => toGlobalId('Offer', offer.id) === payload.data.id)!;
      expect(payload.data).toMatchObject({
        priceKrw: o.priceKrw,
        standaloneKrw: o.standaloneKrw,
        centreLeg: o.centreLeg,
        breakdown: { baseKrw: o.baseKrw, distanceKrw: o.distanceKrw, storageKrw: o.storageKrw, handlingKrw: o.handlingKrw, stopsKrw: o.stopsKrw, waitingKrw: o.waitingKrw },
      });
      expect(Object.values(payload.data.breakdown as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(o.priceKrw);
    }
    expect(otherCarrier.received).toEqual([]);
  });

  it('retries a receiver that fails until it recovers, and records every attempt', async () => {
    const flaky = await receiver((n) => (n <= 2 ? 500 : 200));
    const { secret, endpoint } = await register(server.url, key('OPERATOR').apiKey, ['COMPLEX_ACTIVITY'], flaky.url);
    await shipment(ctxAs(server.db, key('MANUFACTURER')));
    const attempts = await flaky.waitFor(3);
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    expect(verified(secret, attempts[2]!).type).toBe('complex.activity');
    await settled(server);
    const [listed] = await deliveries(server.url, key('OPERATOR').apiKey, endpoint.id);
    expect(listed).toMatchObject({ status: 'DELIVERED', attemptCount: 3, lastResponseStatus: 200 });
    expect(listed!.attempts.map((a) => [a.responseStatus, a.succeeded])).toEqual([[500, false], [500, false], [200, true]]);
    const metrics = await server.app.metrics.metrics();
    expect(Number(/sandan_webhook_attempt_duration_seconds_count\{outcome="RETRYING"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    await gql(server.url, DELETE, { input: { id: endpoint.id } }, { apiKey: key('OPERATOR').apiKey });
  });

  it("reads the clock once per change: a payload's timestamp is the instant its data's `at` gives", async () => {
    const [shipper, operator] = [await receiver(), await receiver()];
    const shippers = await register(server.url, key('MANUFACTURER').apiKey, ['SHIPMENT_UPDATED'], shipper.url);
    const operators = await register(server.url, key('OPERATOR').apiKey, ['COMPLEX_ACTIVITY'], operator.url);
    // A clock a millisecond on at each reading: an event whose time were read twice would carry two instants.
    let clock = Date.now();
    const as = (role: Role) => ({ ...ctxAs(server.db, key(role)), now: () => new Date(clock++) });
    const carrier = key('CARRIER').organisationId;
    // Booked, then given back (BOOKING_CONFIRMED, BOOKED; BOOKING_RETURNED, OPEN).
    const booked = await shipment(as('MANUFACTURER'));
    const truck = await vehicle(as('CARRIER'));
    const [offerId] = await makeOffers(server.db, [{ round: await round(server.db), requestId: booked.id, shipperOrgId: booked.shipperOrgId, supplierOrgId: carrier, vehicleId: truck.id }]);
    const { bookings: [booking] } = await acceptOffer({ ctx: as('CARRIER'), input: { offerId: offerId!, idempotencyKey: randomUUID() } });
    await giveBackBooking({ ctx: as('CARRIER'), input: { bookingId: booking!.id, reason: 'truck broke down', idempotencyKey: randomUUID() } });
    // A stay offered, withdrawn by its listing's hours narrowing (OPEN again).
    const stored = await shipment(as('MANUFACTURER'));
    const warehouse = await listing(as('WAREHOUSE_OWNER'));
    await makeOffers(server.db, [{ round: await round(server.db), requestId: stored.id, shipperOrgId: stored.shipperOrgId, supplierOrgId: key('WAREHOUSE_OWNER').organisationId, listingId: warehouse.id }]);
    await updateListing({ ctx: as('WAREHOUSE_OWNER'), input: { listingId: warehouse.id, opensAt: '09:00' } });
    // A round (MATCHING_ROUND_COMPLETED, OFFERED).
    await runMatchingRound({ ctx: as('OPERATOR'), input: { complexCode: 'BANWOL_SIHWA' } });
    await settled(server);

    const payloads = [...shipper.received, ...operator.received].map((d) => JSON.parse(d.body) as Payload);
    const timed = (type: string, what: (p: Payload) => unknown) => payloads.filter((p) => p.type === type).map(what).sort();
    expect(timed('shipment.updated', (p) => p.data.status)).toEqual(expect.arrayContaining(['BOOKED', 'OFFERED', 'OPEN', 'OPEN']));
    expect(timed('complex.activity', (p) => p.data.kind)).toEqual(expect.arrayContaining(['BOOKING_CONFIRMED', 'BOOKING_RETURNED', 'LISTING_PUBLISHED', 'MATCHING_ROUND_COMPLETED', 'VEHICLE_REGISTERED']));
    expect(payloads.filter((p) => p.data.at !== p.timestamp).map((p) => `${p.type} ${String(p.data.kind ?? p.data.status)}: ${p.timestamp}, at ${String(p.data.at)}`)).toEqual([]);
    // The supply it tells of was created at that instant: recent activity tells it again at the row's createdAt.
    const toldAt = (kind: string) => payloads.find((p) => p.data.kind === kind && p.data.id === toGlobalId('ComplexActivity', `${kind}:${kind === 'VEHICLE_REGISTERED' ? truck.id : warehouse.id}`))?.data.at;
    const truckRow = (await server.db.select().from(vehicles).where(eq(vehicles.id, truck.id)).get())!;
    const warehouseRow = (await server.db.select().from(warehouseListings).where(eq(warehouseListings.id, warehouse.id)).get())!;
    expect({ registered: toldAt('VEHICLE_REGISTERED'), located: toldAt('VEHICLE_REGISTERED'), published: toldAt('LISTING_PUBLISHED') }).toEqual({
      registered: truckRow.createdAt.toISOString(),
      located: truckRow.locationUpdatedAt.toISOString(),
      published: warehouseRow.createdAt.toISOString(),
    });
    await gql(server.url, DELETE, { input: { id: shippers.endpoint.id } }, { apiKey: key('MANUFACTURER').apiKey });
    await gql(server.url, DELETE, { input: { id: operators.endpoint.id } }, { apiKey: key('OPERATOR').apiKey });
  });

  it("tells a vehicle's retirement with the reason given, live, in complex.activity and in recent activity alike", async () => {
    const inbox = await receiver();
    const { endpoint } = await register(server.url, key('OPERATOR').apiKey, ['COMPLEX_ACTIVITY'], inbox.url);
    const RETIRE = 'mutation ($input: VehicleRetireInput!) { vehicleRetire(input: $input) { vehicle { retiredReason } } }';
    const LINE = 'id kind summary reason';
    type Line = { id: string; kind: string; summary: string; reason: string | null };
    const [explained, plain] = [await vehicle(ctxAs(server.db, key('CARRIER'))), await vehicle(ctxAs(server.db, key('CARRIER')))];
    const lines: Line[] = [];
    const client = wsClient(server.wsUrl, { apiKey: key('OPERATOR').apiKey });
    try {
      const live = subscribedTo(server.pubsub, 'complexActivity');
      const unsubscribe = client.subscribe<{ complexActivity: Line }>(
        { query: `subscription { complexActivity(code: "BANWOL_SIHWA") { ${LINE} } }` },
        { next: (value) => value.data && lines.push(value.data.complexActivity), error: () => {}, complete: () => {} },
      );
      await live;
      for (const [truck, reason] of [[explained, 'engine failed its inspection'], [plain, undefined]] as const) {
        const res = await gql(server.url, RETIRE, { input: { vehicleId: toGlobalId('Vehicle', truck.id), reason } }, { apiKey: key('CARRIER').apiKey });
        expect(res.body.errors).toBeUndefined();
      }
      await vi.waitFor(() => expect(lines.filter((l) => l.kind === 'VEHICLE_RETIRED')).toHaveLength(2));
      unsubscribe();
    } finally {
      await client.dispose();
    }
    const told = lines.filter((l) => l.kind === 'VEHICLE_RETIRED');
    expect(told.map((l) => l.reason)).toEqual(['engine failed its inspection', null]);
    // The operator's ERP reads the same line, its reason with it.
    // Deliveries are sent side by side: compared by the line's id, not by arrival.
    const byId = (lines: Line[]) => [...lines].sort((a, b) => a.id.localeCompare(b.id));
    await settled(server);
    const data = inbox.received.map((d) => (JSON.parse(d.body) as Payload).data).filter((d) => d.kind === 'VEHICLE_RETIRED');
    expect(byId(data.map(({ id, kind, summary, reason }) => ({ id, kind, summary, reason }) as Line))).toEqual(byId(told));
    // Told again, the line keeps its reason.
    const recent = await gql<{ complex: { recentActivity: Line[] } }>(server.url, `{ complex(code: "BANWOL_SIHWA") { recentActivity(first: 100) { ${LINE} } } }`, {}, { apiKey: key('OPERATOR').apiKey });
    expect(byId(recent.body.data!.complex.recentActivity.filter((l) => told.some((t) => t.id === l.id)))).toEqual(byId(told));
    await gql(server.url, DELETE, { input: { id: endpoint.id } }, { apiKey: key('OPERATOR').apiKey });
  });

  it('registers one endpoint for a create retried with its idempotency key, and answers the retry with it and its secret', async () => {
    const operator = key('OPERATOR').apiKey;
    const endpoints = async () => (await gql<{ webhookEndpoints: { id: string }[] }>(server.url, '{ webhookEndpoints { id } }', {}, { apiKey: operator })).body.data!.webhookEndpoints.map((e) => e.id);
    const before = await endpoints();
    const input = { url: 'https://erp.example.com/retried', eventTypes: ['COMPLEX_ACTIVITY'], description: 'ERP', idempotencyKey: randomUUID() };
    const first = await gql<Created>(server.url, CREATE, { input }, { apiKey: operator });
    expect(first.body.errors).toBeUndefined();
    // The client timed out before the answer and sends the same again.
    const retry = await gql<Created>(server.url, CREATE, { input }, { apiKey: operator });
    expect(retry.body).toEqual(first.body);
    expect(await endpoints()).toEqual([...before, first.body.data!.webhookEndpointCreate.endpoint.id]);
    // The same key with another input is refused; nothing is registered.
    const other = await gql(server.url, CREATE, { input: { ...input, url: 'https://erp.example.com/other' } }, { apiKey: operator });
    expect(other.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: `input.idempotencyKey: ${input.idempotencyKey} was already used for webhookEndpointCreate with other input; send a new key for a new request` });
    // So is the same key sent with another mutation.
    const posted = await gql(server.url, 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', { input: shipmentRequestVariables({ idempotencyKey: input.idempotencyKey }) }, { apiKey: key('MANUFACTURER').apiKey });
    expect(posted.body.errors).toBeUndefined();
    const reused = await gql(server.url, CREATE, { input: { ...input, eventTypes: ['SHIPMENT_UPDATED'] } }, { apiKey: key('MANUFACTURER').apiKey });
    expect(reused.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: `input.idempotencyKey: ${input.idempotencyKey} was already used for shipmentRequestCreate; send a new key for a new request` });
    // Another organisation's key of the same text is its own.
    const elsewhere = await gql<Created>(server.url, CREATE, { input }, { apiKey: key('OPERATOR', 'CHANGWON').apiKey });
    expect(elsewhere.body.data!.webhookEndpointCreate.endpoint.id).not.toBe(first.body.data!.webhookEndpointCreate.endpoint.id);
    expect(await endpoints()).toHaveLength(before.length + 1);
    await gql(server.url, DELETE, { input: { id: first.body.data!.webhookEndpointCreate.endpoint.id } }, { apiKey: operator });
    await gql(server.url, DELETE, { input: { id: elsewhere.body.data!.webhookEndpointCreate.endpoint.id } }, { apiKey: key('OPERATOR', 'CHANGWON').apiKey });
    // Sent again once its endpoint is deleted (README's example pasted twice), the key names itself, not a missing endpoint.
    const again = await gql(server.url, CREATE, { input }, { apiKey: operator });
    expect(again.body.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: `input.idempotencyKey: ${input.idempotencyKey} registered an endpoint that has since been deleted; send a new key to register another`,
    });
    expect(await endpoints()).toEqual(before);
  });

  it('takes a retry listing the event types in another order as the same registration', async () => {
    const carrier = key('CARRIER').apiKey;
    const input = { url: 'https://tms.example.com/retried', eventTypes: ['OFFER_RECEIVED', 'BOOKING_ENDED'], idempotencyKey: randomUUID() };
    const first = await gql<Created>(server.url, CREATE, { input }, { apiKey: carrier });
    expect(first.body.errors).toBeUndefined();
    const retry = await gql<Created>(server.url, CREATE, { input: { ...input, eventTypes: ['BOOKING_ENDED', 'OFFER_RECEIVED', 'BOOKING_ENDED'] } }, { apiKey: carrier });
    expect(retry.body).toEqual(first.body);
    await gql(server.url, DELETE, { input: { id: first.body.data!.webhookEndpointCreate.endpoint.id } }, { apiKey: carrier });
  });

  it('refuses URLs and event types outside the rules, and endpoints of other organisations, naming the field', async () => {
    const refused = async (apiKey: string, input: Record<string, unknown>) => {
      const { body } = await gql(server.url, CREATE, { input }, { apiKey });
      return body.errors?.[0];
    };
    const operator = key('OPERATOR').apiKey;
    expect(await refused(operator, { url: 'http://example.com/hooks', eventTypes: ['COMPLEX_ACTIVITY'] })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('input.url') });
    expect(await refused(operator, { url: 'https://user:pw@example.com/', eventTypes: ['COMPLEX_ACTIVITY'] })).toMatchObject({ message: expect.stringContaining('credentials') });
    // A line break or tab inside is dropped by URL parsing: listed as typed, delivered elsewhere. Refused instead.
    for (const url of ['https://example.com/hooks\nHost: other', 'https://example.com/ho\toks']) {
      expect(await refused(operator, { url, eventTypes: ['COMPLEX_ACTIVITY'] })).toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
        message: 'input.url: must not contain control characters (NUL, tabs, line breaks, escape codes)',
      });
    }
    expect(await refused(operator, { url: 'https://example.com/', eventTypes: ['OFFER_RECEIVED'] })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: 'input.eventTypes: OFFER_RECEIVED is not sent to OPERATOR organisations, which receive COMPLEX_ACTIVITY',
    });
    expect(await refused(key('ADMIN').apiKey, { url: 'https://example.com/', eventTypes: ['COMPLEX_ACTIVITY'] })).toMatchObject({ extensions: { code: 'FORBIDDEN' } });

    const { endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], 'https://example.com/hooks');
    // A blank description is none, at creation and to clear one, as a request's notes.
    const described = 'mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { endpoint { id description } } }';
    const blank = await gql<{ webhookEndpointCreate: { endpoint: { id: string; description: string | null } } }>(server.url, described, { input: { url: 'https://example.com/b', eventTypes: ['COMPLEX_ACTIVITY'], description: '   ' } }, { apiKey: operator });
    const blankId = blank.body.data!.webhookEndpointCreate.endpoint.id;
    expect(blank.body.data!.webhookEndpointCreate.endpoint.description).toBeNull();
    const noted = 'mutation ($input: WebhookEndpointUpdateInput!) { webhookEndpointUpdate(input: $input) { endpoint { description } } }';
    expect((await gql(server.url, noted, { input: { id: blankId, description: 'ERP' } }, { apiKey: operator })).body.data).toEqual({ webhookEndpointUpdate: { endpoint: { description: 'ERP' } } });
    expect((await gql(server.url, noted, { input: { id: blankId, enabled: true } }, { apiKey: operator })).body.data).toEqual({ webhookEndpointUpdate: { endpoint: { description: 'ERP' } } });
    expect((await gql(server.url, noted, { input: { id: blankId, description: '' } }, { apiKey: operator })).body.data).toEqual({ webhookEndpointUpdate: { endpoint: { description: null } } });
    await gql(server.url, DELETE, { input: { id: blankId } }, { apiKey: operator });
    const other = key('OPERATOR', 'CHANGWON').apiKey;
    const retyped = await gql(server.url, UPDATE, { input: { id: endpoint.id, url: 'https://example.com/hooks\r\n' + 'x' } }, { apiKey: operator });
    expect(retyped.body.errors?.[0]?.message).toBe('input.url: must not contain control characters (NUL, tabs, line breaks, escape codes)');
    const update = await gql(server.url, UPDATE, { input: { id: endpoint.id, enabled: false } }, { apiKey: other });
    expect(update.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const remove = await gql(server.url, DELETE, { input: { id: endpoint.id } }, { apiKey: other });
    expect(remove.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await deliveries(server.url, other, endpoint.id)).toEqual([]);
    const node = (apiKey: string) => gql<{ node: { url: string } | null }>(server.url, 'query ($id: ID!) { node(id: $id) { ... on WebhookEndpoint { url } } }', { id: endpoint.id }, { apiKey });
    expect((await node(operator)).body.data!.node).toEqual({ url: 'https://example.com/hooks' });
    expect((await node(other)).body.data!.node).toBeNull();
    await gql(server.url, DELETE, { input: { id: endpoint.id } }, { apiKey: operator });
  });

  it('keeps a URL with its #fragment as written and never sends the fragment; takes a URL of up to 2,000 characters', async () => {
    const operator = key('OPERATOR').apiKey;
    const inbox = await receiver();
    const url = `${inbox.url}?tenant=7#erp`;
    const { endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], url);
    expect(endpoint.url).toBe(url);
    await shipment(ctxAs(server.db, key('MANUFACTURER')));
    const [delivery] = await inbox.waitFor(1);
    // An HTTP request carries the path and query: the fragment is the client's, never on the wire.
    expect(delivery!.url).toBe('/hooks?tenant=7');
    await settled(server);
    await gql(server.url, DELETE, { input: { id: endpoint.id } }, { apiKey: operator });

    const longest = `https://example.com/${'a'.repeat(2000 - 'https://example.com/'.length)}`;
    const { endpoint: long } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], longest);
    expect(long.url).toHaveLength(2000);
    await gql(server.url, DELETE, { input: { id: long.id } }, { apiKey: operator });
    const { body } = await gql(server.url, CREATE, { input: { url: `${longest}a`, eventTypes: ['COMPLEX_ACTIVITY'] } }, { apiKey: operator });
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/^input\.url: .*2000/) });
  });

  it('refuses a URL that a parser reads with another host than it shows (a backslash, slashes left out or added), naming input.url', async () => {
    const operator = key('OPERATOR').apiKey;
    const endpoints = async () => (await gql<{ webhookEndpoints: unknown[] }>(server.url, '{ webhookEndpoints { id } }', {}, { apiKey: operator })).body.data!.webhookEndpoints.length;
    const before = await endpoints();
    const rule = 'must be written scheme://host/path without backslashes, as it is read: a parser takes https://a\\@b/ for host a and https:///b for host b';
    // The first, listed as if for erp.example.com, would be delivered to hooks.example.com; the others name their host only
    // by rules of URL parsing a reader does not know (https:///b goes to host b).
    for (const url of ['https://hooks.example.com\\@erp.example.com/in', 'https:\\\\erp.example.com/in', 'https:///erp.example.com/in', 'https:erp.example.com/in']) {
      const { body } = await gql(server.url, CREATE, { input: { url, eventTypes: ['COMPLEX_ACTIVITY'] } }, { apiKey: operator });
      expect(body.errors?.[0]).toMatchObject({ message: `input.url: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'input.url', rule }] } });
    }
    expect(await endpoints()).toBe(before);
    const { endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], 'https://erp.example.com/in');
    const moved = await gql(server.url, UPDATE, { input: { id: endpoint.id, url: 'https://hooks.example.com\\@erp.example.com/in' } }, { apiKey: operator });
    expect(moved.body.errors?.[0]?.message).toBe(`input.url: ${rule}`);
    await gql(server.url, DELETE, { input: { id: endpoint.id } }, { apiKey: operator });
  });

  it('refuses a port nothing can be delivered to (0, past 65535) and credentials however written, naming input.url and the rule', async () => {
    const operator = key('OPERATOR').apiKey;
    const endpoints = async () => (await gql<{ webhookEndpoints: unknown[] }>(server.url, '{ webhookEndpoints { id } }', {}, { apiKey: operator })).body.data!.webhookEndpoints.length;
    const before = await endpoints();
    const port = 'must have a port from 1 to 65535, if it names one';
    const credentials = 'must not carry credentials (user:password@): they would show in logs and in every list of endpoints';
    for (const [url, rule] of [
      ['https://example.com:0/x', port],
      ['https://example.com:00/x', port],
      ['https://example.com:65536/x', port],
      ['https://[2001:db8::1]:99999/x', port],
      ['https://user:pw@example.com/x', credentials],
      ['https://user@example.com/x', credentials],
      ['https://:@example.com/x', credentials],
      ['https://@example.com/x', credentials],
    ]) {
      const { body } = await gql(server.url, CREATE, { input: { url, eventTypes: ['COMPLEX_ACTIVITY'] } }, { apiKey: operator });
      expect(body.errors?.[0], url).toMatchObject({ message: `input.url: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'input.url', rule }] } });
    }
    expect(await endpoints()).toBe(before);
    // The ends of the range are ports like any other.
    for (const url of ['https://example.com:1/x', 'https://example.com:65535/x', 'https://example.com:8443/x']) {
      const { endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], url);
      expect(endpoint.url).toBe(url);
      if (url.endsWith(':1/x')) {
        const moved = await gql(server.url, UPDATE, { input: { id: endpoint.id, url: 'https://example.com:0/x' } }, { apiKey: operator });
        expect(moved.body.errors?.[0]?.message).toBe(`input.url: ${port}`);
      }
      await gql(server.url, DELETE, { input: { id: endpoint.id } }, { apiKey: operator });
    }
  });
});

describe('an endpoint that keeps failing', () => {
  it("is disabled after the retry window, and the operator's feed says so", async () => {
    const tmp = tempDir();
    const server = await startTestServer({ dbPath: join(tmp.dir, 'failing.db'), env: { ...FAST, WEBHOOK_RETRY_WINDOW_MS: '400' } });
    const down = await startReceiver({ respond: () => 503 });
    try {
      const feed = server.pubsub.subscribe('complexActivity');
      const operator = server.keyOf('OPERATOR').apiKey;
      const { endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], down.url);
      await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
      let notice;
      for await (const event of feed) if (event.kind === 'WEBHOOK_ENDPOINT_DISABLED') (notice = event), await feed.return?.();
      expect(notice).toMatchObject({ complexCode: 'BANWOL_SIHWA', summary: expect.stringMatching(/\(127\.0\.0\.1:\d+\) disabled: \d+ attempts? failed since /) });
      const { body } = await gql<{ webhookEndpoints: { status: string }[] }>(server.url, '{ webhookEndpoints { status } }', {}, { apiKey: operator });
      expect(body.data!.webhookEndpoints).toEqual([{ status: 'DISABLED' }]);
      const [failed] = await deliveries(server.url, operator, endpoint.id);
      expect(failed!.status).toBe('FAILED');
      expect(failed!.attemptCount).toBeGreaterThan(1);
      expect(failed!.attempts.every((a) => a.responseStatus === 503 && !a.succeeded)).toBe(true);
      const redeliver = await gql(server.url, REDELIVER, { input: { deliveryId: failed!.id } }, { apiKey: operator });
      expect(redeliver.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      // Paused by its owner meanwhile, it keeps the worker's reason: what failed is what the owner has to fix.
      const reasoned = 'mutation ($input: WebhookEndpointUpdateInput!) { webhookEndpointUpdate(input: $input) { endpoint { status disabledReason } } }';
      const paused = await gql<{ webhookEndpointUpdate: { endpoint: { status: string; disabledReason: string } } }>(server.url, reasoned, { input: { id: endpoint.id, enabled: false } }, { apiKey: operator });
      expect(paused.body.data!.webhookEndpointUpdate.endpoint).toEqual({ status: 'DISABLED', disabledReason: expect.stringMatching(/^\d+ attempts? failed since .*; last: HTTP 503/) });

      // The notice counts the attempts of its retry window, since a Seoul time; enabled again and redelivered, the
      // delivery gets a new window, and the next notice counts only that window's attempts.
      const counted = (summary: string) => Number(/ disabled: (\d+) attempts? failed since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/.exec(summary)?.[1]);
      expect(counted(notice!.summary)).toBe(failed!.attemptCount);
      expect((await gql(server.url, UPDATE, { input: { id: endpoint.id, enabled: true } }, { apiKey: operator })).body.errors).toBeUndefined();
      const again = server.pubsub.subscribe('complexActivity');
      expect((await gql(server.url, REDELIVER, { input: { deliveryId: failed!.id } }, { apiKey: operator })).body.errors).toBeUndefined();
      for await (const event of again) if (event.kind === 'WEBHOOK_ENDPOINT_DISABLED') (notice = event), await again.return?.();
      const [refailed] = await deliveries(server.url, operator, endpoint.id);
      expect(counted(notice!.summary)).toBe(refailed!.attemptCount - failed!.attemptCount);
    } finally {
      await server.stop();
      await down.close();
      tmp.remove();
    }
  });
});

describe('an endpoint paused for longer than the retry window', () => {
  it('is enabled again with its queued deliveries in a new window: one failure after it does not disable it', async () => {
    const tmp = tempDir();
    const server = await startTestServer({ dbPath: join(tmp.dir, 'paused.db'), env: { ...FAST, WEBHOOK_RETRY_WINDOW_MS: '1500' } });
    let failUntil = Infinity; // the receiver answers 503 up to this request, then 204
    const receiver = await startReceiver({ respond: (n) => (n <= failUntil ? 503 : 204) });
    try {
      const operator = server.keyOf('OPERATOR').apiKey;
      const { secret, endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], receiver.url);
      await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
      await receiver.waitFor(1);
      // Paused by its owner while the receiver is down (its delivery stays queued), for longer than the window.
      expect((await gql(server.url, UPDATE, { input: { id: endpoint.id, enabled: false } }, { apiKey: operator })).body.errors).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const [queued] = await deliveries(server.url, operator, endpoint.id);
      expect(queued!.status).toBe('PENDING');

      // Enabled again while the receiver is still warming up: its first answer is one more 503, then it recovers.
      failUntil = receiver.received.length + 1;
      const resumed = await gql<{ webhookEndpointUpdate: { endpoint: { status: string } } }>(server.url, UPDATE, { input: { id: endpoint.id, enabled: true } }, { apiKey: operator });
      expect(resumed.body.data!.webhookEndpointUpdate.endpoint.status).toBe('ACTIVE');
      const delivered = await receiver.waitFor(failUntil + 1);
      expect(verified(secret, delivered.at(-1)!).id).toBe(queued!.eventId);
      await settled(server);
      const { body } = await gql<{ webhookEndpoints: { status: string }[] }>(server.url, '{ webhookEndpoints { status } }', {}, { apiKey: operator });
      expect(body.data!.webhookEndpoints).toEqual([{ status: 'ACTIVE' }]);
      const [done] = await deliveries(server.url, operator, endpoint.id);
      expect(done).toMatchObject({ status: 'DELIVERED', lastResponseStatus: 204 });
    } finally {
      await server.stop();
      await receiver.close();
      tmp.remove();
    }
  });
});

/**
 * A service whose webhook worker the test runs (`run`) at the moment a race needs, with `env` for both, and the
 * operator's key with which it registers, pauses and enables endpoints.
 */
async function withManualWorker(name: string, env: Record<string, string> = {}) {
  const tmp = tempDir();
  const settings = { NODE_ENV: 'test', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', ...env };
  const server = await startTestServer({ dbPath: join(tmp.dir, `${name}.db`), env: { ...settings, WEBHOOK_WORKER_INTERVAL_MS: '0' } });
  const operator = server.keyOf('OPERATOR').apiKey;
  const worker = { ...ctxAs(server.db, server.keyOf('OPERATOR')), env: parseEnv(settings) };
  return {
    server,
    operator,
    /** One worker run, reading `now` (the real clock unless given). */
    run: (now?: () => Date) => runWebhookWorker(now ? { ...worker, now } : worker),
    enable: async (id: string, enabled: boolean) => expect((await gql(server.url, UPDATE, { input: { id, enabled } }, { apiKey: operator })).body.errors).toBeUndefined(),
    stop: async () => {
      await server.stop();
      tmp.remove();
    },
  };
}

describe('an endpoint paused before the worker fanned out an event committed while it was active', () => {
  it('keeps that event queued for it and sends it once enabled again', async () => {
    const { server, operator, run, enable, stop } = await withManualWorker('pause-race');
    const inbox = await startReceiver();
    try {
      const { secret, endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], inbox.url);
      await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
      await enable(endpoint.id, false);
      await run(); // as an interval that fell just after the pause would
      const [queued] = await deliveries(server.url, operator, endpoint.id);
      expect(queued).toMatchObject({ status: 'PENDING', attemptCount: 0 });

      await enable(endpoint.id, true);
      await run();
      const [delivery] = await inbox.waitFor(1);
      expect(verified(secret, delivery!)).toMatchObject({ id: queued!.eventId, type: 'complex.activity', data: { kind: 'REQUEST_POSTED' } });
    } finally {
      await stop();
      await inbox.close();
    }
  });
});

describe('an endpoint paused while an attempt past the retry window is in flight', () => {
  it('keeps that delivery queued, as a pause does, and sends it once enabled again', async () => {
    const { server, operator, run, enable, stop } = await withManualWorker('pause-in-flight', { WEBHOOK_RETRY_WINDOW_MS: '0' });
    let endpointId = '';
    // Its owner pauses it while the first attempt (which, with a window of 0, is past the window) waits for the answer.
    const receiver = await startReceiver({ respond: async (n) => (n === 1 ? (await enable(endpointId, false), 503) : 204) });
    try {
      endpointId = (await register(server.url, operator, ['COMPLEX_ACTIVITY'], receiver.url)).endpoint.id;
      await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
      await run();
      expect((await deliveries(server.url, operator, endpointId)).map((d) => d.status)).toEqual(['PENDING']);
      await enable(endpointId, true);
      await run();
      expect((await deliveries(server.url, operator, endpointId)).map((d) => d.status)).toEqual(['DELIVERED']);
    } finally {
      await stop();
      await receiver.close();
    }
  });
});

describe("a delivery's attempt", () => {
  it('is timed once: its lastAttemptAt, its attemptedAt and the signed webhook-timestamp tell the same instant', async () => {
    const { server, operator, run, stop } = await withManualWorker('attempt-time');
    const inbox = await startReceiver();
    try {
      const { endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], inbox.url);
      await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
      // A clock a millisecond on at each reading: an attempt whose time were read at its claim and again at its send would show two.
      let clock = Date.now();
      await run(() => new Date(clock++));
      const TIMES = 'query ($id: ID) { webhookDeliveries(endpointId: $id) { edges { node { status lastAttemptAt attempts { attemptedAt } } } } }';
      const { body } = await gql<{ webhookDeliveries: { edges: { node: { status: string; lastAttemptAt: string; attempts: { attemptedAt: string }[] } }[] } }>(server.url, TIMES, { id: endpoint.id }, { apiKey: operator });
      const [delivery] = body.data!.webhookDeliveries.edges.map((e) => e.node);
      expect(delivery).toEqual({ status: 'DELIVERED', lastAttemptAt: expect.any(String), attempts: [{ attemptedAt: delivery!.lastAttemptAt }] });
      expect(Number(inbox.received[0]!.headers['webhook-timestamp'])).toBe(Math.floor(Date.parse(delivery!.lastAttemptAt) / 1000));
    } finally {
      await stop();
      await inbox.close();
    }
  });
});

describe('a queued delivery its owner redelivers', () => {
  it('is attempted at once, not at its next retry (the receiver is fixed: its owner wants it now)', async () => {
    // The next retry an hour away.
    const { server, operator, run, stop } = await withManualWorker('redeliver-queued', { WEBHOOK_RETRY_BASE_MS: '3600000' });
    const receiver = await startReceiver({ respond: async (n) => (n === 1 ? 503 : 204) });
    try {
      const { endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], receiver.url);
      await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
      await run();
      const [queued] = await deliveries(server.url, operator, endpoint.id);
      expect(queued).toMatchObject({ status: 'PENDING', attemptCount: 1 });
      const redelivered = await gql<{ webhookRedeliver: { delivery: { status: string } } }>(server.url, REDELIVER, { input: { deliveryId: queued!.id } }, { apiKey: operator });
      expect(redelivered.body.data?.webhookRedeliver.delivery.status).toBe('PENDING');
      await run();
      expect((await deliveries(server.url, operator, endpoint.id)).map((d) => [d.status, d.attemptCount])).toEqual([['DELIVERED', 2]]);
    } finally {
      await stop();
      await receiver.close();
    }
  });
});

describe('an endpoint the worker disables while an event for it waits to be fanned out', () => {
  it('ends that event with its other queued deliveries, so that it can be redelivered', async () => {
    // Its first failure fails for good (a window of 0) and disables the endpoint.
    const { server, operator, run, enable, stop } = await withManualWorker('disable-race', { WEBHOOK_RETRY_WINDOW_MS: '0' });
    // While the run's attempt is under way (after the run fanned out), another event of the complex commits.
    const meanwhile = { id: 'meanwhile', complexCode: 'BANWOL_SIHWA', kind: 'REQUEST_POSTED' as const, at: new Date(), summary: 'posted during the attempt', summaryKo: '시도 중 등록' };
    const down = await startReceiver({ respond: async (n) => (n === 1 && (await recordWebhookEvent(server.db, 'complexActivity', meanwhile, new Date())), 503) });
    try {
      const { endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], down.url);
      await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
      await run();
      await run();
      const listed = await deliveries(server.url, operator, endpoint.id);
      expect(listed.map((d) => [d.status, d.attemptCount])).toEqual([['FAILED', 1], ['FAILED', 0]]);
      await enable(endpoint.id, true);
      expect((await gql(server.url, REDELIVER, { input: { deliveryId: listed[1]!.id } }, { apiKey: operator })).body.errors).toBeUndefined();
    } finally {
      await stop();
      await down.close();
    }
  });
});

describe('a receiver that hangs', () => {
  /** A server, a receiver that answers only once the test has ended (well after the other must have had its deliveries) and one that answers at once. */
  async function withHangingReceiver(run: (server: TestServer, hanging: Receiver, healthy: Receiver) => Promise<void>) {
    const tmp = tempDir();
    const server = await startTestServer({ dbPath: join(tmp.dir, 'hanging.db'), env: { ...FAST, WEBHOOK_TIMEOUT_MS: '30000' } });
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const hanging = await startReceiver({ respond: () => answered.then(() => 204) });
    const healthy = await startReceiver();
    try {
      await run(server, hanging, healthy);
    } finally {
      answer();
      await server.stop();
      await Promise.all([hanging.close(), healthy.close()]);
      tmp.remove();
    }
  }

  it("holds back no other endpoint's deliveries while its attempt waits", () =>
    withHangingReceiver(async (server, hanging, healthy) => {
      const operator = server.keyOf('OPERATOR').apiKey;
      await register(server.url, operator, ['COMPLEX_ACTIVITY'], hanging.url);
      await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
      await vi.waitFor(() => expect(hanging.received).toHaveLength(1), { timeout: 10_000 });
      // While that attempt waits, an event for another endpoint too: it goes out at the worker's next interval (the
      // worker waited for the whole batch before, and ran no other until the receiver answered or the timeout).
      await register(server.url, operator, ['COMPLEX_ACTIVITY'], healthy.url);
      await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
      await healthy.waitFor(1);
    }));

  it('shows, while its attempt waits, when the claim lapses and the delivery is retried should its sender have died', () =>
    withHangingReceiver(async (server, hanging) => {
      const operator = server.keyOf('OPERATOR').apiKey;
      const { endpoint } = await register(server.url, operator, ['COMPLEX_ACTIVITY'], hanging.url);
      await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
      await vi.waitFor(() => expect(hanging.received).toHaveLength(1), { timeout: 10_000 });
      const TIMES = 'query ($id: ID) { webhookDeliveries(endpointId: $id) { edges { node { status lastAttemptAt nextAttemptAt } } } }';
      const { body } = await gql<{ webhookDeliveries: { edges: { node: { status: string; lastAttemptAt: string; nextAttemptAt: string | null } }[] } }>(server.url, TIMES, { id: endpoint.id }, { apiKey: operator });
      const [sending] = body.data!.webhookDeliveries.edges.map((e) => e.node);
      // The claim lapses WEBHOOK_TIMEOUT_MS (30 s here) and LEASE_MARGIN_MS after it was taken.
      expect(sending).toEqual({ status: 'SENDING', lastAttemptAt: expect.any(String), nextAttemptAt: new Date(Date.parse(sending!.lastAttemptAt) + 30_000 + LEASE_MARGIN_MS).toISOString() });
    }));

  it('holds at most PER_ENDPOINT of the slots, so that a backlog to it leaves room for other endpoints', () =>
    withHangingReceiver(async (server, hanging, healthy) => {
      const operator = server.keyOf('OPERATOR').apiKey;
      await register(server.url, operator, ['COMPLEX_ACTIVITY'], hanging.url);
      // More events than the worker has slots, all to the endpoint that hangs: before, it took all 50 of them.
      const manufacturer = ctxAs(server.db, server.keyOf('MANUFACTURER'));
      for (let i = 0; i < 60; i++) await shipment(manufacturer);
      await hanging.waitFor(PER_ENDPOINT);
      await register(server.url, operator, ['COMPLEX_ACTIVITY'], healthy.url);
      await shipment(manufacturer);
      await healthy.waitFor(1);
      expect(hanging.received).toHaveLength(PER_ENDPOINT);
    }));
});

// Two starts of a real process, the first seeding the demo history (about 20 s here, longer on a busy machine).
describe('a service killed with -9 between commit and delivery', { timeout: 90_000 }, () => {
  it('delivers the committed event after it restarts', async () => {
    const tmp = tempDir();
    const receiverDown = await startReceiver();
    const port = Number(new URL(receiverDown.url).port);
    await receiverDown.close(); // the endpoint's receiver is down while the event is committed
    // An empty database of its own, which the service seeds (writing the demo keys): on PostgreSQL a fresh one of the cluster.
    const pgDatabase = DIALECT === 'pg' ? await freshDatabase() : null;
    const env = { DATABASE_PATH: join(tmp.dir, 'crash.db'), ...(pgDatabase && { DATABASE_URL: pgDatabase.url }), DEMO_KEYS_PATH: join(tmp.dir, 'keys.json'), WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', MATCHING_INTERVAL_SECONDS: '0' };
    let service = await spawnService({ ...env, WEBHOOK_WORKER_INTERVAL_MS: '600000' });
    try {
      const keys = JSON.parse(readFileSync(env.DEMO_KEYS_PATH, 'utf8')) as { complexCode: string | null; role: string; apiKey: string }[];
      const keyOf = (role: string) => keys.find((k) => k.role === role && k.complexCode === 'BANWOL_SIHWA')!.apiKey;
      const url = `${service.url.replace(/\/$/, '')}`;
      const { secret } = await register(url, keyOf('OPERATOR'), ['COMPLEX_ACTIVITY'], receiverDown.url);
      const posted = await gql(url, 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', { input: shipmentRequestVariables() }, { apiKey: keyOf('MANUFACTURER') });
      expect(posted.body.errors).toBeUndefined();
      service.child.kill('SIGKILL');
      await service.exited;

      const inbox = await startReceiver({ port });
      try {
        service = await spawnService({ ...env, WEBHOOK_WORKER_INTERVAL_MS: '50' });
        const [delivery] = await inbox.waitFor(1);
        expect(verified(secret, delivery!)).toMatchObject({ type: 'complex.activity', data: { kind: 'REQUEST_POSTED' } });
      } finally {
        await inbox.close();
      }
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
      await pgDatabase?.drop();
      tmp.remove();
    }
  });
});
