import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { apiKeys, organisations } from '../../db/schema';
import { UnauthenticatedError } from '../errors';
import { apiKeyMatches, apiKeyPrefix } from './api-key-secret';
import type { Viewer } from './viewer';

/** last_used_at is advisory: write it at most once a minute per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Resolves an API key to its organisation.
 * @throws UnauthenticatedError for a malformed, unknown or revoked key.
 */
export function authenticate({ db, now }: { db: Db; now: Date }, key: string): Viewer {
  const prefix = apiKeyPrefix(key);
  const row = prefix
    ? db
        .select({ key: apiKeys, org: organisations })
        .from(apiKeys)
        .innerJoin(organisations, eq(organisations.id, apiKeys.organisationId))
        .where(eq(apiKeys.prefix, prefix))
        .get()
    : undefined;
  if (!row || row.key.revokedAt || !apiKeyMatches(key, row.key.hash)) throw new UnauthenticatedError('Invalid or revoked API key');
  if (!row.key.lastUsedAt || now.getTime() - row.key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.key.id)).run();
  }
  return { organisationId: row.org.id, role: row.org.role, complexId: row.org.complexId, apiKeyId: row.key.id };
}

/** The key in `Authorization: Bearer <key>`, or null when the header is absent. */
export function bearerKey(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new UnauthenticatedError('Authorization header must be "Bearer <API key>"');
  return match[1]!;
}
