import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { offers, shipmentRequests } from '../../db/schema';
import { endRequestBookings } from './end-request-bookings';
import { REQUEST_TRANSITIONS } from './transitions';
import { withdrawPendingOffers } from './withdraw-offers';
import { joinFallout } from './fallout';

/**
 * Cancels request `id` (the caller checked it may take REQUEST_TRANSITIONS.cancel) with the shipper's reason,
 * withdraws its pending offers and ends its bookings. Returns the cancelled request, and the offers it withdrew and the
 * bookings it ended (with any of another request that returned to the next round with a load they shared).
 */
export async function cancelRequest(tx: Tx, id: number, end: { reason: string; byOrgId: number; now: Date }) {
  const { reason, byOrgId, now } = end;
  const cancelled = (await tx
    .update(shipmentRequests)
    .set({ status: REQUEST_TRANSITIONS.cancel.to, cancelledAt: now, cancelReason: reason, updatedAt: now })
    .where(eq(shipmentRequests.id, id))
    .returning()
    .get())!;
  // A load shared with other requests goes too: a leg of theirs, booked by another supplier, may go back with it.
  const returned = await withdrawPendingOffers(tx, eq(offers.requestId, id), now, 'partnerCancelled');
  const ended = await endRequestBookings(tx, [id], { transition: 'cancel', reason, byOrgId, now });
  return { cancelled, ...joinFallout({ withdrawn: [], ended }, returned) };
}
