import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { apiKeys, organisations } from '../../db/schema';
import type { Context, Viewer } from '../context';
import { ForbiddenError, NotFoundError } from '../errors';
import { parseInput } from '../validation';
import type { ApiKeyRecord } from './api-key-record';
import { requireViewer } from './authorize';

export const ListApiKeysInput = z.object({ organisationId: z.number().int().positive() });
export type ListApiKeysInput = z.infer<typeof ListApiKeysInput>;

/**
 * An organisation's API keys (their records, never their secrets), newest first, revoked ones included: a key whose
 * id was lost is found here to revoke, and a revoked one shows when. ADMIN for any organisation, or an organisation
 * for itself, as createApiKey.
 * @throws NotFoundError for an unknown organisation; ForbiddenError for another tenant's.
 */
export async function listApiKeys({ ctx, input }: { ctx: Context; input: ListApiKeysInput }): Promise<ApiKeyRecord[]> {
  const viewer = requireViewer(ctx);
  const { organisationId } = parseInput(ListApiKeysInput, input);
  if (!mayListApiKeys(viewer, organisationId)) throw new ForbiddenError('An organisation may list only its own keys');
  const org = await ctx.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId)).get();
  if (!org) throw new NotFoundError('Organisation');
  // By id as well: two keys made in the same millisecond.
  return ctx.db.select().from(apiKeys).where(eq(apiKeys.organisationId, organisationId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).all();
}

/** Whether `viewer` may list the keys of organisation `organisationId`: its own, or any as ADMIN. */
export const mayListApiKeys = (viewer: Pick<Viewer, 'role' | 'organisationId'> | null, organisationId: number): boolean =>
  viewer !== null && (viewer.role === 'ADMIN' || viewer.organisationId === organisationId);
