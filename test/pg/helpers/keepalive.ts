import { readFileSync } from 'node:fs';
import type pg from 'pg';

/** The kernel's clock ticks a second (USER_HZ), the unit of /proc/net/tcp's timers. */
const TICKS_PER_SECOND = 100;

/**
 * The seconds until the next TCP keepalive probe of each connection `applicationName` holds to this database (over
 * IPv4, as the test clusters listen), read from the client's socket in /proc/net/tcp (its timer 2, keepalive);
 * null for one that is never probed.
 */
export async function keepaliveSecondsLeft(pool: pg.Pool, applicationName: string): Promise<(number | null)[]> {
  const { rows } = await pool.query<{ port: number }>('select client_port as port from pg_stat_activity where application_name = $1 and datname = current_database()', [applicationName]);
  const sockets = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((line) => line.trim().split(/\s+/));
  return rows.map(({ port }) => {
    // Columns: sl, local address:port (hex), remote, state, queues, timer:ticks left, ...
    const socket = sockets.find((s) => s[1]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`));
    if (!socket) throw new Error(`no socket of this machine has local port ${port}`);
    const [timer, ticks] = socket[5]!.split(':');
    return timer === '02' ? parseInt(ticks!, 16) / TICKS_PER_SECOND : null;
  });
}
