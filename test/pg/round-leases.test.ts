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

  it('gives each complex to one instance, spreads them as instances join, and the survivor takes them over within a tick after kill -9', async () => {
    const a = instance();
    await a.until<Line>((l) => l.owned.length === 3);
    const b = instance();
    // A's share is now two of the three: it gives the third back and B takes it.
    await b.until<Line>((l) => l.owned.length === 1);
    await a.until<Line>((l) => l.owned.length === 2);
    // Each holds its leases on a connection probed after at most a minute idle: a NAT forgetting it is noticed.
    const left = await keepaliveSecondsLeft(test.db.$client, 'sandan-round-leases');
    expect(left).toHaveLength(2);
    for (const seconds of left) expect(seconds).not.toBeNull();
    for (const seconds of left) expect(seconds).toBeLessThanOrEqual(60);
    // Both tick ten times meanwhile: the split stands, each complex held once.
    await new Promise((r) => setTimeout(r, 1_000));
    expect([a.lines.at(-1), b.lines.at(-1)]).toEqual([expect.objectContaining({ owned: [1, 2] }), expect.objectContaining({ owned: [3] })]);
    const { rows } = await test.db.$client.query<{ holders: number; leases: number }>(
      "select count(distinct pid)::int as holders, count(*)::int as leases from pg_locks where locktype = 'advisory' and granted and objsubid = 2",
    );
    expect(rows[0]).toEqual({ holders: 2, leases: 3 });

    const killedAt = Date.now();
    a.process.kill('SIGKILL');
    const taken = await b.until<Line>((l) => l.owned.length === 3);
    // The stated bound: PostgreSQL frees the dead session's locks at once, B claims at its next tick (100 ms).
    expect(taken.at - killedAt).toBeLessThan(1_000);
  });
});
