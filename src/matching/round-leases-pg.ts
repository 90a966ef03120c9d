import pg from 'pg';
import { HELD_CONNECTION } from '../../db/pg/client';

/** The advisory-lock namespace of round leases ('SAND'); the second key is the complex's id. */
const NAMESPACE = 0x53414e44;

export interface RoundLeases {
  /**
   * Of `complexIds`, the ones this instance runs scheduled rounds for: those whose lease it holds, after taking every
   * free one. One query; it also proves the session alive, so a lease lost with its connection is never reported held.
   */
  claim(complexIds: readonly number[]): Promise<number[]>;
  /** Gives every lease back (ends the session). */
  close(): Promise<void>;
}

/**
 * Scheduled rounds once per complex across instances on PostgreSQL: an instance runs a complex's rounds while it holds
 * a session-level advisory lock on it, on a connection of its own. Nothing to expire or renew: PostgreSQL releases the
 * locks when the session ends, so when an instance dies (kill -9 included: its socket closes and its backend exits at
 * once) another takes the complex over at its next `claim`, within one scheduler interval. A host that vanishes
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
      // A lease already held is not taken again: advisory locks count re-entries, and each would need its unlock.
      const { rows } = await client.query<{ id: number }>(
        `select c.id from unnest($1::int[]) as c(id)
         where case when exists (select 1 from pg_locks l
                                 where l.locktype = 'advisory' and l.pid = pg_backend_pid() and l.granted
                                   and l.classid = $2::int::oid and l.objid = c.id::oid and l.objsubid = 2)
                    then true else pg_try_advisory_lock($2::int, c.id) end
         order by c.id`,
        [complexIds, NAMESPACE],
      );
      return rows.map((r) => r.id);
    },
    async close() {
      const client = await session?.catch(() => null);
      session = null;
      await client?.end().catch(() => {});
    },
  };
}
