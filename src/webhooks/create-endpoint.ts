import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { webhookEndpoints, type WebhookEndpointRecord } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { IdempotencyKey, idempotent } from '../idempotency';
import { parseInput } from '../validation';
import { checkEventTypes, checkUrl, MAX_ENDPOINTS_PER_ORGANISATION, WebhookDescription, WebhookEventTypes, WebhookUrl } from './endpoint-input';
import { newSigningSecret } from './signature';

export const CreateWebhookEndpointInput = z.object({ url: WebhookUrl, eventTypes: WebhookEventTypes, description: WebhookDescription, idempotencyKey: IdempotencyKey.nullish() });
export type CreateWebhookEndpointInput = z.input<typeof CreateWebhookEndpointInput>;

/** The new endpoint and its signing secret, which is never shown again. */
export interface CreatedWebhookEndpoint {
  endpoint: WebhookEndpointRecord;
  secret: string;
}

/**
 * Any tenant organisation (not ADMIN): registers an endpoint of its own for the event types its role receives. A
 * retry with the same idempotency key returns the endpoint it first registered, with its secret (the caller never
 * saw the first answer), and registers none.
 * @throws ValidationError for a URL the address rules refuse or an event type the role does not receive;
 *   ConflictError past MAX_ENDPOINTS_PER_ORGANISATION, when the idempotency key was used with another input, or
 *   for a retry of a registration whose endpoint has since been deleted.
 */
export async function createWebhookEndpoint({ ctx, input }: { ctx: Context; input: CreateWebhookEndpointInput }): Promise<CreatedWebhookEndpoint> {
  const viewer = requireRole(ctx, 'MANUFACTURER', 'CARRIER', 'WAREHOUSE_OWNER', 'OPERATOR');
  const { idempotencyKey, ...data } = parseInput(CreateWebhookEndpointInput, input);
  checkEventTypes(viewer.role, data.eventTypes);
  await checkUrl(ctx, data.url);
  const now = ctx.now();
  // The key keeps the endpoint's id, not its secret: the secret stays in the endpoint's row alone. Event types are a
  // set: a retry listing them in another order (or one twice) is the same request.
  const eventTypes = [...new Set(data.eventTypes)];
  const fingerprint = { ...data, eventTypes: [...eventTypes].sort(), description: data.description ?? null };
  const { result: { endpointId } } = await idempotent(ctx.db, { organisationId: viewer.organisationId, key: idempotencyKey, operation: 'webhookEndpointCreate', input: fingerprint }, async (tx) => {
    const { n } = (await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.organisationId, viewer.organisationId)).get())!;
    if (n >= MAX_ENDPOINTS_PER_ORGANISATION) throw new ConflictError(`An organisation may register at most ${MAX_ENDPOINTS_PER_ORGANISATION} webhook endpoints`);
    const { id } = (await tx.insert(webhookEndpoints).values({ organisationId: viewer.organisationId, complexId: viewer.complexId, url: data.url, eventTypes, description: data.description ?? null, secret: newSigningSecret(), createdAt: now, updatedAt: now }).returning({ id: webhookEndpoints.id }).get())!;
    return { endpointId: id };
  });
  const endpoint = await ctx.db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.organisationId, viewer.organisationId))).get();
  // The key stands for that endpoint alone: registering another under it would repeat the first call's effect.
  if (!endpoint) throw new ConflictError(`input.idempotencyKey: ${idempotencyKey} registered an endpoint that has since been deleted; send a new key to register another`);
  return { endpoint, secret: endpoint.secret };
}
