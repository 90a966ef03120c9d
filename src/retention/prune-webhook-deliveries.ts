import { and, inArray, lt } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { webhookDeliveries } from '../../db/schema';
import { parseInput } from '../validation';
import { cutoff, PruneInput, type RetentionCtx } from './prune-input';
import { DAY_MS } from '../time';

/**
 * Deletes up to `batchSize` webhook deliveries that ended (DELIVERED or FAILED) more than
 * WEBHOOK_RETENTION_DAYS ago, with their attempts (cascade), and returns how many. A finished delivery's
 * `next_attempt_at` is when it ended (or, for one failed with its disabled endpoint, the retry it would have
 * made, at most WEBHOOK_RETRY_CAP_MS later), so the worker's (status, next_attempt_at) index finds them.
 */
export function pruneWebhookDeliveries({ ctx, input }: { ctx: RetentionCtx; input: PruneInput }): Promise<number> {
  const { batchSize } = parseInput(PruneInput, input);
  const before = cutoff(ctx, ctx.env.WEBHOOK_RETENTION_DAYS * DAY_MS);
  return transact(ctx.db, async (tx) => {
    const finished = tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(inArray(webhookDeliveries.status, ['DELIVERED', 'FAILED']), lt(webhookDeliveries.nextAttemptAt, before)))
      .limit(batchSize);
    const deleted = await tx.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, finished)).returning({ id: webhookDeliveries.id }).all();
    return deleted.length;
  });
}
