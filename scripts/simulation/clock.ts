/**
 * The simulated clock the service runs on during a simulation (createApp's `now`). It only moves forward,
 * and only when the simulation moves it, so a run is reproducible whatever the machine's speed or date.
 */

import { DAY_MS, HOUR_MS, KST_OFFSET_MS } from '../../src/time';

/**
 * Every run starts at the same instant: Monday 2 March 2026, 06:00 Asia/Seoul (a fixed date, so runs are
 * reproducible; a Monday, so a 7-day run is one working week and its weekend).
 */
export const SIMULATION_START = new Date('2026-03-02T06:00:00+09:00');

export class SimClock {
  private ms: number;

  constructor(start: Date = SIMULATION_START) {
    this.ms = start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  /** Moves the clock to `ms` if that is later; never backwards. */
  advanceTo(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }
}

/** The instant at `hours` (fractional) after midnight, Asia/Seoul, of the Seoul day containing `ms`. */
export function seoulTimeOfDay(ms: number, hours: number): number {
  const midnight = Math.floor((ms + KST_OFFSET_MS) / DAY_MS) * DAY_MS - KST_OFFSET_MS;
  return midnight + hours * HOUR_MS;
}

/** Day of the week, Asia/Seoul, of `ms`: 0 for Monday to 6 for Sunday (1 January 1970 was a Thursday). */
export function seoulWeekday(ms: number): number {
  return (Math.floor((ms + KST_OFFSET_MS) / DAY_MS) + 3) % 7;
}

/** Hours since midnight, Asia/Seoul, of `ms`. */
export function seoulHourOf(ms: number): number {
  return (((ms + KST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / HOUR_MS;
}

/** `HH:MM` Asia/Seoul of `ms`. */
export function seoulClockText(ms: number): string {
  return new Date(ms + KST_OFFSET_MS).toISOString().slice(11, 16);
}
