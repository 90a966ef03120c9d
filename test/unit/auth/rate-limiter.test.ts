import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/auth/rate-limiter';

/** The limiter's buckets, counting the entries its takes walk over; past `most` the take throws. */
class WalkedMap<K, V> extends Map<K, V> {
  walked = 0;
  constructor(private readonly most: number) {
    super();
  }
  override *[Symbol.iterator](): MapIterator<[K, V]> {
    for (const entry of super[Symbol.iterator]()) {
      if (++this.walked > this.most) throw new Error(`walked over more than ${this.most} buckets`);
      yield entry;
    }
  }
}

describe('in-process rate limits under a flood of made-up keys', () => {
  it('each take walks over the idle buckets it drops and one more, however many are live; a real key keeps its budget among them', () => {
    let now = Date.parse('2026-12-05T09:00:00Z');
    const limiter = new RateLimiter(3, () => now);
    const takes = 120_000;
    // A take walked every bucket once 50,000 were held: some 3.5 billion steps for this flood.
    const buckets = new WalkedMap<string, { tokens: number; at: number }>(3 * takes);
    Object.assign(limiter, { buckets });
    expect([limiter.take('key:real'), limiter.take('key:real')]).toEqual([0, 0]);
    // A client refused by its address's budget still sends a made-up key a request, thousands a second, none idle for a minute.
    for (let i = 0; i < takes; i++) {
      limiter.take(`key:made-up-${i}`);
      if (i % 1_000 === 0) now += 100;
    }
    expect(buckets.walked).toBeLessThanOrEqual(2 * (takes + 2));
    expect(limiter.take('key:real')).toBe(0);
    expect(limiter.take('key:real')).toBeGreaterThan(0);
    // A minute later every bucket is idle: the next take drops them all.
    now += 61_000;
    limiter.take('key:real');
    expect(buckets.size).toBe(1);
  });
});
