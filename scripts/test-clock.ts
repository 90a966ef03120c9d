/**
 * npm run test:clock [-- <vitest arguments>]
 * The suite again at instants where Korea's calendar turns, the clock moved by Debian's faketime (an LD_PRELOAD
 * library: the test processes, the services and browsers they start and `TZ=Asia/Seoul date` all read the moved
 * clock): the next Monday at 00:20, and this month's last day at 23:40 (Asia/Seoul). Tests that hold only on the days
 * and hours they happen to be run at fail here: three did, each silently waiting for its date (a Korean date range
 * within one month, a history played to a Saturday, a truck's day ending at midnight).
 * The clock is moved by an offset, not set: faketime reads a set time in the local zone, which `TZ` changes.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fail } from './cli';

const KST_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;

/** The first instant after `now` at `hh:mm` Asia/Seoul on a day `fits` accepts (a Date of that Seoul day at UTC midnight). */
function nextSeoul(now: number, hhmm: string, fits: (seoulDay: Date) => boolean): number {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const today = Math.floor((now + KST_MS) / DAY_MS) * DAY_MS;
  for (let day = today; ; day += DAY_MS) {
    const at = day - KST_MS + (hh * 60 + mm) * 60_000;
    if (at > now && fits(new Date(day))) return at;
  }
}

const now = Date.now();
const instants = [
  { name: 'Monday 00:20 KST', at: nextSeoul(now, '00:20', (d) => d.getUTCDay() === 1) },
  { name: "a month's last day 23:40 KST", at: nextSeoul(now, '23:40', (d) => new Date(d.getTime() + DAY_MS).getUTCDate() === 1) },
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
