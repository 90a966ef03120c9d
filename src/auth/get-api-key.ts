import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { apiKeys } from '../../db/schema';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import { requireViewer } from './authorize';
import type { ApiKeyRecord } from './api-key-record';

export const GetApiKeyInput = z.object({ id: z.number().int().positive() });
export type GetApiKeyInput = z.infer<typeof GetApiKeyInput>;

/**
 * An API key (its record, never its secret), for its own organisation and admins.
 * @throws NotFoundError for an unknown key or another organisation's.
 */
export async function getApiKey({ ctx, input }: { ctx: Context; input: GetApiKeyInput }): Promise<ApiKeyRecord> {
  const viewer = requireViewer(ctx);
  const { id } = parseInput(GetApiKeyInput, input);
  const key = await ctx.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  if (!key || (viewer.role !== 'ADMIN' && key.organisationId !== viewer.organisationId)) throw new NotFoundError('API key');
  return key;
}
