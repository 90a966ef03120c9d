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

/** A real calendar date written `YYYY-MM-DD` (2026-02-30 is refused). */
export const CalendarDay = z
  .string()
  .refine((day) => /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && addDays(day, 0) === day, 'must be a real calendar date written YYYY-MM-DD');
