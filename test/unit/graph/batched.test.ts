import { describe, expect, it } from 'vitest';
import { batched, type Batch } from '../../../graph/batched';
import type { Context } from '../../../src/context';

const context = () => ({}) as Context;

describe('batched', () => {
  it('reads the keys one request asks in the same tick in one call, each field its own value or error', async () => {
    const calls: (readonly number[])[] = [];
    const double: Batch<number, number> = async (_, keys) => {
      calls.push(keys);
      return keys.map((k) => (k < 0 ? new Error(`no ${k}`) : k * 2));
    };
    const ctx = context();
    const results = await Promise.allSettled([1, 2, -3, 2].map((k) => batched(ctx, double, k)));
    expect(calls).toEqual([[1, 2, -3, 2]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([2, 4, 'no -3', 4]);
  });

  it('keeps requests apart, and reads again on a later tick (a subscription context outlives one event)', async () => {
    let value = 1;
    const calls: (readonly string[])[] = [];
    const current: Batch<string, number> = async (_, keys) => (calls.push(keys), keys.map(() => value));
    const one = context();
    const other = context();
    expect(await Promise.all([batched(one, current, 'a'), batched(other, current, 'b')])).toEqual([1, 1]);
    value = 2;
    expect(await batched(one, current, 'a')).toBe(2);
    expect(calls).toEqual([['a'], ['b'], ['a']]);
  });
});
