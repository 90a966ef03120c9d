import { Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { transact } from '../../db/transaction';
import { freshDatabase, type TestDatabase } from './helpers/database';

/** Runs `query` in the write transaction `tx` (drizzle's pg handle under the domain's type). */
const execute = (tx: Db, query: ReturnType<typeof sql>) => (tx as unknown as TestDatabase['db']).execute(query);

type Writes = { _write: (...a: unknown[]) => unknown; _writev: (...a: unknown[]) => unknown };

/** Runs `work` counting the writes that reach this process's sockets (a corked socket's writes go as one `_writev`). */
async function socketWrites(work: () => Promise<unknown>): Promise<number> {
  const proto = Socket.prototype as unknown as Writes;
  const { _write, _writev } = proto;
  let writes = 0;
  proto._write = function (this: Socket, ...args: unknown[]) {
    writes++;
    return _write.apply(this, args);
  };
  proto._writev = function (this: Socket, ...args: unknown[]) {
    writes++;
    return _writev.apply(this, args);
  };
  try {
    await work();
  } finally {
    Object.assign(proto, { _write, _writev });
  }
  return writes;
}

// Each write to a TCP socket is most of a round trip's CPU on this kind of machine: a write transaction pays as few as it can.
describe('PostgreSQL write transactions go in as few round trips as their statements allow', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await freshDatabase();
    await transact(test.db as unknown as Db, (tx) => execute(tx, sql`select 1`)); // a connection open
  });
  afterAll(() => test?.drop());

  it("sends a transaction's BEGIN with its first statement, and statements sent together in one write", async () => {
    const run = (statements: number) =>
      transact(test.db as unknown as Db, (tx) => Promise.all(Array.from({ length: statements }, (_, i) => execute(tx, sql`select ${i}::int`))));
    // BEGIN with the statements, then COMMIT.
    expect(await socketWrites(() => run(1))).toBe(2);
    expect(await socketWrites(() => run(3))).toBe(2);
    const answers = await run(3);
    expect(answers.map((a) => a.rows[0])).toEqual([{ int4: 0 }, { int4: 1 }, { int4: 2 }]);
  });

  it('fails the transaction, and only it, when a statement sent together with others fails', async () => {
    const failing = transact(test.db as unknown as Db, (tx) => Promise.all([execute(tx, sql`select 1/0`), execute(tx, sql`select 1`)]));
    const error = (await failing.catch((e: unknown) => e)) as { cause?: unknown };
    expect(String(error.cause)).toMatch(/division by zero/);
    const after = await transact(test.db as unknown as Db, (tx) => execute(tx, sql`select 2 as n`));
    expect(after.rows).toEqual([{ n: 2 }]);
  });
});
