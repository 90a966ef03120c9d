import { z } from 'zod';

/** Korea keeps no daylight saving time: Asia/Seoul is always UTC+9. */
const SEOUL_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The Asia/Seoul calendar date of an instant, `YYYY-MM-DD`. */
export function seoulDay(instant: Date): string {
  return new Date(instant.getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant an Asia/Seoul calendar day (`YYYY-MM-DD`) begins. */
export function seoulMidnight(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - SEOUL_OFFSET_MS);
}

/** `day` moved by `days` calendar days. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A real calendar date written `YYYY-MM-DD` (2026-02-30 is refused). */
export const CalendarDay = z
  .string()
  .refine((day) => /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && addDays(day, 0) === day, 'must be a real calendar date written YYYY-MM-DD');
