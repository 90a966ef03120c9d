import { eq, inArray, and, type SQL } from 'drizzle-orm';
import { bookings } from '../../db/schema';
import type { Tx } from '../../db/transaction';
import { releaseReservations } from './reservations';
import { BOOKING_TRANSITIONS, inFrom } from './transitions';

export interface BookingEnd {
  transition: 'cancel' | 'giveBack';
  reason: string;
  /** Who ended them; null when the service did (a sibling leg declined or expired). */
  byOrgId: number | null;
  now: Date;
}

/**
 * Ends every CONFIRMED booking of the requests (all their legs) with its reason and releases all they hold.
 * Call inside the transaction that cancels the requests or returns them to the market. Returns the ended bookings.
 */
export async function endRequestBookings(tx: Tx, requestIds: number[], end: BookingEnd): Promise<(typeof bookings.$inferSelect)[]> {
  return requestIds.length === 0 ? [] : endWhere(tx, inArray(bookings.requestId, requestIds), end);
}

/** Ends the CONFIRMED bookings `bookingIds` only, not their requests' other legs (a trunk given back after its feeder's pickup). */
export async function endBookings(tx: Tx, bookingIds: number[], end: BookingEnd): Promise<(typeof bookings.$inferSelect)[]> {
  return bookingIds.length === 0 ? [] : endWhere(tx, inArray(bookings.id, bookingIds), end);
}

async function endWhere(tx: Tx, which: SQL, end: BookingEnd): Promise<(typeof bookings.$inferSelect)[]> {
  const transition = BOOKING_TRANSITIONS[end.transition];
  const ended = await tx
    .update(bookings)
    .set({ status: transition.to, endedAt: end.now, endReason: end.reason, endedByOrgId: end.byOrgId })
    .where(and(which, inFrom(bookings.status, transition)))
    .returning()
    .all();
  await releaseReservations(tx, ended.map((b) => b.id), end.now);
  return ended;
}

/** Completes a booking whose work is done (delivered, or a feeder's goods handed over) and releases what it holds. */
export async function completeBooking(tx: Tx, bookingId: number, now: Date): Promise<void> {
  await tx.update(bookings).set({ status: BOOKING_TRANSITIONS.complete.to }).where(eq(bookings.id, bookingId)).run();
  await releaseReservations(tx, [bookingId], now);
}
