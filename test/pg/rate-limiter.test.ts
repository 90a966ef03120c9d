import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgPoolOf, type Db } from '../../db/client';
import { RateLimiter } from '../../src/auth/rate-limiter';
import { PgRateLimiter } from '../../src/auth/rate-limiter-pg';
import { spawnChild } from './helpers/child';
import { freshDatabase, type TestDatabase } from './helpers/database';

describe('the PostgreSQL rate limiter', () => {
  let test: TestDatabase;
  // The pool the service gives its limiters (server.ts): its one-shot statements share one connection, so a bucket's
  // takes sent in two statements run in the order taken. On a plain pool's two connections the second could overtake
  // the first (a clean-clone CI run: the refusal fell on the earlier take of the tick).
  let pool: pg.Pool;

  beforeAll(async () => {
    test = await freshDatabase();
    pool = pgPoolOf(test.db as unknown as Db);
  });
  afterAll(() => test?.drop());

  it('answers every take as the in-memory token bucket does', async () => {
    let now = 1_796_000_000_000;
    const memory = new RateLimiter(3, () => now);
    const shared = new PgRateLimiter(pool, 3, () => now);
    // Bursts, refusals part-way through a refill, a refill past full, and two buckets side by side.
    const steps: [number, string][] = [
      [0, 'a'], [0, 'a'], [0, 'b'], [0, 'a'], [0, 'a'], [5_000, 'a'], [15_000, 'a'], [0, 'a'], [1_000, 'b'],
      [30_000, 'a'], [0, 'a'], [0, 'a'], [0, 'a'], [120_000, 'a'], [0, 'a'], [0, 'a'], [0, 'a'], [0, 'a'], [19_999, 'a'],
    ];
    const expected: number[] = [];
    const got: number[] = [];
    for (const [advance, id] of steps) {
      now += advance;
      expected.push(memory.take(id));
      got.push(await shared.take(id));
    }
    expect(got).toEqual(expected);
    expect(got.filter((w) => w > 0).length).toBeGreaterThan(3);
  });

  it('answers takes of several buckets in one tick (sent as one statement), each by its own budget, as apart', async () => {
    let now = 1_797_000_000_000;
    const [keyMemory, addressMemory] = [new RateLimiter(2, () => now), new RateLimiter(3, () => now)];
    const [byKey, byAddress] = [new PgRateLimiter(pool, 2, () => now), new PgRateLimiter(pool, 3, () => now)];
    const expected: number[] = [];
    const got: number[] = [];
    for (const advance of [0, 0, 0, 10_000, 0, 40_000]) {
      now += advance;
      // An address bucket taken twice in one tick: the second take goes in the next statement.
      expected.push(addressMemory.take('ip:x'), keyMemory.take('key:y'), addressMemory.take('ip:x'));
      got.push(...(await Promise.all([byAddress.take('ip:x'), byKey.take('key:y'), byAddress.take('ip:x')])));
    }
    expect(got).toEqual(expected);
    expect(got.filter((w) => w > 0).length).toBeGreaterThan(3);
  });

  it('keeps its buckets out of the write-ahead log, so a take commits without waiting for a flush to disk', async () => {
    const { rows } = await pool.query<{ relpersistence: string }>("select relpersistence from pg_class where relname = 'rate_limit_buckets'");
    expect(rows).toEqual([{ relpersistence: 'u' }]);
  });

  it('spends one budget across instances: two processes taking at once get exactly perMinute between them', async () => {
    const env = { TAKER_URL: test.url, TAKER_ID: 'ip:203.0.113.9', TAKER_PER_MINUTE: '20', TAKER_NOW: '1796000000000', TAKER_COUNT: '15' };
    const instances = [spawnChild('test/pg/helpers/limiter-taker.ts', env), spawnChild('test/pg/helpers/limiter-taker.ts', env)];
    const results = await Promise.all(instances.map((c) => c.until<{ waits: number[] }>(() => true)));
    const waits = results.flatMap((r) => r.waits);
    expect(waits.filter((w) => w === 0)).toHaveLength(20);
    // The clock stands still: each refused take waits for the next token, 60 s / 20.
    expect(waits.filter((w) => w > 0)).toEqual(Array(10).fill(3));
  });
});
