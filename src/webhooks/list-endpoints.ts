import { eq } from 'drizzle-orm';
import { webhookEndpoints, type WebhookEndpointRecord } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';

/** The caller's own endpoints, oldest first (at most MAX_ENDPOINTS_PER_ORGANISATION). */
export function listWebhookEndpoints({ ctx }: { ctx: Context; input?: object }): WebhookEndpointRecord[] {
  const viewer = requireViewer(ctx);
  return ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.organisationId, viewer.organisationId)).orderBy(webhookEndpoints.id).all();
}
