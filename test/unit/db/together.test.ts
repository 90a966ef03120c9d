import { describe, expect, it } from 'vitest';
import { together } from '../../../db/transaction';

/** What PostgreSQL answers a statement sent after one of its transaction failed, as drizzle hands it on. */
const ignoredAfterFailure = () => Object.assign(new Error('Failed query: insert into "bookings" …'), { cause: Object.assign(new Error('current transaction is aborted, commands ignored until end of transaction block'), { code: '25P02' }) });
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('together: the writes a transaction sends at once', () => {
  it('answers each write, in the order given', async () => {
    expect(await together([Promise.resolve(1), nextTurn().then(() => 'two'), 3])).toEqual([1, 'two', 3]);
  });

  it('fails with the error that says why, though a statement ignored after it failed first', async () => {
    const why = new Error('vehicle_over_capacity');
    const writes = () => [nextTurn().then(() => Promise.reject(why)), Promise.reject(ignoredAfterFailure())];
    await expect(Promise.all(writes())).rejects.toThrow('Failed query'); // what it used to report
    await expect(together(writes())).rejects.toBe(why);
  });

  it('fails only once every write has settled', async () => {
    let settled = false;
    const failed = together([Promise.reject(new Error('refused')), nextTurn().then(() => (settled = true))]);
    await expect(failed).rejects.toThrow('refused');
    expect(settled).toBe(true);
  });

  it('fails with the first error when every one is an ignored statement', async () => {
    const first = ignoredAfterFailure();
    await expect(together([Promise.reject(first), Promise.reject(ignoredAfterFailure())])).rejects.toBe(first);
  });
});
