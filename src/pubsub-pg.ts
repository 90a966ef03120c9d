import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Db } from '../db/client';
import { DIALECT } from '../db/dialect';
import { HELD_CONNECTION, keyedPoolOf, type PgDb } from '../db/pg/client';
import { createInProcessPubSub, type Publication, type PubSub } from './pubsub';

/**
 * PubSub across instances over PostgreSQL LISTEN/NOTIFY. Every instance LISTENs on one channel with a connection of
 * its own and hands what arrives to its in-process PubSub, so its subscribers get each publication once, whichever
 * instance published it (its own included: a publication goes only through the database, never straight to local
 * subscribers).
 *
 * When it is sent: NOTIFY inside a transaction is delivered when that transaction commits and never if it rolls
 * back, so `notifyIn(tx, publications)` in the write's transaction ties the events to the change atomically: the
 * later async domain step should use it (its writes already build their publication list in the transaction).
 * `publish` (the PubSub interface, synchronous) notifies on its own after the caller's commit, as the domain publishes
 * today (publishAll after the transaction); a crash between the two loses the event, as in process. Publications of
 * one instance go out in order, those queued while a batch is on its way together in the next statement.
 *
 * Payloads over NOTIFY's 8000 bytes are stored in pubsub_payloads and the notification carries `#<id>`; listeners
 * read the row, and publishers delete rows older than a minute.
 *
 * A dropped listener connection is reopened (100 ms, doubling to 5 s): what was published meanwhile does not reach
 * this instance's subscribers (PostgreSQL keeps no notification for a session that is not listening); their
 * subscriptions stay open and receive again once it is back. Webhooks do not depend on this (they have their outbox).
 */
export const PUBSUB_CHANNEL = 'sandan_pubsub';

/** NOTIFY refuses payloads of 8000 bytes or more. */
const NOTIFY_MAX_BYTES = 7_999;

/** Anything that runs drizzle SQL: the database or a transaction. */
type Executor = Pick<PgDb, 'execute'>;

/** A publication as text: JSON, with Dates tagged so that subscribers get Dates back, as in process. */
export function encodePublication(publication: Publication): string {
  return JSON.stringify(publication, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.getTime() } : value;
  });
}

export function decodePublication(text: string): Publication {
  return JSON.parse(text, (_key, value) =>
    value !== null && typeof value === 'object' && typeof value.$date === 'number' && Object.keys(value).length === 1 ? new Date(value.$date) : value,
  ) as Publication;
}

let sequence = 0;

/**
 * Publishes `publications` through `tx`, in order, in one statement (plus an insert per payload over the limit):
 * inside a transaction they are sent when it commits and not at all if it rolls back. Each notification starts with
 * this process's sequence number, because PostgreSQL delivers identical notifications of one transaction only once.
 */
export async function notifyIn(tx: Executor, publications: readonly Publication[]): Promise<void> {
  if (publications.length === 0) return;
  const texts: string[] = [];
  let stored = false;
  for (const publication of publications) {
    const text = encodePublication(publication);
    const prefix = `${++sequence}:`;
    if (Buffer.byteLength(prefix + text) <= NOTIFY_MAX_BYTES) {
      texts.push(prefix + text);
      continue;
    }
    const { rows } = await tx.execute<{ id: string }>(sql`insert into pubsub_payloads (payload) values (${text}) returning id`);
    texts.push(`${prefix}#${rows[0]!.id}`);
    stored = true;
  }
  // unnest yields in array order, and notifications go out in the order pg_notify ran.
  await tx.execute(sql`select pg_notify(${PUBSUB_CHANNEL}, text) from unnest(${sql.param(texts)}::text[]) as text`);
  // Every listener has read a stored payload within milliseconds; a minute covers a slow one.
  if (stored) await tx.execute(sql`delete from pubsub_payloads where created_at < (extract(epoch from statement_timestamp()) * 1000)::bigint - 60000`);
}

export interface PgPubSub extends PubSub {
  /** Resolves once this instance listens (publications before that do not reach its subscribers). */
  ready: Promise<void>;
  /** Stops listening, after the publications already handed to `publish` have gone out. */
  close(): Promise<void>;
}

export interface PgPubSubOptions {
  /** A failed publish or listener error (the PubSub interface cannot throw them to the publisher). */
  onError?: (error: unknown) => void;
}

/** `db` sends and reads stored payloads; `url` opens the listening connection (one per instance). */
export function createPgPubSub(db: PgDb, url: string, options: PgPubSubOptions = {}): PgPubSub {
  const onError = options.onError ?? (() => {});
  const local = createInProcessPubSub();
  // This instance's publications, as it makes them: each instance's metrics count its own rounds, offers and attempts.
  const own = createInProcessPubSub();
  // Publications wait here while the previous batch is sent: one round trip per batch, in order.
  let queue: Publication[] = [];
  let sending: Promise<void> | null = null;
  // On the keyed pool's shared connection: a batch leaves in the same write as the turn's other one-shot statements.
  const sender = keyedPoolOf(db);
  const send = async () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      await notifyIn(sender, batch).catch(onError);
    }
    sending = null;
  };
  let delivering = Promise.resolve();
  let listener: pg.Client | null = null;
  let closed = false;
  let backoffMs = 100;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const deliver = (notification: string) => {
    const text = notification.slice(notification.indexOf(':') + 1);
    // In arrival order, also when a stored payload has to be read first.
    delivering = delivering
      .then(async () => {
        const stored = text.startsWith('#')
          ? (await db.execute<{ payload: string }>(sql`select payload from pubsub_payloads where id = ${Number(text.slice(1))}`)).rows[0]?.payload
          : text;
        if (stored === undefined) throw new Error(`pubsub payload ${text} is gone`);
        const [topic, payload] = decodePublication(stored);
        local.publish(topic, payload as never);
      })
      .catch(onError);
  };

  const listen = async () => {
    if (closed) return;
    const client = new pg.Client({ connectionString: url, application_name: 'sandan-pubsub', ...HELD_CONNECTION });
    listener = client;
    let dropped = false;
    const drop = (error?: unknown) => {
      if (dropped) return;
      dropped = true;
      if (error) onError(error);
      client.end().catch(() => {});
      if (!closed) setTimeout(() => void listen(), backoffMs).unref();
      backoffMs = Math.min(backoffMs * 2, 5_000);
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (message) => {
      if (message.channel === PUBSUB_CHANNEL && message.payload !== undefined) deliver(message.payload);
    });
    try {
      await client.connect();
      await client.query(`listen ${PUBSUB_CHANNEL}`);
      backoffMs = 100;
      markReady();
    } catch (error) {
      drop(error);
    }
  };
  void listen();

  return {
    ready,
    publish(topic, payload) {
      own.publish(topic, payload);
      queue.push([topic, payload] as Publication);
      // From the next microtask: a change's publications (publishAll) then go out in one round trip.
      sending ??= Promise.resolve().then(send);
    },
    subscribe: local.subscribe,
    listenOwn: own.listenOwn,
    async close() {
      await sending;
      closed = true;
      await listener?.end().catch(() => {});
      await delivering;
    },
  };
}

/**
 * The PubSub of a service on `db`: across instances on PostgreSQL (listening once it resolves), in process on SQLite.
 * `close` stops it (nothing to stop in process).
 */
export async function servicePubSub(db: Db, url: string | undefined, onError: (error: unknown) => void): Promise<PubSub & { close(): Promise<void> }> {
  if (DIALECT === 'sqlite') return { ...createInProcessPubSub(), close: async () => {} };
  const pubsub = createPgPubSub(db as unknown as PgDb, url!, { onError });
  await pubsub.ready;
  return pubsub;
}
