import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { DIALECT } from '../../db/dialect';
import type { PgDb } from '../../db/pg/client';
import { transact } from '../../db/transaction';
import { insightsDays } from '../../db/schema';
import type { Context } from '../context';
import { addDays, CalendarDay, seoulDay, seoulMidnight } from '../supply/listings/seoul-day';
import { parseInput } from '../validation';
import { addRequestFigures, addTripFigures, emptyDay, storageFigures, type DayFigures } from './day-figures';

export const RollUpDayInput = z.object({ complexId: z.number().int().positive(), day: CalendarDay });
export type RollUpDayInput = z.infer<typeof RollUpDayInput>;

/**
 * One Asia/Seoul day of a complex, computed from its rows; stored in insights_days when the day has closed and
 * none of its requests is still waiting (an open request turns expired as time passes, with no write to notice).
 * Read and write in one immediate transaction, so no change slips in between; returns the figures either way.
 * On PostgreSQL (READ COMMITTED) a closed day's roll-up first takes the day's lock that every trigger forgetting the
 * day shares (db/pg/migrations/0036_insights_day_locks.sql): it waits for the changes open on the day, and one that
 * comes after waits for it, then deletes what it wrote.
 */
export function rollUpDay({ ctx, input }: { ctx: Pick<Context, 'db' | 'now'>; input: RollUpDayInput }): Promise<{ figures: DayFigures; written: boolean }> {
  const { complexId, day } = parseInput(RollUpDayInput, input);
  const now = ctx.now();
  const closed = day < seoulDay(now);
  return transact(ctx.db, async (tx) => {
    if (DIALECT === 'pg' && closed) await (tx as unknown as PgDb).execute(sql`select insights_day_lock(${complexId}::int, ${day}::text, true)`);
    const figures = emptyDay(day);
    const [from, to, into] = [seoulMidnight(day), seoulMidnight(addDays(day, 1)), new Map([[day, figures]])];
    await addRequestFigures(tx, complexId, from, to, now, into);
    await addTripFigures(tx, complexId, from, to, into);
    Object.assign(figures, await storageFigures(tx, complexId, day, day));
    const written = closed && figures.waiting === 0;
    if (written) {
      const { day: _, waiting: __, ...sums } = figures;
      await tx.insert(insightsDays).values({ complexId, day, ...sums }).onConflictDoNothing().run();
    }
    return { figures, written };
  });
}
