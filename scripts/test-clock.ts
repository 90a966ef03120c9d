/**
 * npm run test:clock [-- <vitest arguments>]
 * The suite again at instants where Korea's calendar turns, the clock moved by Debian's faketime (an LD_PRELOAD
 * library: the test processes, the services and browsers they start and `TZ=Asia/Seoul date` all read the moved
 * clock): the next Monday at 00:20, Friday at 17:50 and this month's last day at 23:40 (Asia/Seoul). Tests that hold
 * only on the days and hours they happen to be run at fail here: three did, each silently waiting for its date (a
 * Korean date range within one month, a history played to a Saturday, a truck's day ending at midnight), and one
 * failed a CI run in the afternoon (a pickup a few hours ahead, at a warehouse closing at 18:00): hence Friday 17:50,
 * the end of a working day and of the week.
 * The clock is moved by an offset, not set: faketime reads a set time in the local zone, which `TZ` changes.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { addDays, seoulDay, seoulMidnight } from '../src/supply/listings/seoul-day';
import { HOUR_MS, MINUTE_MS } from '../src/time';
import { fail } from './cli';

/** The first instant after `now` at `hh:mm` Asia/Seoul on a day (YYYY-MM-DD, Seoul's) that `fits` accepts. */
function nextSeoul(now: number, hhmm: string, fits: (day: string) => boolean): number {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  for (let day = seoulDay(new Date(now)); ; day = addDays(day, 1)) {
    const at = seoulMidnight(day).getTime() + hh * HOUR_MS + mm * MINUTE_MS;
    if (at > now && fits(day)) return at;
  }
}

const now = Date.now();
const instants = [
  { name: 'Monday 00:20 KST', at: nextSeoul(now, '00:20', (day) => new Date(`${day}T00:00:00Z`).getUTCDay() === 1) },
  { name: 'Friday 17:50 KST', at: nextSeoul(now, '17:50', (day) => new Date(`${day}T00:00:00Z`).getUTCDay() === 5) },
  { name: "a month's last day 23:40 KST", at: nextSeoul(now, '23:40', (day) => addDays(day, 1).endsWith('-01')) },
];

if (spawnSync('faketime', ['-f', '+0', 'true']).error) fail('faketime is not installed: sudo apt-get install -y faketime');
const vitest = resolve('node_modules/vitest/vitest.mjs');
let failed = false;
for (const { name, at } of instants) {
  const offset = Math.round((at - Date.now()) / 1000);
  console.log(`== the suite at ${new Date(at).toISOString()} (${name})`);
  const run = spawnSync('faketime', ['-f', `+${offset}s`, process.execPath, vitest, 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
