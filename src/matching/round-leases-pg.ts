import pg from 'pg';
import { HELD_CONNECTION } from '../../db/pg/client';

/** The advisory-lock namespace of round leases ('SAND'); the second key is the complex's id. */
const NAMESPACE = 0x53414e44;

export interface RoundLeases {
  /**
   * Of `complexIds`, the ones this instance runs scheduled rounds for: those whose lease it holds, after giving back
   * what is over its fair share (the complexes over the instances, rounded up) or taking free ones up to it. Its first
   * query proves the session alive, so a lease lost with its connection is never reported held.
   */
  claim(complexIds: readonly number[]): Promise<number[]>;
  /** Gives every lease back (ends the session). */
  close(): Promise<void>;
}

/**
 * Scheduled rounds once per complex across instances on PostgreSQL: an instance runs a complex's rounds while it holds
 * a session-level advisory lock on it, on a connection of its own. Nothing to expire or renew: PostgreSQL releases the
 * locks when the session ends, so when an instance dies (kill -9 included: its socket closes and its backend exits at
 * once) another takes the complex over at its next `claim`, within one scheduler interval. Complexes spread: an
 * instance joining makes the others give back what is over their share at their next `claim`. A host that vanishes
 * without closing its socket holds its leases until the server notices (tcp_keepalives_* settings). A dropped
 * connection loses this instance's leases; the next `claim` reconnects and takes again what is free.
 * The running round's unique index still guards each round, so even two holders could never run one complex at once.
 */
export function createRoundLeases(url: string): RoundLeases {
  let session: Promise<pg.Client> | null = null;
  const connect = async () => {
    const client = new pg.Client({ connectionString: url, application_name: 'sandan-round-leases', ...HELD_CONNECTION });
    const forget = () => {
      if (session === opened) session = null;
      client.end().catch(() => {});
    };
    client.on('error', forget);
    client.on('end', forget);
    const opened = client.connect().then(() => client);
    session = opened;
    return opened.catch((error: unknown) => {
      forget();
      throw error;
    });
  };
  return {
    async claim(complexIds) {
      const client = await (session ?? connect());
      // The instances are the sessions named as this one: each holds its leases on a connection of its own.
      const { rows } = await client.query<{ instances: number; held: number[] }>(
        `select (select count(*)::int from pg_stat_activity
                 where application_name = current_setting('application_name') and datname = current_database()) as instances,
                coalesce(array_agg(l.objid::int order by l.objid), '{}') as held
         from pg_locks l
         where l.locktype = 'advisory' and l.pid = pg_backend_pid() and l.granted and l.classid = $1::int::oid and l.objsubid = 2`,
        [NAMESPACE],
      );
      const { instances, held: all } = rows[0]!;
      const held = all.filter((id) => complexIds.includes(id));
      // A fair share each: a complex's rounds run on one instance, and the complexes spread over the instances.
      const share = Math.ceil(complexIds.length / Math.max(1, instances));
      if (held.length > share) {
        // Over its share (another instance has joined): the rest go back, for those under theirs to take.
        await client.query('select pg_advisory_unlock($1::int, id) from unnest($2::int[]) as id', [NAMESPACE, held.slice(share)]);
        return held.slice(0, share);
      }
      for (const id of complexIds) {
        if (held.length >= share) break;
        if (held.includes(id)) continue;
        // A lease already held is never taken again: advisory locks count re-entries, and each would need its unlock.
        const { rows: taken } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::int, $2::int) as ok', [NAMESPACE, id]);
        if (taken[0]!.ok) held.push(id);
      }
      return held.sort((a, b) => a - b);
    },
    async close() {
      const client = await session?.catch(() => null);
      session = null;
      await client?.end().catch(() => {});
    },
  };
}
