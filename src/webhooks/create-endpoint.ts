import { count, eq } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { z } from 'zod';
import { webhookEndpoints, type WebhookEndpointRecord } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { parseInput } from '../validation';
import { checkEventTypes, checkUrl, MAX_ENDPOINTS_PER_ORGANISATION, WebhookDescription, WebhookEventTypes, WebhookUrl } from './endpoint-input';
import { newSigningSecret } from './signature';

export const CreateWebhookEndpointInput = z.object({ url: WebhookUrl, eventTypes: WebhookEventTypes, description: WebhookDescription });
export type CreateWebhookEndpointInput = z.infer<typeof CreateWebhookEndpointInput>;

/** The new endpoint and its signing secret, which is never shown again. */
export interface CreatedWebhookEndpoint {
  endpoint: WebhookEndpointRecord;
  secret: string;
}

/**
 * Any tenant organisation (not ADMIN): registers an endpoint of its own for the event types its role receives.
 * @throws ValidationError for a URL the address rules refuse or an event type the role does not receive;
 *   ConflictError past MAX_ENDPOINTS_PER_ORGANISATION.
 */
export async function createWebhookEndpoint({ ctx, input }: { ctx: Context; input: CreateWebhookEndpointInput }): Promise<CreatedWebhookEndpoint> {
  const viewer = requireRole(ctx, 'MANUFACTURER', 'CARRIER', 'WAREHOUSE_OWNER', 'OPERATOR');
  const data = parseInput(CreateWebhookEndpointInput, input);
  checkEventTypes(viewer.role, data.eventTypes);
  await checkUrl(ctx, data.url);
  const secret = newSigningSecret();
  const now = ctx.now();
  const endpoint = await transact(ctx.db, async (tx) => {
    const { n } = (await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.organisationId, viewer.organisationId)).get())!;
    if (n >= MAX_ENDPOINTS_PER_ORGANISATION) throw new ConflictError(`An organisation may register at most ${MAX_ENDPOINTS_PER_ORGANISATION} webhook endpoints`);
    const eventTypes = [...new Set(data.eventTypes)];
    return (await tx.insert(webhookEndpoints).values({ organisationId: viewer.organisationId, url: data.url, eventTypes, description: data.description ?? null, secret, createdAt: now, updatedAt: now }).returning().get())!;
  });
  return { endpoint, secret };
}
