import { and, eq, lte } from 'drizzle-orm';
import { offers } from '../../db/schema';
import type { Context } from '../context';
import { releaseRequests } from './release-requests';

/**
 * Marks PENDING offers of a complex past their expiry EXPIRED and returns their requests to OPEN.
 * Runs at the start of every round, so an unanswered offer never holds a request longer than one round.
 * Returns how many offers expired.
 */
export function expireOffers(ctx: Pick<Context, 'db'>, complexId: number, now: Date): number {
  return ctx.db.transaction(
    (tx) => {
      const expired = tx
        .update(offers)
        .set({ status: 'EXPIRED' })
        .where(and(eq(offers.complexId, complexId), eq(offers.status, 'PENDING'), lte(offers.expiresAt, now)))
        .returning({ requestId: offers.requestId })
        .all();
      releaseRequests(tx, [...new Set(expired.map((o) => o.requestId))], now);
      return expired.length;
    },
    { behavior: 'immediate' },
  );
}
