import { and, eq, gte, notExists, sql } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { bookings, matchingRounds, offers, shipmentRequests, type RequestStatus } from '../../db/schema';
import { CLAIM_LAPSE_MS } from '../matching/run-round';
import { inFrom, mayTake, REQUEST_TRANSITIONS } from './transitions';
import { withdrawPendingOffers } from './withdraw-offers';
import type { Fallout } from './fallout';

type Terms = Partial<typeof shipmentRequests.$inferInsert>;
type Request = typeof shipmentRequests.$inferSelect;

/** Why a request's terms could not change: a supplier agreed (a leg booked, or all), it left the market, or a round is pricing it. */
export type AmendRefusal = 'AGREED' | 'GONE' | 'ROUND';

/**
 * Writes the shipper's new `terms` over request `id` while no supplier has agreed to the old ones (OPEN, or OFFERED
 * with no leg booked) and no live round of its complex is pricing it (the round would record offers made for the old
 * terms: it checks only that the request is still OPEN), back OPEN with the last round's `unmatched` cleared (it
 * explained the old terms), and withdraws its pending offers as a cancel does (a pooled load's other shares with
 * them). The guards are in the UPDATE's WHERE, so an accept or a round racing it leaves one outcome. Returns why it
 * wrote nothing otherwise.
 */
export async function amendRequest(tx: Tx, id: number, terms: Terms, now: Date): Promise<({ amended: Request } & Fallout) | { refused: AmendRefusal; status: RequestStatus }> {
  const agreed = tx.select({ id: bookings.id }).from(bookings).where(and(eq(bookings.requestId, id), eq(bookings.status, 'CONFIRMED')));
  // A claim unstamped for CLAIM_LAPSE_MS is a dead process's: the next round takes it over, and it writes nothing.
  const pricing = tx
    .select({ id: matchingRounds.id })
    .from(matchingRounds)
    .where(and(eq(matchingRounds.complexId, shipmentRequests.complexId), eq(matchingRounds.status, 'RUNNING'), gte(sql`coalesce(${matchingRounds.aliveAt}, ${matchingRounds.startedAt})`, now.getTime() - CLAIM_LAPSE_MS)));
  const amended = await tx
    .update(shipmentRequests)
    .set({ ...terms, status: REQUEST_TRANSITIONS.amend.to, unmatchedReason: null, unmatchedAt: null, updatedAt: now })
    .where(and(eq(shipmentRequests.id, id), inFrom(shipmentRequests.status, REQUEST_TRANSITIONS.amend), notExists(agreed), notExists(pricing)))
    .returning()
    .get();
  if (!amended) return refusal(tx, id);
  // `keep`: the request is OPEN already, on its new terms; only a pooled load's other requests return.
  return { amended, ...(await withdrawPendingOffers(tx, eq(offers.requestId, id), now, [id])) };
}

/** Why a request in `status` cannot change whatever else holds, or null (OPEN, OFFERED). */
export function statusRefusal(status: RequestStatus): AmendRefusal | null {
  if (mayTake(REQUEST_TRANSITIONS.amend, status)) return null;
  return status === 'CANCELLED' || status === 'EXPIRED' ? 'GONE' : 'AGREED';
}

async function refusal(tx: Tx, id: number): Promise<{ refused: AmendRefusal; status: RequestStatus }> {
  const { status } = (await tx.select({ status: shipmentRequests.status }).from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!;
  const booked = await tx.select({ id: bookings.id }).from(bookings).where(and(eq(bookings.requestId, id), eq(bookings.status, 'CONFIRMED'))).get();
  return { refused: statusRefusal(status) ?? (booked ? 'AGREED' : 'ROUND'), status };
}
