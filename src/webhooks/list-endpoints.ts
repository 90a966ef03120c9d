import { eq } from 'drizzle-orm';
import { webhookEndpoints, type WebhookEndpointRecord } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';

/** The caller's own endpoints, oldest first (at most MAX_ENDPOINTS_PER_ORGANISATION). */
export async function listWebhookEndpoints({ ctx }: { ctx: Context; input?: object }): Promise<WebhookEndpointRecord[]> {
  const viewer = requireViewer(ctx);
  return await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.organisationId, viewer.organisationId)).orderBy(webhookEndpoints.id).all();
}
