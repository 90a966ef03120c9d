import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/auth/rate-limiter';

describe('in-process rate limits under a flood of made-up keys', () => {
  it('each take stays cheap however many buckets are live, and a real key keeps its budget among them', { timeout: 20_000 }, () => {
    let now = Date.parse('2026-12-05T09:00:00Z');
    const limiter = new RateLimiter(3, () => now);
    expect([limiter.take('key:real'), limiter.take('key:real')]).toEqual([0, 0]);
    // A client refused by its address's budget still sends a made-up key a request, thousands a second, none idle for a minute.
    const started = performance.now();
    for (let i = 0; i < 150_000; i++) {
      limiter.take(`key:made-up-${i}`);
      if (i % 1_000 === 0) now += 100;
    }
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(limiter.take('key:real')).toBe(0);
    expect(limiter.take('key:real')).toBeGreaterThan(0);
  });
});
