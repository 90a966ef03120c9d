import type { Db, Tx } from './client';

export type { Tx };

/** Most writes one shared transaction carries; bounds how long the write lock is held. */
const MAX_GROUP = 256;

interface Pending {
  work: (tx: Tx) => unknown;
  savepoint: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

const queues = new WeakMap<Db, Pending[]>();

/**
 * Group commit. With synchronous=FULL every commit waits for an fsync (about 1 ms here), which caps one
 * writer at roughly a thousand commits a second. Writes that arrive in the same event-loop turn therefore
 * share one immediate transaction, each in its own savepoint: a write that throws rolls back only itself
 * and rejects only its own caller. Nobody's promise settles before the shared commit, so an acknowledged
 * write is durable. `work` must be synchronous, as every transaction here is. Work that is one statement
 * (atomic on its own) may pass `{ savepoint: false }` to skip the savepoint's two extra statements.
 */
export function commitGrouped<T>(db: Db, work: (tx: Tx) => T, { savepoint = true }: { savepoint?: boolean } = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let queue = queues.get(db);
    if (!queue) {
      queue = [];
      queues.set(db, queue);
      setImmediate(() => flush(db));
    }
    queue.push({ work, savepoint, resolve: resolve as (value: unknown) => void, reject });
  });
}

function flush(db: Db): void {
  const queue = queues.get(db)!;
  queues.delete(db);
  for (let start = 0; start < queue.length; start += MAX_GROUP) {
    const group = queue.slice(start, start + MAX_GROUP);
    try {
      db.transaction(
        (tx) => {
          for (const pending of group) {
            try {
              pending.outcome = { ok: true, value: pending.savepoint ? tx.transaction((savepoint) => pending.work(savepoint)) : pending.work(tx) };
            } catch (error) {
              pending.outcome = { ok: false, error };
            }
          }
        },
        { behavior: 'immediate' },
      );
    } catch (error) {
      // The shared commit failed (e.g. the database stayed locked past busy_timeout): nothing was written.
      for (const pending of group) pending.reject(error);
      continue;
    }
    for (const pending of group) {
      const outcome = pending.outcome!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    }
  }
}
