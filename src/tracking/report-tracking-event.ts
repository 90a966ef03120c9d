import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { bookings, podImages, proofsOfDelivery, shipmentRequests, TRACKING_EVENT_KINDS, trackingEvents } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import { isTransport, type BookingRecord } from '../bookings/booking-record';
import { complexCodeOf } from '../complexes/complex-code';
import type { Tx } from '../../db/transaction';
import { completeBooking } from '../market/end-request-bookings';
import { guarded } from '../market/reservations';
import type { Context } from '../context';
import { IN_KOREA_RULE, inKorea } from '../geo/korea';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors';
import { IdempotencyKey, idempotent } from '../idempotency';
import { LocationInput } from '../supply/location-input';
import { publishAll, type Publication } from '../pubsub';
import { FREE_TEXT, ONE_LINE, OneLineText, parseInput } from '../validation';
import { recordWebhookEvents } from '../webhooks/record-event';
import type { TrackingEventRecord } from './tracking-event-record';
import { loadingKind, notLoadedYet, notThisLeg, outOfOrder, TRACKING_STEPS } from './tracking-rules';
import { activityId, shipmentLine } from '../complexes/activity-lines';

/** Allowance for the carrier's device clock differing from ours, either way. */
export const CLOCK_SKEW_MS = 5 * 60_000;
export const MAX_NOTE_LENGTH = 500;
export const MAX_RECEIVER_NAME_LENGTH = 100;

const ProofOfDeliveryInput = z.object({
  receiverName: OneLineText.min(1, 'must not be empty').max(MAX_RECEIVER_NAME_LENGTH).regex(...ONE_LINE),
  receivedAt: z.date('must be a DateTime'),
  /** An image uploaded for this booking (POST /pod-images/:bookingId). */
  imageId: z.number().int().positive(),
});

export const ReportTrackingEventInput = z
  .object({
    bookingId: z.number().int().positive(),
    kind: z.enum(TRACKING_EVENT_KINDS),
    occurredAt: z.date('must be a DateTime'),
    position: LocationInput.refine(inKorea, `must lie in ${IN_KOREA_RULE}`),
    note: z.string().trim().max(MAX_NOTE_LENGTH).regex(...FREE_TEXT).nullish(),
    proofOfDelivery: ProofOfDeliveryInput.nullish(),
    idempotencyKey: IdempotencyKey,
  })
  .refine((e) => (e.kind === 'DELIVERED') === !!e.proofOfDelivery, {
    path: ['proofOfDelivery'],
    message: 'is required with DELIVERED (receiver name, time and an uploaded image) and only with DELIVERED',
  });
export type ReportTrackingEventInput = z.input<typeof ReportTrackingEventInput>;

export interface ReportedEvent {
  event: TrackingEventRecord;
  booking: BookingRecord;
}

/**
 * CARRIER holding a transport booking: reports where the goods are. The order is enforced (no delivery
 * before pickup: see tracking-rules.ts) and the request's status follows. DELIVERED needs a proof of
 * delivery whose image was uploaded first; it completes the booking and frees the vehicle. A retry with the
 * same idempotency key returns the first outcome.
 * @throws NotFoundError for an unknown booking or another carrier's; ConflictError when the event does not
 *   follow the shipment's state or the booking ended; ValidationError for bad fields, a time (event or receipt) in the
 *   future or before the booking (beyond CLOCK_SKEW_MS) or before the previous event, a receipt before the goods were picked up,
 *   or an image not uploaded for this booking.
 */
export async function reportTrackingEvent({ ctx, input }: { ctx: Context; input: ReportTrackingEventInput }): Promise<ReportedEvent> {
  const viewer = requireRole(ctx, 'CARRIER');
  const { idempotencyKey, ...data } = parseInput(ReportTrackingEventInput, input);
  let events: Publication[] | undefined;
  const { result: { eventId }, fresh } = await idempotent(ctx.db, { organisationId: viewer.organisationId, key: idempotencyKey, operation: 'trackingEventReport', input: data }, async (tx) => {
    const now = ctx.now();
    const booking = await tx.select().from(bookings).where(eq(bookings.id, data.bookingId)).get();
    if (!booking || booking.supplierOrgId !== viewer.organisationId) throw new NotFoundError('Booking');
    if (!isTransport(booking)) throw new ValidationError([{ field: 'input.bookingId', rule: 'must be a transport booking: storage is not tracked' }]);
    if (booking.status !== 'CONFIRMED') throw new ConflictError(`Booking is ${booking.status}: it takes no more tracking events`);
    const outOfSpan = timeIssues(data, booking.bookedAt, now);
    if (outOfSpan.length > 0) throw new ValidationError(outOfSpan);
    const request = (await tx.select().from(shipmentRequests).where(eq(shipmentRequests.id, booking.requestId)).get())!;
    const leg = booking.centreLeg;
    const wrongLeg = notThisLeg(data.kind, leg, request.destinationIsCentre);
    if (wrongLeg) throw new ValidationError([{ field: 'input.kind', rule: wrongLeg }]);
    // A booking reports a handful of events: one read gives both whether its truck loaded the goods and the latest.
    const reported = await tx.select({ kind: trackingEvents.kind, occurredAt: trackingEvents.occurredAt }).from(trackingEvents).where(eq(trackingEvents.bookingId, booking.id)).all();
    // Nobody carries or signs for goods the truck had not loaded yet: its loading, not an exception reported on the way to it.
    const loaded = reported.find((e) => e.kind === loadingKind(leg));
    const wrongOrder = notLoadedYet(data.kind, leg, loaded !== undefined) ?? outOfOrder(data.kind, request.status, request.destinationIsCentre);
    if (wrongOrder) throw new ConflictError(wrongOrder);
    const previous = reported.reduce<(typeof reported)[number] | undefined>((a, b) => (a && a.occurredAt >= b.occurredAt ? a : b), undefined);
    if (previous && data.occurredAt < previous.occurredAt) {
      throw new ValidationError([{ field: 'input.occurredAt', rule: `must not be before the previous event (${previous.kind} at ${previous.occurredAt.toISOString()})` }]);
    }

    const proof = data.proofOfDelivery;
    if (proof && loaded && proof.receivedAt < loaded.occurredAt) {
      throw new ValidationError([{ field: 'input.proofOfDelivery.receivedAt', rule: `must not be before the goods were picked up (${loaded.kind} at ${loaded.occurredAt.toISOString()})` }]);
    }
    if (proof) {
      const image = await tx.select().from(podImages).where(eq(podImages.id, proof.imageId)).get();
      if (!image || image.bookingId !== booking.id) throw new ValidationError([{ field: 'input.proofOfDelivery.imageId', rule: 'must be an image uploaded for this booking' }]);
      await guarded(() => tx.insert(proofsOfDelivery).values({ bookingId: booking.id, imageId: image.id, receiverName: proof.receiverName, receivedAt: proof.receivedAt }).run());
    }
    const event = await guarded(async () =>
      (await tx
        .insert(trackingEvents)
        .values({ bookingId: booking.id, requestId: request.id, complexId: booking.complexId, kind: data.kind, occurredAt: data.occurredAt, lat: data.position.lat, lng: data.position.lng, note: data.note ?? null, reportedByOrgId: viewer.organisationId, recordedAt: now })
        .returning()
        .get())!,
    );
    const next = TRACKING_STEPS[data.kind].to;
    if (next && next !== request.status) {
      await tx.update(shipmentRequests).set({ status: next, updatedAt: now }).where(and(eq(shipmentRequests.id, request.id), eq(shipmentRequests.status, request.status))).run();
    }
    // A feeder's work ends when it hands the goods over at the centre.
    if (data.kind === 'DELIVERED' || (data.kind === 'AT_CENTRE' && leg === 'FEEDER')) {
      await completeBooking(tx, booking.id, now);
    }
    events = await trackedEvents(ctx, tx, event, booking, now);
    await recordWebhookEvents(tx, events, now);
    return { eventId: event.id };
  });
  if (fresh && events) publishAll(ctx.pubsub, events);
  const event = (await ctx.db.select().from(trackingEvents).where(eq(trackingEvents.id, eventId)).get())!;
  const booking = (await ctx.db.select().from(bookings).where(eq(bookings.id, event.bookingId)).get())!;
  return { event, booking };
}

/** The event's and the receipt's times lie between the booking and now, give or take the device's clock skew. */
function timeIssues(data: { occurredAt: Date; proofOfDelivery?: { receivedAt: Date } | null }, bookedAt: Date, now: Date): FieldIssue[] {
  const times: [string, Date][] = [['input.occurredAt', data.occurredAt]];
  if (data.proofOfDelivery) times.push(['input.proofOfDelivery.receivedAt', data.proofOfDelivery.receivedAt]);
  return times.flatMap(([field, at]): FieldIssue[] => {
    if (at.getTime() < bookedAt.getTime() - CLOCK_SKEW_MS) return [{ field, rule: `must not be before the booking (${bookedAt.toISOString()})` }];
    if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) return [{ field, rule: 'must not be in the future' }];
    return [];
  });
}

/** Told at the event's recorded_at (`at`), as recent activity tells the step again. */
async function trackedEvents(ctx: Context, tx: Tx, event: TrackingEventRecord, booking: BookingRecord, at: Date): Promise<Publication[]> {
  const request = (await tx.select().from(shipmentRequests).where(eq(shipmentRequests.id, booking.requestId)).get())!;
  const update: Publication = ['shipmentUpdated', { requestId: request.id, shipperOrgId: request.shipperOrgId, status: request.status, at, trackingEvent: event, reason: null }];
  if (event.kind === 'IN_TRANSIT') return [update]; // position updates would flood the operators' feed
  return [update, ['complexActivity', {
    id: activityId(`SHIPMENT_${event.kind}`, event.id),
    complexCode: complexCodeOf(ctx, booking.complexId),
    kind: `SHIPMENT_${event.kind}`,
    at,
    ...shipmentLine({ step: event.kind, pallets: booking.pallets, weightKg: booking.weightKg, occurredAt: event.occurredAt, reportedAt: at }),
  }]];
}
