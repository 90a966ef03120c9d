import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../db/client';
import { observeCommits, savepoint, snapshot, transact } from '../../../db/transaction';
import { tempDir } from '../../helpers/server';

const tmp = tempDir();
const db: Db = openDatabase(join(tmp.dir, 'transact.db'));
db.$client.exec('create table t (k integer primary key, v text not null)');
afterAll(() => {
  db.$client.close();
  tmp.remove();
});

const insert = async (tx: Db, k: number, v = 'x') => await tx.run(sql`insert into t (k, v) values (${k}, ${v})`);
const keys = async () => ((await db.all(sql`select k from t order by k`)) as { k: number }[]).map((r) => r.k);
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

beforeEach(() => {
  db.$client.exec('delete from t');
});

describe('transact', () => {
  it('commits the writes of one event-loop turn together, once, and settles each caller with its own value', async () => {
    const groups: number[] = [];
    observeCommits(db, (_seconds, writes) => groups.push(writes));
    try {
      const values = await Promise.all([1, 2, 3].map((k) => transact(db, async (tx) => (await insert(tx, k), k * 10))));
      expect(values).toEqual([10, 20, 30]);
      expect(groups).toEqual([3]);
      expect(await keys()).toEqual([1, 2, 3]);
    } finally {
      observeCommits(db, null);
    }
  });

  it('rolls back only the write that throws, rejecting only its caller', async () => {
    const outcomes = await Promise.allSettled([
      transact(db, async (tx) => await insert(tx, 1)),
      transact(db, async (tx) => {
        await insert(tx, 2);
        throw new Error('refused');
      }),
      transact(db, async (tx) => await insert(tx, 1)), // a primary-key conflict: the database refuses it
      transact(db, async (tx) => await insert(tx, 3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect(await keys()).toEqual([1, 3]);
  });

  it('lets no other request read a write before its commit, nor write inside its transaction', async () => {
    const seen: string[] = [];
    const writing = transact(db, async (tx) => {
      await insert(tx, 1);
      for (let i = 0; i < 5; i++) await tx.all(sql`select k from t`); // awaits, as a domain function's do
      await insert(tx, 2);
      seen.push('work done');
    });
    // Another request: code queued now runs only once the group has committed.
    const reading = (async () => {
      await turn();
      seen.push(`read ${(await keys()).join(',')}`);
    })();
    await Promise.all([writing, reading]);
    expect(seen).toEqual(['work done', 'read 1,2']);
    expect(db.$client.inTransaction).toBe(false);
  });

  it("runs the callers' continuations outside any transaction, before the next group begins", async () => {
    const inside: boolean[] = [];
    await Promise.all(
      [1, 2].map(async (k) => {
        await transact(db, async (tx) => await insert(tx, k));
        inside.push(db.$client.inTransaction);
        await transact(db, async (tx) => await insert(tx, k + 10));
        inside.push(db.$client.inTransaction);
      }),
    );
    expect(inside).toEqual([false, false, false, false]);
    expect(await keys()).toEqual([1, 2, 11, 12]);
  });
});

describe('savepoint', () => {
  it('undoes what its work wrote when it throws, and the transaction goes on', async () => {
    await transact(db, async (tx) => {
      await insert(tx, 1);
      await expect(
        savepoint(tx, async (sp) => {
          await insert(sp, 2);
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await savepoint(tx, async (sp) => await insert(sp, 3));
    });
    expect(await keys()).toEqual([1, 3]);
  });
});

describe('snapshot', () => {
  it('reads in one transaction, shared by nested calls, and ends it', async () => {
    await transact(db, async (tx) => await insert(tx, 1));
    const read = await snapshot(db, async (outer) => {
      const within = db.$client.inTransaction;
      const nested = await snapshot(outer, async (inner) => inner.all(sql`select k from t`));
      return { within, nested };
    });
    expect(read).toEqual({ within: true, nested: [{ k: 1 }] });
    expect(db.$client.inTransaction).toBe(false);
  });
});
