import { and, eq, notExists, sql } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { bookings, offers, shipmentRequests, termsMask, type RequestStatus, type RequestTerm } from '../../db/schema';
import { ConflictError } from '../errors';
import { inFrom, mayTake, OFFER_TRANSITIONS, REQUEST_TRANSITIONS } from './transitions';
import { withdrawPendingOffers } from './withdraw-offers';
import { noFallout, type Fallout } from './fallout';
import { offersStand, type StandingTerms } from './offers-stand';

type Terms = Partial<typeof shipmentRequests.$inferInsert> & StandingTerms;

/**
 * Writes the shipper's new `terms` over request `id` while no supplier has agreed to the old ones (OPEN, or OFFERED
 * with no leg booked), with the last round's `unmatched` cleared (it explained the old terms) and its suppliers'
 * declines void (they answered the old terms: round-input reads only those of later offers, or given after the
 * change), and when and which terms (`changed`) it changed kept over the last change's (the feed's REQUEST_CHANGED,
 * told again). When its pending offers all still meet the new terms (offersStand: a raised price limit, say), they
 * stand and the request keeps its status; otherwise they are withdrawn first, as a cancel withdraws them (a pooled
 * load's other shares with them), and it is back OPEN. An accept racing it then either finds its offer withdrawn or
 * standing on terms it meets, or has booked before the request's UPDATE, whose WHERE holds the guards, reads the
 * booking. A round pricing it meanwhile writes nothing for it (recordOffers compares its updated_at; one standing
 * OFFERED is no round's). Returns the amended request and what it withdrew.
 * @throws ConflictError when a guard fails: the caller's transaction rolls back, the withdrawals with it.
 */
export async function amendRequest(tx: Tx, id: number, terms: Terms, changed: readonly RequestTerm[], now: Date): Promise<{ amended: typeof shipmentRequests.$inferSelect } & Fallout> {
  const mine = eq(offers.requestId, id);
  const pending = await tx.select().from(offers).where(and(mine, inFrom(offers.status, OFFER_TRANSITIONS.withdraw))).all();
  const stand = offersStand(pending, terms, changed);
  // Withdrawn: `keep`, the request itself returns OPEN below, on its new terms; only a pooled load's other requests are released.
  const fallout = stand ? noFallout : await withdrawPendingOffers(tx, mine, now, 'partnerChanged', [id]);
  const lastOffer = sql`(select max(${offers.id}) from ${offers} where ${eq(offers.requestId, id)})`;
  const agreed = tx.select({ id: bookings.id }).from(bookings).where(and(eq(bookings.requestId, id), eq(bookings.status, 'CONFIRMED')));
  const amended = await tx
    .update(shipmentRequests)
    // Standing offers keep the status as it is (not set: a decline committing meanwhile may have released it).
    .set({ ...terms, ...(stand ? {} : { status: REQUEST_TRANSITIONS.amend.to }), unmatchedReason: null, unmatchedAt: null, updatedAt: now, termsChangedAfterOfferId: lastOffer, termsChangedAt: now, termsChanged: termsMask(changed) })
    .where(and(eq(shipmentRequests.id, id), inFrom(shipmentRequests.status, REQUEST_TRANSITIONS.amend), notExists(agreed)))
    .returning()
    .get();
  if (!amended) throw await refusal(tx, id);
  return { amended, ...fallout };
}

/**
 * Refuses a request whose status forbids any change (a supplier agreed to it, its goods are on their way, or it left
 * the market): cheap, before the new terms are checked. amendRequest checks again in its UPDATE.
 * @throws ConflictError
 */
export function assertAmendable(status: RequestStatus): void {
  if (mayTake(REQUEST_TRANSITIONS.amend, status)) return;
  // Only a booked request may still be cancelled and posted again: from its pickup on, cancel is refused too.
  throw new ConflictError(status === 'BOOKED' ? AGREED : `ShipmentRequest is ${status} and can no longer be changed`);
}

const AGREED = 'A supplier has agreed to these terms (the request or a leg of it is booked): cancel it while not picked up (shipmentRequestCancel), and post it again';

async function refusal(tx: Tx, id: number): Promise<ConflictError> {
  const { status } = (await tx.select({ status: shipmentRequests.status }).from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!;
  assertAmendable(status);
  return new ConflictError(AGREED);
}
