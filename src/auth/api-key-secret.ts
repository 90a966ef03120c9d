import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Keys look like `sdx_<prefix>_<secret>`: the prefix (10 hex chars) finds the row, the SHA-256 of the
 * whole key proves it. 32 random bytes of secret make a slow hash pointless.
 */
const KEY_PATTERN = /^sdx_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$/;

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(5).toString('hex');
  const key = `sdx_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The prefix of a well-formed key, or null. */
export function apiKeyPrefix(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

export function apiKeyMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
