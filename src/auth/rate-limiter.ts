import { RateLimitedError } from '../errors';
import { hashApiKey } from './api-key-secret';

/**
 * Token buckets keyed by API key or client address: `perMinute` requests, refilled continuously,
 * bursts up to the same number. In memory: each process limits its own traffic.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; returns 0 when allowed, else the whole seconds until one is available. */
  take(id: string): number {
    const now = this.now();
    const refillPerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(id) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    // Moved to the end, so that the map runs from the longest idle to the latest.
    this.buckets.delete(id);
    this.buckets.set(id, bucket);
    this.forgetIdle(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / refillPerMs / 1000);
  }

  /**
   * Buckets idle for a minute are full again: dropping them changes nothing. Only those at the head of the map: it
   * stops at the first still in use, so a take costs the same with a flood of made-up keys live (each used to scan
   * them all once 50,000 were held, and a client refused by its address, sending a new key each time, slowed every
   * request tenfold).
   */
  private forgetIdle(now: number): void {
    for (const [id, bucket] of this.buckets) {
      if (now - bucket.at <= 60_000) return;
      this.buckets.delete(id);
    }
  }
}

/** Token buckets: in this process (RateLimiter) or shared by the instances on one PostgreSQL (PgRateLimiter). */
export interface TokenBuckets {
  /** Takes one token; 0 when allowed, else the whole seconds until one is available. */
  take(id: string): number | Promise<number>;
}

/** The per-address and per-key budgets, shared by HTTP requests and WebSocket operations alike. */
export class Admission {
  constructor(
    private readonly byKey: TokenBuckets,
    private readonly byAddress: TokenBuckets,
  ) {}

  /** Budgets kept in this process. */
  static inProcess(limits: { perKey: number; perAddress: number }, now: () => number = Date.now): Admission {
    return new Admission(new RateLimiter(limits.perKey, now), new RateLimiter(limits.perAddress, now));
  }

  /**
   * Takes one request from the address's budget and, with a key, from the key's (keyed by the whole key's hash,
   * so a key is limited before the database is asked about it, and made-up keys around another key's public
   * prefix spend their own budgets, not that key's). Settles at once for budgets in this process; shared ones
   * answer with a promise.
   * @throws RateLimitedError when either budget is spent.
   */
  admit(address: string | undefined, key: string | null): void | Promise<void> {
    const byAddress = this.byAddress.take(`ip:${address}`);
    const byKey = key ? this.byKey.take(`key:${hashApiKey(key)}`) : 0;
    if (typeof byAddress === 'number' && typeof byKey === 'number') return refuseAfter(Math.max(byAddress, byKey));
    return Promise.all([byAddress, byKey]).then((waits) => refuseAfter(Math.max(...waits)));
  }
}

function refuseAfter(wait: number): void {
  if (wait > 0) throw new RateLimitedError(wait);
}
