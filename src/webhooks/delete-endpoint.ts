import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { webhookEndpoints } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';
import { parseInput } from '../validation';
import { ownEndpoint } from './own-endpoint';

export const DeleteWebhookEndpointInput = z.object({ id: z.number().int().positive() });
export type DeleteWebhookEndpointInput = z.infer<typeof DeleteWebhookEndpointInput>;

/**
 * The owner deletes its endpoint, with its deliveries and their attempts. Returns the deleted endpoint's id.
 * @throws NotFoundError for an unknown endpoint or another organisation's.
 */
export function deleteWebhookEndpoint({ ctx, input }: { ctx: Context; input: DeleteWebhookEndpointInput }): number {
  const viewer = requireViewer(ctx);
  const { id } = parseInput(DeleteWebhookEndpointInput, input);
  ownEndpoint(ctx.db, viewer, id);
  ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).run();
  return id;
}
