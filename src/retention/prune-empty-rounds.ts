import { and, eq, inArray, lt, notExists, sql } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { routes, EMPTY_SCHEDULED_ROUND, matchingRounds, offers } from '../../db/schema';
import { parseInput } from '../validation';
import { cutoff, PruneInput, type RetentionCtx } from './prune-input';
import { HOUR_MS } from '../time';

/**
 * Deletes up to `batchSize` scheduled rounds that offered nothing and started more than
 * EMPTY_ROUND_RETENTION_HOURS ago, oldest first, and returns how many. The scheduler runs one per complex
 * every few minutes, mostly empty ones at night (or ones finding no truck again for a load none can take); they
 * report nothing worth keeping. Manual rounds stay (an
 * operator asked for them), and so does any round an offer or a route still references.
 */
export function pruneEmptyRounds({ ctx, input }: { ctx: RetentionCtx; input: PruneInput }): Promise<number> {
  const { batchSize } = parseInput(PruneInput, input);
  const before = cutoff(ctx, ctx.env.EMPTY_ROUND_RETENTION_HOURS * HOUR_MS);
  return transact(ctx.db, async (tx) => {
    const empty = tx
      .select({ id: matchingRounds.id })
      .from(matchingRounds)
      .where(
        and(
          // The partial index's own condition, so each batch reads that index only.
          EMPTY_SCHEDULED_ROUND,
          lt(matchingRounds.startedAt, before),
          notExists(tx.select({ one: sql`1` }).from(offers).where(eq(offers.roundId, matchingRounds.id))),
          notExists(tx.select({ one: sql`1` }).from(routes).where(eq(routes.roundId, matchingRounds.id))),
        ),
      )
      .orderBy(matchingRounds.startedAt)
      .limit(batchSize);
    const deleted = await tx.delete(matchingRounds).where(inArray(matchingRounds.id, empty)).returning({ id: matchingRounds.id }).all();
    return deleted.length;
  });
}
