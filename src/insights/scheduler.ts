import { eq } from 'drizzle-orm';
import { complexes, insightsDays } from '../../db/schema';
import type { Context } from '../context';
import { addDays, seoulDay } from '../supply/listings/seoul-day';
import { firstActiveDay } from './day-figures';
import { rollUpDay } from './roll-up-day';

type SchedulerCtx = Pick<Context, 'db' | 'env' | 'now' | 'logger'>;

/**
 * Rolls up every closed day not rolled up yet, at start (back-filling a database that has none) and then every
 * INSIGHTS_ROLLUP_INTERVAL_SECONDS, so each day is rolled up soon after it closes; days whose requests still
 * wait are tried again next time. Never two runs at once; the returned stop waits for the day in progress.
 */
export function startInsightsScheduler(ctx: SchedulerCtx): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const stopping = new AbortController();
  const run = () => {
    running ??= rollUpClosedDays(ctx, stopping.signal)
      .then((written) => ctx.logger.info({ written }, 'insights roll-up completed'))
      .catch((error: unknown) => ctx.logger.error({ err: error }, 'insights roll-up failed'))
      .finally(() => (running = null));
  };
  const first = setTimeout(run, 0);
  const timer = setInterval(run, ctx.env.INSIGHTS_ROLLUP_INTERVAL_SECONDS * 1000);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    stopping.abort();
    await running;
  };
}

/**
 * Every complex's closed days since its first active day (firstActiveDay) that have no roll-up, one day (one short
 * transaction) at a time, yielding to requests between days. Returns how many days were written.
 */
export async function rollUpClosedDays(ctx: Pick<Context, 'db' | 'now'>, signal?: AbortSignal): Promise<number> {
  let written = 0;
  for (const { id } of await ctx.db.select({ id: complexes.id }).from(complexes).all()) {
    const yesterday = addDays(seoulDay(ctx.now()), -1);
    const start = await firstActiveDay(ctx.db, id);
    if (start === null) continue;
    const done = new Set((await ctx.db.select({ day: insightsDays.day }).from(insightsDays).where(eq(insightsDays.complexId, id)).all()).map((r) => r.day));
    for (let day = start; day <= yesterday; day = addDays(day, 1)) {
      if (done.has(day)) continue;
      if (signal?.aborted) return written;
      if ((await rollUpDay({ ctx, input: { complexId: id, day } })).written) written++;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return written;
}
