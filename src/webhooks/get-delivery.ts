import { eq } from 'drizzle-orm';
import { webhookDeliveries } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { selectDeliveries, type WebhookDeliveryView } from './delivery-view';

/**
 * A delivery to one of the caller's own endpoints.
 * @throws NotFoundError for an unknown delivery or another organisation's.
 */
export async function getWebhookDelivery({ ctx, input }: { ctx: Context; input: { id: number } }): Promise<WebhookDeliveryView> {
  const viewer = requireViewer(ctx);
  const delivery = await selectDeliveries(ctx.db).where(eq(webhookDeliveries.id, input.id)).get();
  if (!delivery || delivery.organisationId !== viewer.organisationId) throw new NotFoundError('Webhook delivery');
  return delivery;
}
