import type pg from 'pg';

/**
 * The token buckets of rate-limiter.ts (`perMinute` requests, refilled continuously, bursts up to the same number)
 * kept in PostgreSQL (table rate_limit_buckets), so that every instance on one database spends the same budget.
 * One UPSERT per take does the bucket math under the row's lock, so concurrent takes from any instance queue on it.
 */
export class PgRateLimiter {
  constructor(
    private readonly pool: pg.Pool,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; resolves to 0 when allowed, else the whole seconds until one is available. */
  async take(id: string): Promise<number> {
    const tokens = await bucketsOf(this.pool).take({ id, perMinute: this.perMinute, now: this.now() });
    return tokens >= 0 ? 0 : Math.ceil(-tokens / (this.perMinute / 60_000) / 1000);
  }
}

interface Take {
  id: string;
  perMinute: number;
  now: number;
}

/**
 * The takes of one pool's limiters, gathered until the next microtask and sent as one statement: a request takes
 * from its address's bucket and its key's at once, one round trip for both. An UPSERT may touch a row once, so a
 * second take of a bucket already in the batch sends the batch and starts the next.
 */
class SharedBuckets {
  private batch: (Take & { settle: (tokens: number | Error) => void })[] = [];
  private takes = 0;

  constructor(private readonly pool: pg.Pool) {}

  /** The bucket's balance after this take: negative when refused. */
  take(take: Take): Promise<number> {
    if (this.batch.some((t) => t.id === take.id)) this.send();
    if (this.batch.length === 0) queueMicrotask(() => this.send());
    return new Promise((resolve, reject) => this.batch.push({ ...take, settle: (t) => (t instanceof Error ? reject(t) : resolve(t)) }));
  }

  private send(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    // The stored balance is the level minus this take; negative means refused, and the level stays balance + 1.
    // A row's cap is its inserted balance + 1 (`excluded.tokens`), its refill cap / 60,000 a ms. `greatest` keeps a
    // clock behind another instance's from draining the bucket.
    this.pool
      .query<{ id: string; tokens: number }>(
        `insert into rate_limit_buckets as b (id, tokens, at)
           select id, cap - 1, at from unnest($1::text[], $2::float8[], $3::bigint[]) as t(id, cap, at)
         on conflict (id) do update set
           tokens = least(excluded.tokens + 1, case when b.tokens < 0 then b.tokens + 1 else b.tokens end
                                               + greatest(0, excluded.at - b.at) * (excluded.tokens + 1) / 60000) - 1,
           at = greatest(b.at, excluded.at)
         returning id, tokens`,
        [batch.map((t) => t.id), batch.map((t) => t.perMinute), batch.map((t) => t.now)],
      )
      .then(
        ({ rows }) => {
          for (const t of batch) t.settle(rows.find((r) => r.id === t.id)?.tokens ?? new Error(`rate limit bucket ${t.id} was not written`));
          // Buckets idle for a minute are full again: dropping them changes nothing.
          if ((this.takes += batch.length) >= 1_000) {
            this.takes = 0;
            return this.pool.query('delete from rate_limit_buckets where at < $1', [batch[0]!.now - 60_000]);
          }
        },
        (error: Error) => batch.forEach((t) => t.settle(error)),
      )
      .catch(() => {}); // a failed clean-up is retried a thousand takes later
  }
}

const shared = new WeakMap<pg.Pool, SharedBuckets>();
function bucketsOf(pool: pg.Pool): SharedBuckets {
  let buckets = shared.get(pool);
  if (!buckets) shared.set(pool, (buckets = new SharedBuckets(pool)));
  return buckets;
}
