import { eq } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { z } from 'zod';
import { apiKeys, organisations } from '../../db/schema';
import type { Context } from '../context';
import { ForbiddenError, NotFoundError } from '../errors';
import { ONE_LINE, OneLineText, parseInput } from '../validation';
import type { ApiKeyRecord } from './api-key-record';
import { generateApiKey } from './api-key-secret';
import { requireViewer } from './authorize';

export const CreateApiKeyInput = z.object({
  organisationId: z.number().int().positive(),
  name: OneLineText.min(1).max(80).regex(...ONE_LINE),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInput>;

/**
 * ADMIN for any organisation, or an organisation for itself (to rotate keys). The secret is returned
 * here once and never stored: only its prefix and hash are.
 * @throws NotFoundError for an unknown organisation; ForbiddenError for another tenant's.
 */
export async function createApiKey({ ctx, input }: { ctx: Context; input: CreateApiKeyInput }): Promise<{ apiKey: ApiKeyRecord; secret: string }> {
  const viewer = requireViewer(ctx);
  const { organisationId, name } = parseInput(CreateApiKeyInput, input);
  if (viewer.role !== 'ADMIN' && viewer.organisationId !== organisationId) throw new ForbiddenError('An organisation may create keys only for itself');
  const org = await ctx.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId)).get();
  if (!org) throw new NotFoundError('Organisation');
  const { key, prefix, hash } = generateApiKey();
  const apiKey = await transact(ctx.db, async (tx) => (await tx.insert(apiKeys).values({ organisationId, name, prefix, hash }).returning().get())!, { savepoint: false });
  return { apiKey, secret: key };
}
