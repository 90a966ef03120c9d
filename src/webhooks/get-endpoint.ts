import { eq } from 'drizzle-orm';
import { webhookEndpoints, type WebhookEndpointRecord } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';
import { NotFoundError } from '../errors';

/**
 * One of the caller's own endpoints (nobody else's, operators and admins included: an endpoint's URL is its owner's business).
 * @throws NotFoundError for an unknown endpoint or another organisation's: the two look the same.
 */
export async function getWebhookEndpoint({ ctx, input }: { ctx: Context; input: { id: number } }): Promise<WebhookEndpointRecord> {
  const viewer = requireViewer(ctx);
  const endpoint = await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, input.id)).get();
  if (!endpoint || endpoint.organisationId !== viewer.organisationId) throw new NotFoundError('Webhook endpoint');
  return endpoint;
}
