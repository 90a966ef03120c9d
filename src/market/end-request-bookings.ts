import { and, eq, inArray } from 'drizzle-orm';
import { bookings } from '../../db/schema';
import type { Tx } from '../../db/group-commit';
import { releaseReservations } from './reservations';

export interface BookingEnd {
  status: 'CANCELLED' | 'RETURNED';
  reason: string;
  /** Who ended them; null when the service did (a sibling leg declined or expired). */
  byOrgId: number | null;
  now: Date;
}

/**
 * Ends every CONFIRMED booking of the requests (all their legs) with its reason and releases all they hold.
 * Call inside the transaction that cancels the requests or returns them to the market. Returns the ended bookings' ids.
 */
export function endRequestBookings(tx: Tx, requestIds: number[], end: BookingEnd): number[] {
  if (requestIds.length === 0) return [];
  const ended = tx
    .update(bookings)
    .set({ status: end.status, endedAt: end.now, endReason: end.reason, endedByOrgId: end.byOrgId })
    .where(and(inArray(bookings.requestId, requestIds), eq(bookings.status, 'CONFIRMED')))
    .returning({ id: bookings.id })
    .all()
    .map((b) => b.id);
  releaseReservations(tx, ended, end.now);
  return ended;
}
