import type pg from 'pg';

/**
 * The token buckets of rate-limiter.ts (`perMinute` requests, refilled continuously, bursts up to the same number)
 * kept in PostgreSQL (table rate_limit_buckets), so that every instance on one database spends the same budget.
 * One UPSERT per take does the bucket math under the row's lock, so concurrent takes from any instance queue on it.
 */
export class PgRateLimiter {
  private takes = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; resolves to 0 when allowed, else the whole seconds until one is available. */
  async take(id: string): Promise<number> {
    const now = this.now();
    const refillPerMs = this.perMinute / 60_000;
    // The stored balance is the level minus this take; negative means refused, and the level stays balance + 1.
    // `greatest` keeps a clock behind another instance's from draining the bucket.
    const { rows } = await this.pool.query<{ tokens: number }>(
      `insert into rate_limit_buckets as b (id, tokens, at) values ($1, $2::float8 - 1, $3)
       on conflict (id) do update set
         tokens = least($2::float8, case when b.tokens < 0 then b.tokens + 1 else b.tokens end
                                    + greatest(0, $3 - b.at) * $4::float8) - 1,
         at = greatest(b.at, $3)
       returning tokens`,
      [id, this.perMinute, now, refillPerMs],
    );
    // Buckets idle for a minute are full again: dropping them changes nothing.
    if (++this.takes % 1_000 === 0) await this.pool.query('delete from rate_limit_buckets where at < $1', [now - 60_000]);
    const tokens = rows[0]!.tokens;
    return tokens >= 0 ? 0 : Math.ceil(-tokens / refillPerMs / 1000);
  }
}
