import { eq, sql } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { keyed, type Db } from '../../db/client';
import { perDialect } from '../../db/dialect';
import { preparedPerDatabase } from '../../db/prepared';
import { apiKeys, organisations } from '../../db/schema';
import { UnauthenticatedError } from '../errors';
import { apiKeyMatches, apiKeyPrefix } from './api-key-secret';
import type { Viewer } from '../context';

/** last_used_at is advisory: write it at most once a minute per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Every request with a key runs these: prepared once per database. */
const statements = preparedPerDatabase((db) => ({
  byPrefix: db
    .select({ key: apiKeys, org: organisations })
    .from(apiKeys)
    .innerJoin(organisations, eq(organisations.id, apiKeys.organisationId))
    .where(eq(apiKeys.prefix, sql.placeholder('prefix')))
    .prepare(),
  // Bound as epoch ms: drizzle does not encode a placeholder in an update's set.
  touch: db.update(apiKeys).set({ lastUsedAt: sql`${sql.placeholder('now')}` }).where(eq(apiKeys.id, sql.placeholder('id'))).prepare(),
}));

/**
 * SQLite's version as this connection sees it: its own writes (total_changes) and other connections' commits
 * (data_version: the admin CLI's revocations) both change it. PostgreSQL has no such counter across instances, so
 * there every request looks its key up (one indexed read).
 */
const versionOf = perDialect({
  sqlite: preparedPerDatabase((db) => db.$client.prepare<[], string>("select total_changes() || ':' || data_version from pragma_data_version").pluck()),
  pg: null,
});

/** Keys found valid, while the database is unchanged (so a revocation, here or by another process, ends it at once). */
const verified = new WeakMap<Db, { version: string; rows: Map<string, KeyRow> }>();
const MAX_VERIFIED_KEYS = 10_000;
type KeyRow = NonNullable<ReturnType<ReturnType<typeof statements>['byPrefix']['get']>>;

/** The key's row when the key is valid: looked up and its hash checked, unless the same key passed with the database unchanged since. */
async function validKeyRow(db: Db, key: string): Promise<KeyRow | null> {
  let cache: { version: string; rows: Map<string, KeyRow> } | undefined;
  if (versionOf) {
    const version = versionOf(db).get()!;
    cache = verified.get(db);
    if (cache?.version !== version) verified.set(db, (cache = { version, rows: new Map() }));
    const cached = cache.rows.get(key);
    if (cached) return cached;
  }
  const prefix = apiKeyPrefix(key);
  const row = prefix ? await statements(keyed(db)).byPrefix.get({ prefix }) : undefined;
  if (!row || row.key.revokedAt || !apiKeyMatches(key, row.key.hash)) return null;
  if (cache) {
    if (cache.rows.size >= MAX_VERIFIED_KEYS) cache.rows.clear();
    cache.rows.set(key, row);
  }
  return row;
}

/**
 * Resolves an API key to its organisation.
 * @throws UnauthenticatedError for a malformed, unknown or revoked key.
 */
export async function authenticate({ db, now }: { db: Db; now: Date }, key: string): Promise<Viewer> {
  const row = await validKeyRow(db, key);
  if (!row) throw new UnauthenticatedError('Invalid or revoked API key');
  const touches = touchesOf(db);
  if (stale(row.key.lastUsedAt, now) && stale(touches.get(row.key.id), now)) {
    // Best effort, and the request does not wait for it: a lost last-use time costs nothing. Once per key and process:
    // the requests that read the key before this write commits would each queue another on the key's row lock (on
    // PostgreSQL, a burst of them held every pooled connection waiting in line while bookings waited for one).
    touches.set(row.key.id, now);
    transact(db, (tx) => statements(tx).touch.run({ now: now.getTime(), id: row.key.id }), { savepoint: false }).catch(() => {});
  }
  return { organisationId: row.org.id, role: row.org.role, complexId: row.org.complexId, apiKeyId: row.key.id };
}

const stale = (at: Date | null | undefined, now: Date) => !at || now.getTime() - at.getTime() > LAST_USED_RESOLUTION_MS;

/** When this process last wrote each key's last use (key id → time), per database. */
const touched = new WeakMap<Db, Map<number, Date>>();
function touchesOf(db: Db): Map<number, Date> {
  let times = touched.get(db);
  if (!times || times.size >= MAX_VERIFIED_KEYS) touched.set(db, (times = new Map()));
  return times;
}

/** The key in `Authorization: Bearer <key>`, or null when the header is absent. */
export function bearerKey(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new UnauthenticatedError('Authorization header must be "Bearer <API key>"');
  return match[1]!;
}

/** The key in `Authorization: Bearer <key>`, or null when the header is absent or holds none. */
export function bearerKeyOrNull(header: string | undefined): string | null {
  try {
    return bearerKey(header);
  } catch {
    return null;
  }
}
