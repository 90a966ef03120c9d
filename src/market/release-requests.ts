import { and, eq, inArray, notExists } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { bookings, offers, shipmentRequests } from '../../db/schema';
import { endRequestBookings } from './end-request-bookings';
import { inFrom, REQUEST_TRANSITIONS } from './transitions';

/**
 * Returns OFFERED requests that no longer have a PENDING offer to OPEN, so the next round considers
 * them again, releasing any leg of them already booked. Call inside the transaction that ended their offers.
 * Returns the bookings it ended, whose suppliers are to be told (bookingEndedEvents).
 */
export async function releaseRequests(tx: Tx, requestIds: number[], now: Date): Promise<(typeof bookings.$inferSelect)[]> {
  if (requestIds.length === 0) return [];
  const released = await tx
    .update(shipmentRequests)
    .set({ status: REQUEST_TRANSITIONS.release.to, updatedAt: now })
    .where(
      and(
        inArray(shipmentRequests.id, requestIds),
        inFrom(shipmentRequests.status, REQUEST_TRANSITIONS.release),
        notExists(tx.select({ id: offers.id }).from(offers).where(and(eq(offers.requestId, shipmentRequests.id), eq(offers.status, 'PENDING')))),
      ),
    )
    .returning({ id: shipmentRequests.id })
    .all();
  // A request back on the market holds nothing: a leg accepted before another was declined or expired is released.
  return endRequestBookings(tx, released.map((r) => r.id), { transition: 'giveBack', reason: 'Another leg of the request was declined or expired: it returned to the next matching round', byOrgId: null, now });
}
