import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { complexes, organisations, webhookEndpoints, webhookEvents, type WebhookEventType } from '../../db/schema';
import { toGlobalId } from '../global-id';
import type { Publication, Topics } from '../pubsub';

type Recorded = Pick<Topics, 'offerReceived' | 'shipmentUpdated' | 'complexActivity'>;

/**
 * Writes the event a pubsub topic is about to carry into the webhook outbox, in the caller's transaction, so
 * that it commits (or rolls back) with the change it reports. The payload holds the fields that topic's
 * subscription gives its recipient, and the recipient is the one the subscription filters on: the supplier
 * of an offer, the shipper of a shipment, the operators of a complex. Nothing is written when no active
 * endpoint of the recipient asks for the event (an endpoint receives events from its registration on), so
 * the writes of a market without webhooks pay one indexed read, not a row.
 */
export function recordWebhookEvent<T extends keyof Recorded>(tx: Tx, topic: T, event: Recorded[T], at: Date): void {
  const { type, recipient, data } = toWebhook(tx, topic, event);
  if (!awaited(tx, type, recipient)) return;
  const messageId = `msg_${randomUUID().replaceAll('-', '')}`;
  const payload = JSON.stringify({ id: messageId, type, timestamp: at.toISOString(), data });
  tx.insert(webhookEvents).values({ messageId, type, ...recipient, payload, createdAt: at }).run();
}

/** Records every publication a webhook carries (not roundCompleted and webhookAttempted, which no subscription gives). */
export function recordWebhookEvents(tx: Tx, publications: readonly Publication[], at: Date): void {
  for (const [topic, event] of publications) if (topic !== 'roundCompleted' && topic !== 'webhookAttempted') recordWebhookEvent(tx, topic, event as never, at);
}

/** Whether an active endpoint of the recipient asks for events of `type`. */
function awaited(tx: Tx, type: WebhookEventType, recipient: Webhook['recipient']): boolean {
  const wants = and(eq(webhookEndpoints.status, 'ACTIVE'), sql`instr(${webhookEndpoints.eventTypes}, ${JSON.stringify(type)}) > 0`);
  const found =
    'organisationId' in recipient
      ? tx.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(and(wants, eq(webhookEndpoints.organisationId, recipient.organisationId))).limit(1).get()
      : tx
          .select({ id: webhookEndpoints.id })
          .from(webhookEndpoints)
          .innerJoin(organisations, eq(organisations.id, webhookEndpoints.organisationId))
          .where(and(wants, eq(organisations.role, 'OPERATOR'), eq(organisations.complexId, recipient.complexId)))
          .limit(1)
          .get();
  return found !== undefined;
}

interface Webhook {
  type: WebhookEventType;
  recipient: { organisationId: number } | { complexId: number };
  data: Record<string, unknown>;
}

function toWebhook<T extends keyof Recorded>(tx: Tx, topic: T, event: Recorded[T]): Webhook {
  if (topic === 'offerReceived') {
    const { offer: o } = event as Recorded['offerReceived'];
    const data = {
      id: toGlobalId('Offer', o.id),
      kind: o.kind,
      status: o.status,
      priceKrw: o.priceKrw,
      breakdown: { baseKrw: o.baseKrw, distanceKrw: o.distanceKrw, storageKrw: o.storageKrw, handlingKrw: o.handlingKrw },
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
      loadId: o.loadId && toGlobalId('ConsolidatedLoad', o.loadId),
      roundId: toGlobalId('MatchingRound', o.roundId),
    };
    return { type: 'offer.received', recipient: { organisationId: o.supplierOrgId }, data };
  }
  if (topic === 'shipmentUpdated') {
    const e = event as Recorded['shipmentUpdated'];
    const t = e.trackingEvent;
    const trackingEvent = t && { kind: t.kind, occurredAt: t.occurredAt, position: { lat: t.lat, lng: t.lng }, note: t.note, recordedAt: t.recordedAt };
    const data = { shipmentRequestId: toGlobalId('ShipmentRequest', e.requestId), status: e.status, at: e.at, trackingEvent, reason: e.reason };
    return { type: 'shipment.updated', recipient: { organisationId: e.shipperOrgId }, data };
  }
  const e = event as Recorded['complexActivity'];
  const complex = tx.select({ id: complexes.id }).from(complexes).where(eq(complexes.code, e.complexCode)).get()!;
  return { type: 'complex.activity', recipient: { complexId: complex.id }, data: { complexCode: e.complexCode, kind: e.kind, at: e.at, summary: e.summary } };
}
