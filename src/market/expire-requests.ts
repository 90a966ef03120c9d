import { inArray, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { offers, shipmentRequests } from '../../db/schema';
import { joinFallout, type Fallout } from './fallout';
import { endRequestBookings } from './end-request-bookings';
import { END_REASONS } from './end-reasons';
import { REQUEST_TRANSITIONS } from './transitions';
import { withdrawPendingOffers } from './withdraw-offers';

/**
 * Marks the requests `stale` selects (within REQUEST_TRANSITIONS.expire's `from`) EXPIRED, withdraws their pending
 * offers and ends any booked leg. Returns the requests expired (with their shippers), the offers withdrawn, and the bookings that ended: theirs,
 * and those of requests that returned to the next round with a load they shared.
 */
export async function expireRequests(tx: Tx, stale: SQL | undefined, now: Date): Promise<{ expired: { id: number; shipperOrgId: number }[] } & Fallout> {
  const expired = await tx.update(shipmentRequests).set({ status: REQUEST_TRANSITIONS.expire.to, updatedAt: now }).where(stale).returning({ id: shipmentRequests.id, shipperOrgId: shipmentRequests.shipperOrgId }).all();
  const ids = expired.map((r) => r.id);
  const returned = await withdrawPendingOffers(tx, inArray(offers.requestId, ids), now, 'partnerExpired');
  // An OFFERED request may hold a booked leg (e.g. its storage) while another leg waits: release it too.
  const ended = await endRequestBookings(tx, ids, { transition: 'cancel', reason: END_REASONS.pickupPassed.en, byOrgId: null, now });
  return { expired, ...joinFallout({ withdrawn: [], ended }, returned) };
}
