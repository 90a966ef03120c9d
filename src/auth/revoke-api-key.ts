import { and, eq, isNull } from 'drizzle-orm';
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
export function revokeApiKey({ ctx, input }: { ctx: Context; input: RevokeApiKeyInput }): ApiKeyRecord {
  const viewer = requireViewer(ctx);
  const { apiKeyId } = parseInput(RevokeApiKeyInput, input);
  const key = ctx.db.select().from(apiKeys).where(eq(apiKeys.id, apiKeyId)).get();
  if (!key || (viewer.role !== 'ADMIN' && key.organisationId !== viewer.organisationId)) throw new NotFoundError('API key');
  ctx.db
    .update(apiKeys)
    .set({ revokedAt: ctx.now() })
    .where(and(eq(apiKeys.id, apiKeyId), isNull(apiKeys.revokedAt)))
    .run();
  return ctx.db.select().from(apiKeys).where(eq(apiKeys.id, apiKeyId)).get()!;
}
