import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { DEFAULT_SEED, seedDemo } from '../../scripts/demo/seed-demo';
import { testDatabase } from '../helpers/database';
import { tempDir } from '../helpers/server';

describe('demo organisations', () => {
  const tmp = tempDir();
  let rows: (typeof organisations.$inferSelect)[];
  let close: () => Promise<void>;
  beforeAll(async () => {
    const { db, close: closeDb } = await testDatabase(`${tmp.dir}/demo-names.db`);
    close = closeDb;
    await seedDemo({ ctx: { db }, input: DEFAULT_SEED });
    rows = await db.select().from(organisations).all();
  });
  afterAll(async () => {
    await close();
    tmp.remove();
  });

  it('are named as Korean firms are, in Hangul, each name once in its complex', () => {
    const firms = rows.filter((o) => o.role !== 'ADMIN');
    expect(firms.length).toBeGreaterThan(50);
    // The Latin letters that told repeated names apart (`은성 공사 ILY`) read oddly on the Korean-first dashboard.
    expect(firms.filter((o) => /[A-Za-z]/.test(o.name)).map((o) => o.name)).toEqual([]);
    const byComplex = new Map<number | null, string[]>();
    for (const o of firms) byComplex.set(o.complexId, [...(byComplex.get(o.complexId) ?? []), o.name]);
    for (const names of byComplex.values()) expect(new Set(names).size).toBe(names.length);
    const carrier = firms.find((o) => o.role === 'CARRIER')!;
    expect(carrier.name).toMatch(/(운수|물류|통운|로지스|화물|익스프레스)$/);
  });
});
