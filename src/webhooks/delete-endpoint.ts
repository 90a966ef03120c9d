import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { webhookEndpoints } from '../../db/schema';
import type { Context } from '../context';
import { parseInput } from '../validation';
import { getWebhookEndpoint } from './get-endpoint';

export const DeleteWebhookEndpointInput = z.object({ id: z.number().int().positive() });
export type DeleteWebhookEndpointInput = z.infer<typeof DeleteWebhookEndpointInput>;

/**
 * The owner deletes its endpoint, with its deliveries and their attempts. Returns the deleted endpoint's id.
 * @throws NotFoundError for an unknown endpoint or another organisation's.
 */
export function deleteWebhookEndpoint({ ctx, input }: { ctx: Context; input: DeleteWebhookEndpointInput }): number {
  const { id } = parseInput(DeleteWebhookEndpointInput, input);
  getWebhookEndpoint({ ctx, input: { id } });
  ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).run();
  return id;
}
