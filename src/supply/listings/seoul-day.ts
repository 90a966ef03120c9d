import { z } from 'zod';
import { DAY_MS, KST_OFFSET_MS } from '../../time';


/** The Asia/Seoul calendar date of an instant, `YYYY-MM-DD`. */
export function seoulDay(instant: Date): string {
  return new Date(instant.getTime() + KST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant an Asia/Seoul calendar day (`YYYY-MM-DD`) begins. */
export function seoulMidnight(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - KST_OFFSET_MS);
}

/** `day` moved by `days` calendar days. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Ascending days written as ranges of consecutive days: `2026-12-06 to 2026-12-08, 2026-12-11`. */
export function dayRanges(days: string[]): string {
  const ranges: string[][] = [];
  for (const day of days) {
    const last = ranges.at(-1);
    if (last && addDays(last.at(-1)!, 1) === day) last.push(day);
    else ranges.push([day]);
  }
  return ranges.map((r) => (r.length === 1 ? r[0]! : `${r[0]} to ${r.at(-1)}`)).join(', ');
}

/**
 * The end of Asia/Seoul day 9999-12-30, the last a walk over days may hold: the day after 9999-12-31 is written
 * `+010000-01`, which sorts before it, so a walk to 9999-12-31 (`day <= last; day = addDays(day, 1)`) never ends.
 */
export const LAST_DAY_END = seoulMidnight('9999-12-31');

/**
 * A real calendar date written `YYYY-MM-DD` (2026-02-30 is refused), from 1970-01-01: days are counted from then
 * (KstDay), and JavaScript reads the years 0000–0099 as 1900–1999, so an earlier day would name another.
 */
export const CalendarDay = z
  .string()
  .refine((day) => /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && addDays(day, 0) === day, 'must be a real calendar date written YYYY-MM-DD')
  .refine((day) => !/^\d{4}-/.test(day) || day >= '1970-01-01', 'must be from 1970-01-01 (days are counted from then)');
