import { RateLimitedError } from '../errors';
import { apiKeyPrefix } from './api-key-secret';

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
    this.buckets.set(id, bucket);
    if (this.buckets.size > 50_000) this.forgetIdle(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / refillPerMs / 1000);
  }

  /** Buckets idle for a minute are full again: dropping them changes nothing. */
  private forgetIdle(now: number): void {
    for (const [id, bucket] of this.buckets) if (now - bucket.at > 60_000) this.buckets.delete(id);
  }
}

/** The per-address and per-key budgets, shared by HTTP requests and WebSocket operations alike. */
export class Admission {
  private readonly byKey: RateLimiter;
  private readonly byAddress: RateLimiter;

  constructor(limits: { perKey: number; perAddress: number }, now: () => number = Date.now) {
    this.byKey = new RateLimiter(limits.perKey, now);
    this.byAddress = new RateLimiter(limits.perAddress, now);
  }

  /**
   * Takes one request from the address's budget and, with a key, from the key's (keyed by its public prefix,
   * so a key is limited before the database is asked about it).
   * @throws RateLimitedError when either budget is spent.
   */
  admit(address: string | undefined, key: string | null): void {
    const wait = Math.max(this.byAddress.take(`ip:${address}`), key ? this.byKey.take(`key:${apiKeyPrefix(key) ?? key.slice(0, 24)}`) : 0);
    if (wait > 0) throw new RateLimitedError(wait);
  }
}
