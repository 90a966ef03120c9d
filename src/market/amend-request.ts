import { and, eq, notExists } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { bookings, offers, shipmentRequests } from '../../db/schema';
import { inFrom, REQUEST_TRANSITIONS } from './transitions';
import { withdrawPendingOffers } from './withdraw-offers';
import type { Fallout } from './fallout';

type Terms = Partial<typeof shipmentRequests.$inferInsert>;

/**
 * Writes the shipper's new `terms` over request `id` while no supplier has agreed to the old ones (OPEN, or OFFERED
 * with no leg booked: the guard is in the UPDATE's WHERE, so an accept or a round racing it leaves one outcome), back
 * OPEN with the last round's `unmatched` cleared (it explained the old terms), and withdraws its pending offers as a
 * cancel does (a pooled load's other shares with them). Returns null, writing nothing, when a supplier has agreed or
 * the request left the market.
 */
export async function amendRequest(tx: Tx, id: number, terms: Terms, now: Date): Promise<({ amended: typeof shipmentRequests.$inferSelect } & Fallout) | null> {
  const agreed = tx.select({ id: bookings.id }).from(bookings).where(and(eq(bookings.requestId, id), eq(bookings.status, 'CONFIRMED')));
  const amended = await tx
    .update(shipmentRequests)
    .set({ ...terms, status: REQUEST_TRANSITIONS.amend.to, unmatchedReason: null, unmatchedAt: null, updatedAt: now })
    .where(and(eq(shipmentRequests.id, id), inFrom(shipmentRequests.status, REQUEST_TRANSITIONS.amend), notExists(agreed)))
    .returning()
    .get();
  if (!amended) return null;
  // `keep`: the request is OPEN already, on its new terms; only a pooled load's other requests return.
  return { amended, ...(await withdrawPendingOffers(tx, eq(offers.requestId, id), now, [id])) };
}
