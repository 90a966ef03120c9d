import { and, eq, isNull } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { z } from 'zod';
import { apiKeys } from '../../db/schema';
import type { Context } from '../context';
import { parseInput } from '../validation';
import type { ApiKeyRecord } from './api-key-record';
import { getApiKey } from './get-api-key';

export const RevokeApiKeyInput = z.object({ apiKeyId: z.number().int().positive() });
export type RevokeApiKeyInput = z.infer<typeof RevokeApiKeyInput>;

/**
 * ADMIN for any key, or an organisation for its own. Revoking twice keeps the first revocation time.
 * @throws NotFoundError for an unknown key or another tenant's.
 */
export async function revokeApiKey({ ctx, input }: { ctx: Context; input: RevokeApiKeyInput }): Promise<ApiKeyRecord> {
  const { apiKeyId } = parseInput(RevokeApiKeyInput, input);
  await getApiKey({ ctx, input: { id: apiKeyId } });
  await transact(ctx.db, (tx) => tx.update(apiKeys).set({ revokedAt: ctx.now() }).where(and(eq(apiKeys.id, apiKeyId), isNull(apiKeys.revokedAt))).run(), { savepoint: false });
  return (await ctx.db.select().from(apiKeys).where(eq(apiKeys.id, apiKeyId)).get())!;
}
