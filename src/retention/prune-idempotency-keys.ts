import { lt, sql } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { idempotencyKeys } from '../../db/schema';
import { parseInput } from '../validation';
import { cutoff, PruneInput, type RetentionCtx } from './prune-input';
import { DAY_MS } from '../time';

/**
 * Deletes up to `batchSize` idempotency keys older than IDEMPOTENCY_RETENTION_DAYS, oldest first, and
 * returns how many. A retry after that finds no key and runs its mutation again, so the window must
 * outlast any client's retries (src/env.ts).
 */
export function pruneIdempotencyKeys({ ctx, input }: { ctx: RetentionCtx; input: PruneInput }): Promise<number> {
  const { batchSize } = parseInput(PruneInput, input);
  const before = cutoff(ctx, ctx.env.IDEMPOTENCY_RETENTION_DAYS * DAY_MS);
  return transact(ctx.db, async (tx) => {
    const k = idempotencyKeys;
    const oldest = tx.select({ organisationId: k.organisationId, key: k.key }).from(k).where(lt(k.createdAt, before)).orderBy(k.createdAt).limit(batchSize);
    const deleted = await tx.delete(k).where(sql`(${k.organisationId}, ${k.key}) in ${oldest}`).returning({ key: k.key }).all();
    return deleted.length;
  });
}
