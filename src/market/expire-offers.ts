import { and, eq, lte, type SQL } from 'drizzle-orm';
import { transact, type Tx } from '../../db/transaction';
import { offers } from '../../db/schema';
import type { Context } from '../context';
import { falloutEvents, type ReturnCause } from './fallout';
import { releaseRequests } from './release-requests';
import { publishAll, type Publication } from '../pubsub';
import { recordWebhookEvents } from '../webhooks/record-event';
import { inFrom, OFFER_TRANSITIONS } from './transitions';

const pending = inFrom(offers.status, OFFER_TRANSITIONS.expire);

/**
 * Marks PENDING offers of a complex past their expiry EXPIRED and returns their requests to OPEN, telling the
 * suppliers of the offers withdrawn and the bookings that ended with them (another leg of a request through the centre).
 * The suppliers of the expired offers are not told: they knew when they would expire.
 * Runs at the start of every round, so an unanswered offer never holds a request longer than one round.
 * Returns how many offers expired.
 */
export async function expireOffers(ctx: Pick<Context, 'db' | 'pubsub'>, complexId: number, now: Date): Promise<number> {
  const { count, events } = await transact(ctx.db, async (tx) => {
    const expired = await tx
      .update(offers)
      .set({ status: OFFER_TRANSITIONS.expire.to })
      .where(and(eq(offers.complexId, complexId), pending, lte(offers.expiresAt, now)))
      .returning({ requestId: offers.requestId })
      .all();
    const told = falloutEvents(await releaseRequests(tx, [...new Set(expired.map((o) => o.requestId))], now, 'expired'));
    await recordWebhookEvents(tx, told, now);
    return { count: expired.length, events: told };
  });
  publishAll(ctx.pubsub, events);
  return count;
}

/**
 * Lets the PENDING offers matching `which` lapse (an extension whose booked route changed, a route whose truck is
 * booked elsewhere, a stay its warehouse has no room left for) and releases their requests for `cause`, recording
 * offer.withdrawn, booking.ended and shipment.updated for the offers, bookings and requests that ended or returned with
 * them (a request's other leg, booked by another supplier). Returns the events to publish once the transaction commits.
 */
export async function expireLapsedOffers(tx: Tx, which: SQL, now: Date, cause: ReturnCause): Promise<Publication[]> {
  const expired = await tx.update(offers).set({ status: OFFER_TRANSITIONS.expire.to }).where(and(which, pending)).returning({ requestId: offers.requestId }).all();
  const told = falloutEvents(await releaseRequests(tx, [...new Set(expired.map((o) => o.requestId))], now, cause));
  await recordWebhookEvents(tx, told, now);
  return told;
}
