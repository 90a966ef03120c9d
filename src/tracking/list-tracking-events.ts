import { asc, eq } from 'drizzle-orm';
import { podImages, proofsOfDelivery, trackingEvents } from '../../db/schema';
import type { BookingRecord } from '../bookings/booking-record';
import type { Context } from '../context';
import type { ProofOfDeliveryRecord, TrackingEventRecord } from './tracking-event-record';

/** The tracking events of a booking the caller already holds (getBooking, listBookings checked access), in time order. */
export async function listTrackingEvents({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { booking: BookingRecord } }): Promise<TrackingEventRecord[]> {
  return await ctx.db.select().from(trackingEvents).where(eq(trackingEvents.bookingId, input.booking.id)).orderBy(asc(trackingEvents.occurredAt), asc(trackingEvents.id)).all();
}

/** The proof of delivery of a booking the caller already holds, or null before delivery. */
export async function getProofOfDelivery({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { booking: BookingRecord } }): Promise<ProofOfDeliveryRecord | null> {
  const row = await ctx.db
    .select({ proof: proofsOfDelivery, image: podImages })
    .from(proofsOfDelivery)
    .innerJoin(podImages, eq(podImages.id, proofsOfDelivery.imageId))
    .where(eq(proofsOfDelivery.bookingId, input.booking.id))
    .get();
  return row ? { ...row.proof, image: row.image } : null;
}
