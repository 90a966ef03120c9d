import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnChild, type Child } from './helpers/child';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { keepaliveSecondsLeft } from './helpers/keepalive';

type Line = { owned: number[]; at: number };

// Two instances' schedulers contend for the same complexes; one is killed with -9 while it holds them.
describe('round leases on PostgreSQL', () => {
  let test: TestDatabase;
  const children: Child[] = [];
  const instance = () => {
    const child = spawnChild('test/pg/helpers/round-leaser.ts', { LEASER_URL: test.url, LEASER_COMPLEXES: '[1,2,3]', LEASER_TICK_MS: '100' });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    test = await freshDatabase();
  });
  afterAll(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await test?.drop();
  });

  it('gives each complex to one instance, and the other takes them over within a tick or two after kill -9', async () => {
    const a = instance();
    await a.until<Line>((l) => l.owned.length === 3);
    const b = instance();
    await b.until<Line>(() => true);
    // Each holds its leases on a connection probed after at most a minute idle: a NAT forgetting it is noticed.
    const left = await keepaliveSecondsLeft(test.db.$client, 'sandan-round-leases');
    expect(left).toHaveLength(2);
    for (const seconds of left) expect(seconds).not.toBeNull();
    for (const seconds of left) expect(seconds).toBeLessThanOrEqual(60);
    // B ticks ten times meanwhile: A keeps every complex, B gets none.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(b.lines).toEqual([expect.objectContaining({ owned: [] })]);
    const { rows } = await test.db.$client.query<{ n: number }>(
      "select count(distinct pid)::int as n from pg_locks where locktype = 'advisory' and granted and objsubid = 2",
    );
    expect(rows[0]!.n).toBe(1);

    const killedAt = Date.now();
    a.process.kill('SIGKILL');
    const taken = await b.until<Line>((l) => l.owned.length === 3);
    // The stated bound: PostgreSQL frees the dead session's locks at once, B claims at its next tick (100 ms).
    expect(taken.at - killedAt).toBeLessThan(1_000);
  });
});
