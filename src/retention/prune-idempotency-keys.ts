import { inArray, lt, sql } from 'drizzle-orm';
import { idempotencyKeys } from '../../db/schema';
import { parseInput } from '../validation';
import { cutoff, PruneInput, type RetentionCtx } from './prune-input';
import { DAY_MS } from '../time';

/**
 * Deletes up to `batchSize` idempotency keys older than IDEMPOTENCY_RETENTION_DAYS, oldest first, and
 * returns how many. A retry after that finds no key and runs its mutation again, so the window must
 * outlast any client's retries (src/env.ts).
 */
export function pruneIdempotencyKeys({ ctx, input }: { ctx: RetentionCtx; input: PruneInput }): number {
  const { batchSize } = parseInput(PruneInput, input);
  const before = cutoff(ctx, ctx.env.IDEMPOTENCY_RETENTION_DAYS * DAY_MS);
  // Immediate: the write lock is taken before the read, so another process's commit in between cannot fail the delete.
  return ctx.db.transaction(
    (tx) => {
      const oldest = tx.select({ rowid: sql`rowid` }).from(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).orderBy(idempotencyKeys.createdAt).limit(batchSize);
      return tx.delete(idempotencyKeys).where(inArray(sql`rowid`, oldest)).run().changes;
    },
    { behavior: 'immediate' },
  );
}
