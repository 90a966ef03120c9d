import { eq } from 'drizzle-orm';
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
 * The owner asks for a delivery to be sent again, now (same `webhook-id`, fresh signature), with a new
 * retry window. A delivery already queued stays as it is.
 * @throws NotFoundError for another organisation's delivery; ConflictError while its endpoint is disabled.
 */
export function redeliverWebhook({ ctx, input }: { ctx: Context; input: RedeliverWebhookInput }): WebhookDeliveryView {
  const { deliveryId } = parseInput(RedeliverWebhookInput, input);
  const delivery = getWebhookDelivery({ ctx, input: { id: deliveryId } });
  const endpoint = ctx.db.select({ status: webhookEndpoints.status }).from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId)).get()!;
  if (endpoint.status !== 'ACTIVE') throw new ConflictError('The endpoint is disabled: enable it (webhookEndpointUpdate) before redelivering');
  if (delivery.status === 'DELIVERED' || delivery.status === 'FAILED') {
    ctx.db.update(webhookDeliveries).set({ status: 'PENDING', nextAttemptAt: ctx.now(), firstAttemptAt: null }).where(eq(webhookDeliveries.id, deliveryId)).run();
  }
  return getWebhookDelivery({ ctx, input: { id: deliveryId } });
}
