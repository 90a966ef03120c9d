import { randomUUID } from 'node:crypto';
import { and, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { idList, inIdList, preparedPerDatabase } from '../../db/prepared';
import { complexes, organisations, webhookEndpoints, webhookEvents, type WebhookEventType } from '../../db/schema';
import { toGlobalId } from '../global-id';
import { breakdownOf } from '../matching/offer-record';
import type { Publication, Topics } from '../pubsub';

type Recorded = Pick<Topics, 'offerReceived' | 'offerWithdrawn' | 'bookingEnded' | 'shipmentUpdated' | 'complexActivity'>;

/**
 * Writes the event a pubsub topic is about to carry into the webhook outbox. Call it inside the transaction of
 * the change it reports, so that it commits (or rolls back) with it. See recordWebhookEvents.
 */
export async function recordWebhookEvent<T extends keyof Recorded>(db: Db, topic: T, event: Recorded[T], at: Date): Promise<void> {
  await recordWebhookEvents(db, [[topic, event] as Publication], at);
}

/**
 * Writes the events of one change (not roundCompleted and webhookAttempted, which no subscription gives) into the
 * webhook outbox, inside that change's transaction. The payload holds the fields that topic's subscription gives its
 * recipient, and the recipient is the one the subscription filters on: the supplier of an offer, the shipper of a
 * shipment, the operators of a complex. Nothing is written for a recipient none of whose active endpoints asks for
 * the event (an endpoint receives events from its registration on), so the writes of a market without webhooks pay
 * one indexed read for all their events, not a row. Its statements are prepared once per database (every booking runs it).
 */
export async function recordWebhookEvents(db: Db, publications: readonly Publication[], at: Date): Promise<void> {
  const webhooks: Webhook[] = [];
  for (const [topic, event] of publications) if (topic !== 'roundCompleted' && topic !== 'webhookAttempted') webhooks.push(toWebhook(topic, event as never));
  if (webhooks.length === 0) return;
  const run = statements(db);
  const endpoints = await run.endpointsOf.all({
    organisationIds: idList(webhooks.flatMap(({ recipient: r }) => ('organisationId' in r ? [r.organisationId] : []))),
    complexCodes: JSON.stringify(webhooks.flatMap(({ recipient: r }) => ('complexCode' in r ? [r.complexCode] : []))),
  });
  for (const { type, recipient, data } of webhooks) {
    const reaches = (e: (typeof endpoints)[number]) =>
      'organisationId' in recipient ? e.organisationId === recipient.organisationId : e.role === 'OPERATOR' && e.complexCode === recipient.complexCode;
    const endpoint = endpoints.find((e) => reaches(e) && e.eventTypes.includes(type));
    if (!endpoint) continue;
    const messageId = `msg_${randomUUID().replaceAll('-', '')}`;
    const payload = JSON.stringify({ id: messageId, type, timestamp: at.toISOString(), data });
    // An operators' event is stored by complex id, read off the endpoint's organisation.
    const to = 'organisationId' in recipient ? { organisationId: recipient.organisationId, complexId: null } : { organisationId: null, complexId: endpoint.complexId };
    await run.insert.run({ messageId, type, ...to, payload, createdAt: at.getTime() });
  }
}

const statements = preparedPerDatabase((db) => ({
  /** The active endpoints of these organisations and of the operators of the complexes with these codes, with the events each asks for. */
  endpointsOf: db
    .select({
      organisationId: webhookEndpoints.organisationId,
      role: organisations.role,
      complexId: organisations.complexId,
      complexCode: complexes.code,
      eventTypes: webhookEndpoints.eventTypes,
    })
    .from(webhookEndpoints)
    .innerJoin(organisations, eq(organisations.id, webhookEndpoints.organisationId))
    .leftJoin(complexes, eq(complexes.id, organisations.complexId))
    .where(
      and(
        eq(webhookEndpoints.status, 'ACTIVE'),
        or(inIdList(webhookEndpoints.organisationId, 'organisationIds'), and(eq(organisations.role, 'OPERATOR'), inIdList(complexes.code, 'complexCodes'))),
      ),
    )
    .prepare(),
  insert: db
    .insert(webhookEvents)
    .values({
      messageId: sql.placeholder('messageId'),
      type: sql.placeholder('type'),
      organisationId: sql.placeholder('organisationId'),
      complexId: sql.placeholder('complexId'),
      payload: sql.placeholder('payload'),
      createdAt: sql`${sql.placeholder('createdAt')}`,
    })
    .prepare(),
}));

interface Webhook {
  type: WebhookEventType;
  /** An organisation, or the operators of the complex with this code. */
  recipient: { organisationId: number } | { complexCode: string };
  data: Record<string, unknown>;
}

function toWebhook<T extends keyof Recorded>(topic: T, event: Recorded[T]): Webhook {
  if (topic === 'offerReceived' || topic === 'offerWithdrawn') {
    const { offer: o } = event as Recorded['offerReceived'];
    // The Offer as both subscriptions give it: its status says which (PENDING, WITHDRAWN), and a withdrawal why.
    const data = {
      id: toGlobalId('Offer', o.id),
      kind: o.kind,
      status: o.status,
      withdrawalReason: o.withdrawalReason,
      priceKrw: o.priceKrw,
      standaloneKrw: o.standaloneKrw,
      // Every part, as the Offer's breakdown: they add up to the price.
      breakdown: breakdownOf(o),
      deadheadKm: o.deadheadKm,
      loadedKm: o.loadedKm,
      co2Kg: o.co2Kg,
      pickupAt: o.pickupAt,
      deliverAt: o.deliverAt,
      storagePallets: o.storagePallets,
      storageFromDay: o.storageFromDay,
      storageToDay: o.storageToDay,
      expiresAt: o.expiresAt,
      createdAt: o.createdAt,
      requestId: toGlobalId('ShipmentRequest', o.requestId),
      vehicleId: o.vehicleId && toGlobalId('Vehicle', o.vehicleId),
      listingId: o.listingId && toGlobalId('WarehouseListing', o.listingId),
      routeId: o.routeId && toGlobalId('Route', o.routeId),
      roundId: toGlobalId('MatchingRound', o.roundId),
      centreLeg: o.centreLeg,
    };
    return { type: topic === 'offerReceived' ? 'offer.received' : 'offer.withdrawn', recipient: { organisationId: o.supplierOrgId }, data };
  }
  if (topic === 'bookingEnded') {
    const { booking: b } = event as Recorded['bookingEnded'];
    const data = {
      id: toGlobalId('Booking', b.id),
      kind: b.kind,
      status: b.status,
      offerId: toGlobalId('Offer', b.offerId),
      shipmentRequestId: toGlobalId('ShipmentRequest', b.requestId),
      vehicleId: b.vehicleId && toGlobalId('Vehicle', b.vehicleId),
      listingId: b.listingId && toGlobalId('WarehouseListing', b.listingId),
      routeId: b.routeId && toGlobalId('Route', b.routeId),
      centreLeg: b.centreLeg,
      priceKrw: b.priceKrw,
      weightKg: b.weightKg,
      pallets: b.pallets,
      pickupAt: b.pickupAt,
      deliverAt: b.deliverAt,
      storageFromDay: b.storageFromDay,
      storageToDay: b.storageToDay,
      bookedAt: b.bookedAt,
      endedAt: b.endedAt,
      endReason: b.endReason,
    };
    return { type: 'booking.ended', recipient: { organisationId: b.supplierOrgId }, data };
  }
  if (topic === 'shipmentUpdated') {
    const e = event as Recorded['shipmentUpdated'];
    const t = e.trackingEvent;
    const trackingEvent = t && { kind: t.kind, occurredAt: t.occurredAt, position: { lat: t.lat, lng: t.lng }, note: t.note, recordedAt: t.recordedAt };
    const data = { shipmentRequestId: toGlobalId('ShipmentRequest', e.requestId), status: e.status, at: e.at, trackingEvent, reason: e.reason };
    return { type: 'shipment.updated', recipient: { organisationId: e.shipperOrgId }, data };
  }
  const e = event as Recorded['complexActivity'];
  return { type: 'complex.activity', recipient: { complexCode: e.complexCode }, data: { id: e.id, complexCode: e.complexCode, kind: e.kind, at: e.at, summary: e.summary, summaryKo: e.summaryKo, reason: e.reason ?? null } };
}
