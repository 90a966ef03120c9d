import { eq } from 'drizzle-orm';
import { transact } from '../../db/transaction';
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
export async function deleteWebhookEndpoint({ ctx, input }: { ctx: Context; input: DeleteWebhookEndpointInput }): Promise<number> {
  const { id } = parseInput(DeleteWebhookEndpointInput, input);
  await getWebhookEndpoint({ ctx, input: { id } });
  await transact(ctx.db, (tx) => tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).run(), { savepoint: false });
  return id;
}
