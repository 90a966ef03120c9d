import { and, eq, gte, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { listingReservations } from '../../../db/schema';

/**
 * The listing's reservations still held from `today` (Asia/Seoul) on: pallets booked in it for stays that have not
 * ended. A query to run or to nest (`notExists`), so a check and its write can share one statement.
 */
export function heldStays(db: Db, listingId: number, today: string) {
  return db
    .select({ id: listingReservations.id })
    .from(listingReservations)
    .where(and(eq(listingReservations.listingId, listingId), isNull(listingReservations.releasedAt), gte(listingReservations.day, today)));
}
