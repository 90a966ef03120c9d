/**
 * Storage is booked by calendar day in Korea. Days are integers: days since 1970-01-01 in KST (UTC+9, no DST),
 * so that plain arithmetic covers ranges and the database can store them as integers or ISO dates alike.
 */
import type { EpochMs, KstDay } from './types';
import { DAY_MS, KST_OFFSET_MS } from '../../time';


/** Returns the KST day number containing the instant `ms`. */
export function kstDayOf(ms: EpochMs): KstDay {
  return Math.floor((ms + KST_OFFSET_MS) / DAY_MS);
}

/**
 * Returns the day number of an ISO date `yyyy-mm-dd` (a KST calendar date).
 * @throws Error when the string is not a valid ISO date.
 */
export function dayFromIso(iso: string): KstDay {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new Error(`not an ISO date: ${iso}`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== iso) throw new Error(`not a calendar date: ${iso}`);
  return ms / DAY_MS;
}

/** Returns the ISO date `yyyy-mm-dd` of a KST day number. */
export function isoFromDay(day: KstDay): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Opening hours `00:00`-`24:00`: open around the clock, so they bound no arrival, not even one after midnight. */
export function aroundTheClock(hours: { opensAt?: string; closesAt?: string }): boolean {
  return hours.opensAt === '00:00' && hours.closesAt === '24:00';
}

/** Returns the instant of local time `hhmm` (`HH:MM`, KST, `24:00` the next midnight) on KST day `day`. */
export function kstTimeOn(day: KstDay, hhmm: string): EpochMs {
  const [h, m] = hhmm.split(':').map(Number);
  return day * DAY_MS - KST_OFFSET_MS + (h! * 60 + m!) * 60_000;
}
