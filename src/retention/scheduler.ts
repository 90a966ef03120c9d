import type { Context } from '../context';
import { pruneEmptyRounds } from './prune-empty-rounds';
import { pruneIdempotencyKeys } from './prune-idempotency-keys';
import { pruneRoutePlans } from './prune-route-plans';
import type { PruneInput, RetentionCtx } from './prune-input';
import { pruneWebhookDeliveries } from './prune-webhook-deliveries';
import { pruneWebhookEvents } from './prune-webhook-events';

/** Rows one transaction deletes at most: a few milliseconds of write lock. */
export const RETENTION_BATCH = 500;

/** In this order: deliveries go before the events they reference. */
const PRUNERS = {
  idempotencyKeys: pruneIdempotencyKeys,
  emptyRounds: pruneEmptyRounds,
  routePlans: pruneRoutePlans,
  webhookDeliveries: pruneWebhookDeliveries,
  webhookEvents: pruneWebhookEvents,
} satisfies Record<string, (args: { ctx: RetentionCtx; input: PruneInput }) => Promise<number>>;

export type RetentionReport = Record<keyof typeof PRUNERS, { deleted: number; batches: number }>;

type SchedulerCtx = RetentionCtx & Pick<Context, 'logger'>;

/**
 * Runs RETENTION_INTERVAL_SECONDS apart (never two runs at once) until the returned stop is called, which
 * waits for the run in progress to finish its batch.
 */
export function startRetentionScheduler(ctx: SchedulerCtx): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const stopping = new AbortController();
  const timer = setInterval(() => {
    running ??= runRetention(ctx, RETENTION_BATCH, stopping.signal)
      .then((report) => ctx.logger.info({ report }, 'retention run completed'))
      .catch((error: unknown) => ctx.logger.error({ err: error }, 'retention run failed'))
      .finally(() => (running = null));
  }, ctx.env.RETENTION_INTERVAL_SECONDS * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    stopping.abort();
    await running;
  };
}

/**
 * One run: each kind is pruned a batch at a time until a batch comes back short, yielding to the event loop
 * between batches so requests are served in between. Stops early when `signal` aborts.
 */
export async function runRetention(ctx: RetentionCtx, batchSize = RETENTION_BATCH, signal?: AbortSignal): Promise<RetentionReport> {
  const report = {} as RetentionReport;
  for (const [kind, prune] of Object.entries(PRUNERS) as [keyof typeof PRUNERS, (typeof PRUNERS)[keyof typeof PRUNERS]][]) {
    const tally = (report[kind] = { deleted: 0, batches: 0 });
    while (!signal?.aborted) {
      const deleted = await prune({ ctx, input: { batchSize } });
      tally.deleted += deleted;
      tally.batches += 1;
      if (deleted < batchSize) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return report;
}
