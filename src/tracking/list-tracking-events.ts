import { asc, eq, inArray } from 'drizzle-orm';
import { podImages, proofsOfDelivery, trackingEvents } from '../../db/schema';
import type { Context } from '../context';
import { groupBy } from '../group-by';
import type { BookingRecord } from '../bookings/booking-record';
import type { ProofOfDeliveryRecord, TrackingEventRecord } from './tracking-event-record';
import { readsProof } from './open-pod-image';

/**
 * The tracking events of bookings the caller already holds (getBooking, listBookings checked access), each booking's
 * in time order, in the order of the booking ids asked. One query for a page of bookings.
 */
export async function listTrackingEvents({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { bookingIds: readonly number[] } }): Promise<TrackingEventRecord[][]> {
  const events = await ctx.db
    .select()
    .from(trackingEvents)
    .where(inArray(trackingEvents.bookingId, [...new Set(input.bookingIds)]))
    .orderBy(asc(trackingEvents.occurredAt), asc(trackingEvents.id))
    .all();
  const eventsOf = groupBy(events, (e) => e.bookingId);
  return input.bookingIds.map((id) => eventsOf.get(id) ?? []);
}

/**
 * The proof of delivery of a booking the caller already holds, or null before delivery and for a caller who reads the
 * booking but not the proof (an admin: personal data, as the image itself).
 */
export async function getProofOfDelivery({ ctx, input }: { ctx: Pick<Context, 'db' | 'viewer'>; input: { booking: BookingRecord } }): Promise<ProofOfDeliveryRecord | null> {
  if (!ctx.viewer || !readsProof(ctx.viewer, input.booking)) return null;
  const row = await ctx.db
    .select({ proof: proofsOfDelivery, image: podImages })
    .from(proofsOfDelivery)
    .innerJoin(podImages, eq(podImages.id, proofsOfDelivery.imageId))
    .where(eq(proofsOfDelivery.bookingId, input.booking.id))
    .get();
  return row ? { ...row.proof, image: row.image } : null;
}
