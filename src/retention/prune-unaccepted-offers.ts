import { and, eq, inArray, isNull, lt, notExists, or, sql } from 'drizzle-orm';
import { bookings, offers, shipmentRequests, UNACCEPTED_OFFER } from '../../db/schema';
import { parseInput } from '../validation';
import { cutoff, DAY_MS, PruneInput, type RetentionCtx } from './prune-input';

/**
 * Deletes up to `batchSize` offers nobody took (EXPIRED, DECLINED or WITHDRAWN) created more than
 * OFFER_RETENTION_DAYS ago, oldest first, and returns how many. Kept whatever their age: an offer a booking
 * references, the offers of a route someone booked (insights and statements count a booked route's offers to
 * tell a pooled trip), and the offers of a request still OPEN or OFFERED (a declined pair keeps it off that
 * supplier). Routes stay: a round's pooled cost in insights sums all the routes it planned.
 */
export function pruneUnacceptedOffers({ ctx, input }: { ctx: RetentionCtx; input: PruneInput }): number {
  const { batchSize } = parseInput(PruneInput, input);
  const before = cutoff(ctx, ctx.env.OFFER_RETENTION_DAYS * DAY_MS);
  return ctx.db.transaction(
    (tx) => {
      const booking = (on: ReturnType<typeof eq>) => tx.select({ one: sql`1` }).from(bookings).where(on);
      const stale = tx
        .select({ id: offers.id })
        .from(offers)
        .where(
          and(
            // The partial index's own condition, so each batch reads that index only.
            UNACCEPTED_OFFER,
            lt(offers.createdAt, before),
            notExists(booking(eq(bookings.offerId, offers.id))),
            or(isNull(offers.routeId), notExists(booking(eq(bookings.routeId, offers.routeId)))),
            notExists(tx.select({ one: sql`1` }).from(shipmentRequests).where(and(eq(shipmentRequests.id, offers.requestId), inArray(shipmentRequests.status, ['OPEN', 'OFFERED'])))),
          ),
        )
        .orderBy(offers.createdAt)
        .limit(batchSize);
      return tx.delete(offers).where(inArray(offers.id, stale)).run().changes;
    },
    { behavior: 'immediate' },
  );
}
