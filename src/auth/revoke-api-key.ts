import { and, eq, isNull } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { z } from 'zod';
import { apiKeys } from '../../db/schema';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import { requireViewer } from './authorize';
import type { ApiKeyRecord } from './api-key-record';

export const RevokeApiKeyInput = z.object({ apiKeyId: z.number().int().positive() });
export type RevokeApiKeyInput = z.infer<typeof RevokeApiKeyInput>;

/**
 * ADMIN for any key, or an organisation for its own. Revoking twice keeps the first revocation time.
 * @throws NotFoundError for an unknown key or another tenant's.
 */
export async function revokeApiKey({ ctx, input }: { ctx: Context; input: RevokeApiKeyInput }): Promise<ApiKeyRecord> {
  const viewer = requireViewer(ctx);
  const { apiKeyId } = parseInput(RevokeApiKeyInput, input);
  const key = await ctx.db.select().from(apiKeys).where(eq(apiKeys.id, apiKeyId)).get();
  if (!key || (viewer.role !== 'ADMIN' && key.organisationId !== viewer.organisationId)) throw new NotFoundError('API key');
  await transact(ctx.db, (tx) => tx.update(apiKeys).set({ revokedAt: ctx.now() }).where(and(eq(apiKeys.id, apiKeyId), isNull(apiKeys.revokedAt))).run(), { savepoint: false });
  return (await ctx.db.select().from(apiKeys).where(eq(apiKeys.id, apiKeyId)).get())!;
}
