import { readFileSync } from 'node:fs';
import { setTimeout as pause } from 'node:timers/promises';
import type pg from 'pg';

/** The kernel's clock ticks a second (USER_HZ), the unit of /proc/net/tcp's timers. */
const TICKS_PER_SECOND = 100;
/** Readings of /proc/net/tcp before a connection counts as never probed. */
const SAMPLES = 40;

/**
 * The seconds until the next TCP keepalive probe of each connection `applicationName` holds to this database (over
 * IPv4, as the test clusters listen), read from the client's socket in /proc/net/tcp (its timer 2, keepalive);
 * null for one that is never probed. The kernel shows one timer per socket, the retransmit timer while a query is
 * unanswered, so a busy connection (a round leaser ticks every 100 ms) is read again until its keepalive shows.
 */
export async function keepaliveSecondsLeft(pool: pg.Pool, applicationName: string): Promise<(number | null)[]> {
  const { rows } = await pool.query<{ port: number }>('select client_port as port from pg_stat_activity where application_name = $1 and datname = current_database()', [applicationName]);
  const left: (number | null)[] = rows.map(() => null);
  for (let sample = 0; sample < SAMPLES && left.includes(null); sample++) {
    if (sample > 0) await pause(25);
    const sockets = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((line) => line.trim().split(/\s+/));
    rows.forEach(({ port }, i) => {
      // Columns: sl, local address:port (hex), remote, state, queues, timer:ticks left, ...
      const socket = sockets.find((s) => s[1]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`));
      if (!socket) throw new Error(`no socket of this machine has local port ${port}`);
      const [timer, ticks] = socket[5]!.split(':');
      if (timer === '02') left[i] ??= parseInt(ticks!, 16) / TICKS_PER_SECOND;
    });
  }
  return left;
}
