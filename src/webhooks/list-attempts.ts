import { eq } from 'drizzle-orm';
import { webhookAttempts, type WebhookAttemptRecord } from '../../db/schema';
import type { Context } from '../context';
import type { WebhookDeliveryView } from './delivery-view';

/** Every attempt of a delivery the caller already read (listWebhookDeliveries checked the tenant), oldest first. */
export async function listWebhookAttempts({ ctx, input }: { ctx: Context; input: { delivery: WebhookDeliveryView } }): Promise<WebhookAttemptRecord[]> {
  return await ctx.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, input.delivery.id)).orderBy(webhookAttempts.id).all();
}
