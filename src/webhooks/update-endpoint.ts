import { and, eq, inArray } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { z } from 'zod';
import { webhookDeliveries, webhookEndpoints, type WebhookEndpointRecord } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import { checkEventTypes, checkUrl, WebhookDescription, WebhookEventTypes, WebhookUrl } from './endpoint-input';
import { fanOutAll } from './fan-out';
import { getWebhookEndpoint } from './get-endpoint';

export const UpdateWebhookEndpointInput = z.object({
  id: z.number().int().positive(),
  url: WebhookUrl.nullish(),
  eventTypes: WebhookEventTypes.nullish(),
  description: WebhookDescription,
  /** true re-enables an endpoint the worker disabled; false pauses it. */
  enabled: z.boolean().nullish(),
});
export type UpdateWebhookEndpointInput = z.infer<typeof UpdateWebhookEndpointInput>;

/**
 * The owner changes its endpoint's URL, event types, description, or enables or disables it. Fields left
 * out keep their value; the secret never changes (create another endpoint to rotate it). Enabling a disabled
 * endpoint sends the deliveries it kept queued (a paused one keeps them, every event committed before the pause
 * among them) now, each with a new retry window, as a redelivery does: a window counted from before a long pause
 * would end them, and disable it, at their first failure.
 * @throws NotFoundError for another organisation's endpoint, or one deleted meanwhile; ValidationError as at creation.
 */
export async function updateWebhookEndpoint({ ctx, input }: { ctx: Context; input: UpdateWebhookEndpointInput }): Promise<WebhookEndpointRecord> {
  const viewer = requireViewer(ctx);
  const data = parseInput(UpdateWebhookEndpointInput, input);
  const current = await getWebhookEndpoint({ ctx, input: { id: data.id } });
  if (data.eventTypes) checkEventTypes(viewer.role, data.eventTypes);
  if (data.url) await checkUrl(ctx, data.url);
  const resumed = data.enabled === true && current.status === 'DISABLED';
  const paused = data.enabled === false && current.status === 'ACTIVE';
  // Only a change of state is written: pausing an endpoint the worker disabled keeps its reason, what failed.
  const enabled = resumed ? { status: 'ACTIVE' as const, disabledReason: null } : paused ? { status: 'DISABLED' as const, disabledReason: 'disabled by its owner' } : {};
  const changes = {
    ...(data.url && { url: data.url }),
    ...(data.eventTypes && { eventTypes: [...new Set(data.eventTypes)] }),
    ...(data.description !== undefined && { description: data.description }),
    ...enabled,
    updatedAt: ctx.now(),
  };
  return transact(ctx.db, async (tx) => {
    // The events committed while it was active are its queued deliveries, also those the worker has not fanned out yet.
    if (paused) await fanOutAll(tx, changes.updatedAt);
    if (resumed) {
      const queued = and(eq(webhookDeliveries.endpointId, data.id), inArray(webhookDeliveries.status, ['PENDING', 'SENDING']));
      await tx.update(webhookDeliveries).set({ firstAttemptAt: null }).where(queued).run();
      await tx.update(webhookDeliveries).set({ nextAttemptAt: changes.updatedAt }).where(and(queued, eq(webhookDeliveries.status, 'PENDING'))).run();
    }
    const updated = await tx.update(webhookEndpoints).set(changes).where(eq(webhookEndpoints.id, data.id)).returning().get();
    // Deleted since it was read (the URL's check may wait on DNS): as gone as if it had been before.
    if (!updated) throw new NotFoundError('Webhook endpoint');
    return updated;
  });
}
