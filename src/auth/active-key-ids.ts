import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { apiKeys, organisations } from '../../db/schema';

/**
 * Which of these API keys still open the door: not revoked, and their organisation still there. Open
 * WebSockets authenticated once at connect; this is how they learn of a revocation or a deleted organisation.
 */
export async function activeKeyIds(db: Db, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .innerJoin(organisations, eq(organisations.id, apiKeys.organisationId))
    .where(and(inArray(apiKeys.id, [...ids]), isNull(apiKeys.revokedAt)))
    .all();
  return new Set(rows.map((r) => r.id));
}
