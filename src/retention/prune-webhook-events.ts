import { and, eq, inArray, lt, notExists, sql } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { webhookDeliveries, webhookEvents } from '../../db/schema';
import { parseInput } from '../validation';
import { cutoff, PruneInput, type RetentionCtx } from './prune-input';
import { DAY_MS } from '../time';

/**
 * Deletes up to `batchSize` outbox events fanned out more than WEBHOOK_RETENTION_DAYS ago that no delivery
 * references any more (pruneWebhookDeliveries removed them, or no endpoint wanted the event), oldest first,
 * and returns how many. Events not yet fanned out are never touched.
 */
export function pruneWebhookEvents({ ctx, input }: { ctx: RetentionCtx; input: PruneInput }): Promise<number> {
  const { batchSize } = parseInput(PruneInput, input);
  const before = cutoff(ctx, ctx.env.WEBHOOK_RETENTION_DAYS * DAY_MS);
  return transact(ctx.db, async (tx) => {
    const done = tx
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(and(lt(webhookEvents.fannedOutAt, before), notExists(tx.select({ one: sql`1` }).from(webhookDeliveries).where(eq(webhookDeliveries.eventId, webhookEvents.id)))))
      .orderBy(webhookEvents.fannedOutAt)
      .limit(batchSize);
    const deleted = await tx.delete(webhookEvents).where(inArray(webhookEvents.id, done)).returning({ id: webhookEvents.id }).all();
    return deleted.length;
  });
}
