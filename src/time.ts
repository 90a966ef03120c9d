/** Durations in ms, and Korea's offset from UTC: the one home for both (Asia/Seoul keeps no daylight saving time). */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** Asia/Seoul is always UTC+9. */
export const KST_OFFSET_MS = 9 * HOUR_MS;

/** An instant as Asia/Seoul wall time with its offset, to the second: `2026-12-05T04:51:19+09:00` (RFC 3339). */
export function seoulDateTime(instant: Date): string {
  return `${new Date(instant.getTime() + KST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
}
