import { and, eq } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { z } from 'zod';
import { webhookDeliveries, webhookEndpoints } from '../../db/schema';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { parseInput } from '../validation';
import type { WebhookDeliveryView } from './delivery-view';
import { getWebhookDelivery } from './get-delivery';

export const RedeliverWebhookInput = z.object({ deliveryId: z.number().int().positive() });
export type RedeliverWebhookInput = z.infer<typeof RedeliverWebhookInput>;

/**
 * The owner asks for a delivery to be sent again, now (same `webhook-id`, fresh signature): a sent or failed one
 * with a new retry window; one still queued keeps its window, its next attempt brought to now (its receiver fixed,
 * its owner would otherwise wait up to WEBHOOK_RETRY_CAP_MS). One being sent (SENDING) stays as it is.
 * @throws NotFoundError for another organisation's delivery; ConflictError while its endpoint is disabled.
 */
export async function redeliverWebhook({ ctx, input }: { ctx: Context; input: RedeliverWebhookInput }): Promise<WebhookDeliveryView> {
  const { deliveryId } = parseInput(RedeliverWebhookInput, input);
  const delivery = await getWebhookDelivery({ ctx, input: { id: deliveryId } });
  const endpoint = (await ctx.db.select({ status: webhookEndpoints.status }).from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId)).get())!;
  if (endpoint.status !== 'ACTIVE') throw new ConflictError('The endpoint is disabled: enable it (webhookEndpointUpdate) before redelivering');
  if (delivery.status === 'DELIVERED' || delivery.status === 'FAILED') {
    const retry = { status: 'PENDING' as const, nextAttemptAt: ctx.now(), firstAttemptAt: null };
    await transact(ctx.db, (tx) => tx.update(webhookDeliveries).set(retry).where(eq(webhookDeliveries.id, deliveryId)).run(), { savepoint: false });
  } else if (delivery.status === 'PENDING') {
    // Only while still PENDING: a worker may have claimed it (SENDING, its lease in nextAttemptAt) since the read.
    const due = and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'PENDING'));
    await transact(ctx.db, (tx) => tx.update(webhookDeliveries).set({ nextAttemptAt: ctx.now() }).where(due).run(), { savepoint: false });
  }
  return getWebhookDelivery({ ctx, input: { id: deliveryId } });
}
