import { and, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { offers } from '../../db/schema';
import { releaseRequests } from './release-requests';
import { inFrom, OFFER_TRANSITIONS } from './transitions';

/**
 * Declines the PENDING offers of `unit` with the supplier's reason; their requests return to the next round when
 * nothing else is pending. Returns the offers withdrawn with them and the bookings that ended (another leg of a request
 * through the centre), whose suppliers are to be told (falloutEvents).
 */
export async function declineOffers(tx: Tx, unit: SQL, now: Date, reason: string | null) {
  const declined = await tx
    .update(offers)
    .set({ status: OFFER_TRANSITIONS.decline.to, respondedAt: now, responseReason: reason })
    .where(and(unit, inFrom(offers.status, OFFER_TRANSITIONS.decline)))
    .returning({ requestId: offers.requestId })
    .all();
  return releaseRequests(tx, declined.map((o) => o.requestId), now, 'declined');
}
