import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKeys, organisations } from '../../../db/schema';
import { observeCommits, transact } from '../../../db/transaction';
import { generateApiKey } from '../../../src/auth/api-key-secret';
import { authenticate } from '../../../src/auth/authenticate';
import { testDatabase, type TestDb } from '../../helpers/database';

describe('authenticate records a key’s last use', () => {
  let test: TestDb;
  let key: string;
  let keyId: number;
  beforeAll(async () => {
    test = await testDatabase();
    const generated = generateApiKey();
    key = generated.key;
    keyId = await transact(test.db, async (tx) => {
      const org = (await tx.insert(organisations).values({ role: 'ADMIN', name: '운영', businessRegistrationNumber: '1018100017' }).returning().get())!;
      return (await tx.insert(apiKeys).values({ organisationId: org.id, name: 'burst', prefix: generated.prefix, hash: generated.hash }).returning().get())!.id;
    });
  });
  afterAll(() => test?.close());

  const lastUsedAt = async () => (await test.db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, keyId)).get())!.at;

  it('once for a burst of requests, and again only after a minute', async () => {
    const writes: number[] = [];
    observeCommits(test.db, (_seconds, count) => writes.push(count));
    try {
      const at = new Date('2026-12-03T09:00:00Z');
      // Every request of the burst reads the key before the first write of its last use commits.
      const viewers = await Promise.all(Array.from({ length: 20 }, () => authenticate({ db: test.db, now: at }, key)));
      expect(viewers.every((v) => v.apiKeyId === keyId)).toBe(true);
      await vi.waitFor(async () => expect(await lastUsedAt()).toEqual(at));
      await authenticate({ db: test.db, now: new Date(at.getTime() + 30_000) }, key);
      const later = new Date(at.getTime() + 61_000);
      await authenticate({ db: test.db, now: later }, key);
      await vi.waitFor(async () => expect(await lastUsedAt()).toEqual(later));
      expect(writes.reduce((n, w) => n + w, 0)).toBe(2);
    } finally {
      observeCommits(test.db, null);
    }
  });
});
