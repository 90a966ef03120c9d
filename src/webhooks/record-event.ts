import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { preparedPerDatabase } from '../../db/prepared';
import { complexes, organisations, webhookEndpoints, webhookEvents, type WebhookEventType } from '../../db/schema';
import { toGlobalId } from '../global-id';
import type { Publication, Topics } from '../pubsub';
import { jsonArrayHas } from '../../db/sql';

type Recorded = Pick<Topics, 'offerReceived' | 'shipmentUpdated' | 'complexActivity'>;

/**
 * Writes the event a pubsub topic is about to carry into the webhook outbox. Call it inside the transaction of
 * the change it reports, so that it commits (or rolls back) with it: its statements are prepared once per
 * database (it runs on every booking) and run on the database's one connection, so inside that transaction. The payload holds the fields that topic's
 * subscription gives its recipient, and the recipient is the one the subscription filters on: the supplier
 * of an offer, the shipper of a shipment, the operators of a complex. Nothing is written when no active
 * endpoint of the recipient asks for the event (an endpoint receives events from its registration on), so
 * the writes of a market without webhooks pay one indexed read, not a row.
 */
export async function recordWebhookEvent<T extends keyof Recorded>(db: Db, topic: T, event: Recorded[T], at: Date): Promise<void> {
  const run = statements(db);
  const { type, recipient, data } = await toWebhook(run, topic, event);
  const wanted = { type: JSON.stringify(type) };
  const awaited = await ('organisationId' in recipient ? run.wantedByOrganisation.get({ ...wanted, ...recipient }) : run.wantedByOperators.get({ ...wanted, ...recipient }));
  if (!awaited) return;
  const messageId = `msg_${randomUUID().replaceAll('-', '')}`;
  const payload = JSON.stringify({ id: messageId, type, timestamp: at.toISOString(), data });
  await run.insert.run({ messageId, type, organisationId: null, complexId: null, ...recipient, payload, createdAt: at.getTime() });
}

/** Records every publication a webhook carries (not roundCompleted and webhookAttempted, which no subscription gives). */
export async function recordWebhookEvents(db: Db, publications: readonly Publication[], at: Date): Promise<void> {
  for (const [topic, event] of publications) if (topic !== 'roundCompleted' && topic !== 'webhookAttempted') await recordWebhookEvent(db, topic, event as never, at);
}

/** An active endpoint of the recipient asks for events of `type` (a JSON string, matched inside the endpoint's list). */
const wants = and(eq(webhookEndpoints.status, 'ACTIVE'), jsonArrayHas(webhookEndpoints.eventTypes, sql.placeholder('type')));

const statements = preparedPerDatabase((db) => ({
  wantedByOrganisation: db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(wants, eq(webhookEndpoints.organisationId, sql.placeholder('organisationId'))))
    .limit(1)
    .prepare(),
  wantedByOperators: db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .innerJoin(organisations, eq(organisations.id, webhookEndpoints.organisationId))
    .where(and(wants, eq(organisations.role, 'OPERATOR'), eq(organisations.complexId, sql.placeholder('complexId'))))
    .limit(1)
    .prepare(),
  complexByCode: db.select({ id: complexes.id }).from(complexes).where(eq(complexes.code, sql.placeholder('code'))).prepare(),
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
type Statements = ReturnType<typeof statements>;

interface Webhook {
  type: WebhookEventType;
  recipient: { organisationId: number } | { complexId: number };
  data: Record<string, unknown>;
}

async function toWebhook<T extends keyof Recorded>(run: Statements, topic: T, event: Recorded[T]): Promise<Webhook> {
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
      routeId: o.routeId && toGlobalId('Route', o.routeId),
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
  const complex = (await run.complexByCode.get({ code: e.complexCode }))!;
  return { type: 'complex.activity', recipient: { complexId: complex.id }, data: { complexCode: e.complexCode, kind: e.kind, at: e.at, summary: e.summary } };
}
