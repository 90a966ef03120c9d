import { setTimeout as sleep } from 'node:timers/promises';
import { is } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db } from './client';
import { DIALECT } from './dialect';
import { isAfterFailure, isRetryable } from './errors';
import { keyedPoolOf, type PgDb } from './pg/client';

/** The handle a write's `work` receives: the database's one connection (SQLite) or the transaction's (PostgreSQL), inside the open transaction. */
export type Tx = Db;

/** Most writes one shared transaction carries; bounds how long the write lock is held. */
const MAX_GROUP = 256;

interface Pending {
  work: (tx: Tx) => unknown;
  savepoint: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

interface Writer {
  queue: Pending[];
  flushing: boolean;
  /** Savepoints open now, for their names. */
  depth: number;
}

const writers = new WeakMap<Db, Writer>();
const commitObservers = new WeakMap<Db, (seconds: number, writes: number) => void>();

/**
 * Every write of the service: `work` runs in an immediate transaction and the promise settles once it is
 * committed (so an acknowledged write is durable) or rolled back (rejecting with work's error).
 *
 * Group commit. With synchronous=FULL every commit waits for an fsync (about 1 ms here), which caps one writer
 * at roughly a thousand commits a second. Writes that arrive in the same event-loop turn therefore share one
 * transaction, each in its own savepoint: a write that throws rolls back only itself and rejects only its own
 * caller. Work that is one statement (atomic on its own) may pass `{ savepoint: false }` to skip the savepoint's
 * two extra statements.
 *
 * Isolation. The group runs from a setImmediate callback, when no other request's continuation is queued,
 * and `work` may await only the database: each query on this synchronous driver settles at once, so the whole
 * group, commit included, runs before any other request's code can read the connection. `work` must therefore
 * never wait for the network, a timer or a file.
 *
 * On PostgreSQL each call is a transaction of its own on a pooled connection, READ COMMITTED: the invariant triggers
 * (db/pg/migrations/0001_invariants.sql) lock the rows they check, so concurrent writers queue on the vehicle,
 * listing or request they share. One given up as a deadlock or serialization failure runs again (`work` then runs
 * twice: it must only write through `tx`, as every write here does, and publish after it returns).
 */
export function transact<T>(db: Db, work: (tx: Tx) => Promise<T> | T, { savepoint = true }: { savepoint?: boolean } = {}): Promise<T> {
  if (DIALECT === 'pg') return pgTransact(db, work);
  return new Promise<T>((resolve, reject) => {
    const writer = writerOf(db);
    writer.queue.push({ work, savepoint, resolve: resolve as (value: unknown) => void, reject });
    if (!writer.flushing) {
      writer.flushing = true;
      setImmediate(() => void flush(db, writer));
    }
  });
}

/**
 * Runs `work` in a savepoint of the open transaction `tx`: when it throws, what it wrote is undone and the
 * error goes on to the caller, whose transaction stays open.
 */
export async function savepoint<T>(tx: Tx, work: (tx: Tx) => Promise<T> | T): Promise<T> {
  if (DIALECT === 'pg') return (tx as unknown as PgDb).transaction(async (inner) => work(inner as unknown as Tx));
  const writer = writerOf(tx);
  const name = `sp${writer.depth++}`;
  tx.$client.exec(`savepoint ${name}`);
  try {
    const value = await work(tx);
    tx.$client.exec(`release ${name}`);
    return value;
  } catch (error) {
    if (tx.$client.inTransaction) tx.$client.exec(`rollback to ${name}; release ${name}`);
    throw error;
  } finally {
    writer.depth--;
  }
}

/**
 * Awaits the writes a transaction sends together (on PostgreSQL they leave in one write, db/pg/client.ts), every one
 * of them, then fails with the error that says why. Once a statement fails there, PostgreSQL answers each one sent
 * after it "current transaction is aborted", and that answer can reach its caller first (fewer awaits on its way):
 * `Promise.all` then reported it, and a full vehicle read as an internal error instead of a conflict.
 */
export async function together<T extends readonly unknown[] | []>(writes: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(writes);
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (errors.length > 0) throw errors.find((error) => !isAfterFailure(error)) ?? errors[0];
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/**
 * Reads that must agree with each other (a round's whole input) in one read transaction. On this driver
 * every read settles at once, so no write can commit in between (see `transact`); nested calls share the
 * outer snapshot. On PostgreSQL, a REPEATABLE READ, READ ONLY transaction.
 */
export async function snapshot<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  if (DIALECT === 'pg') {
    if (is(db, PgTransaction)) return work(db);
    return (db as unknown as PgDb).transaction(async (tx) => work(tx as unknown as Db), { isolationLevel: 'repeatable read', accessMode: 'read only' });
  }
  if (db.$client.inTransaction) return work(db);
  db.$client.exec('begin');
  try {
    return await work(db);
  } finally {
    if (db.$client.inTransaction) db.$client.exec('commit');
  }
}

/** Calls `observe` with each group's time from BEGIN to COMMIT and its number of writes (the metrics' write latency). */
export function observeCommits(db: Db, observe: ((seconds: number, writes: number) => void) | null): void {
  if (observe) commitObservers.set(db, observe);
  else commitObservers.delete(db);
}

/** Attempts of a PostgreSQL transaction given up as a deadlock or serialization failure, before its error goes to the caller. */
const PG_ATTEMPTS = 5;

async function pgTransact<T>(db: Db, work: (tx: Tx) => Promise<T> | T): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    try {
      const value = await keyedPoolOf(db as unknown as PgDb).transaction(async (tx) => work(tx as unknown as Tx), { isolationLevel: 'read committed' });
      commitObservers.get(db)?.((performance.now() - started) / 1000, 1);
      return value;
    } catch (error) {
      if (attempt >= PG_ATTEMPTS || !isRetryable(error)) throw error;
      // A few ms, growing and jittered, so the transactions that collided do not collide again in step.
      await sleep(Math.random() * 5 * attempt);
    }
  }
}

function writerOf(db: Db): Writer {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = { queue: [], flushing: false, depth: 0 }));
  return writer;
}

/**
 * Commits one group, settles its callers, and leaves the next group to a later setImmediate: the callers'
 * continuations run first, outside any transaction.
 */
async function flush(db: Db, writer: Writer): Promise<void> {
  const group = writer.queue.splice(0, MAX_GROUP);
  const started = performance.now();
  try {
    db.$client.exec('begin immediate');
    try {
      for (const pending of group) {
        try {
          pending.outcome = { ok: true, value: await (pending.savepoint ? savepoint(db, pending.work) : pending.work(db)) };
        } catch (error) {
          pending.outcome = { ok: false, error };
        }
        // Some failures (a full disk, an I/O error) roll the whole transaction back: nothing of the group stands.
        if (!db.$client.inTransaction) throw pending.outcome.ok ? new Error('the transaction was rolled back') : pending.outcome.error;
      }
      db.$client.exec('commit');
    } catch (error) {
      if (db.$client.inTransaction) db.$client.exec('rollback');
      throw error;
    }
  } catch (error) {
    // BEGIN or COMMIT failed (e.g. another process held the lock past busy_timeout): nothing was written.
    for (const pending of group) pending.reject(error);
    return next(db, writer);
  }
  commitObservers.get(db)?.((performance.now() - started) / 1000, group.length);
  for (const pending of group) {
    const outcome = pending.outcome!;
    if (outcome.ok) pending.resolve(outcome.value);
    else pending.reject(outcome.error);
  }
  next(db, writer);
}

function next(db: Db, writer: Writer): void {
  if (writer.queue.length > 0) setImmediate(() => void flush(db, writer));
  else writer.flushing = false;
}
