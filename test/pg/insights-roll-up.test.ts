import { and, eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import * as t from '../../db/pg/schema';
import { rollUpDay } from '../../src/insights/roll-up-day';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { seoulDay } from '../../src/supply/listings/seoul-day';
import { addListing, addRequest, at, seedMarket, type Market } from './helpers/market';

// READ COMMITTED lets a roll-up read a day while a change to it is still open, and store what that change made stale.
describe('an insights roll-up on PostgreSQL', () => {
  let test: TestDatabase;
  let m: Market;

  beforeAll(async () => {
    test = await freshDatabase();
    m = await seedMarket(test.db);
  });
  afterAll(() => test?.drop());

  it("never stores a day's figures that a change open meanwhile makes stale", async () => {
    const DAY = '2026-12-01';
    const ctx = { db: test.db as unknown as Db, now: () => at(72) };
    const input = { complexId: m.complex.id, day: DAY };
    const posted = await addRequest(test.db, m, { weightKg: 400, pallets: 2 });
    const moved = await addRequest(test.db, m, { weightKg: 400, pallets: 2 });
    await test.db.update(t.shipmentRequests).set({ createdAt: at(0) }).where(eq(t.shipmentRequests.id, posted.id));
    await test.db.update(t.shipmentRequests).set({ createdAt: at(48) }).where(eq(t.shipmentRequests.id, moved.id));
    const stored = () =>
      test.db.select().from(t.insightsDays).where(and(eq(t.insightsDays.complexId, m.complex.id), eq(t.insightsDays.day, DAY)));

    // A second request turns out to be posted on the day (its trigger forgets the day's roll-up: none yet), not committed.
    const change = new pg.Client({ connectionString: test.url });
    await change.connect();
    try {
      await change.query('begin');
      await change.query('update shipment_requests set created_at = $1 where id = $2', [at(1).getTime(), moved.id]);

      let settled = false;
      const rollUp = rollUpDay({ ctx, input }).finally(() => (settled = true));
      const waiting = async () => {
        const { rows } = await test.db.$client.query("select 1 from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())");
        return rows.length > 0;
      };
      for (let polls = 0; !settled && !(await waiting()); polls++) {
        if (polls > 500) throw new Error('the roll-up neither finished nor waited on a lock');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await change.query('commit');
      await rollUp;
    } finally {
      await change.end();
    }

    const [row] = await stored();
    expect(row?.posted).toBe(2);
    // And all of it as a roll-up computed afresh stores it.
    await test.db.delete(t.insightsDays).where(eq(t.insightsDays.complexId, m.complex.id));
    await rollUpDay({ ctx, input });
    expect(await stored()).toEqual([row]);
  });

  it('a change to a day waits for the roll-up storing it, then forgets what it stored', async () => {
    // Yesterday by this machine's clock, which the database shares: a day a roll-up could be writing.
    const DAY = seoulDay(new Date(Date.now() - 86_400_000));
    const listing = await addListing(test.db, m, 10, DAY, DAY);
    const stored = () =>
      test.db.select({ day: t.insightsDays.day }).from(t.insightsDays).where(and(eq(t.insightsDays.complexId, m.complex.id), eq(t.insightsDays.day, DAY)));

    // A roll-up of the day, as rollUpDay runs it, still open with its row written.
    const rollUp = new pg.Client({ connectionString: test.url });
    await rollUp.connect();
    try {
      await rollUp.query('begin');
      await rollUp.query('select insights_day_lock($1, $2, true)', [m.complex.id, DAY]);
      await rollUp.query(
        `insert into insights_days (complex_id, day, posted, served, expired, cancelled, consolidated, cost_krw, baseline_cost_krw, deadhead_km, loaded_km,
           baseline_deadhead_km, baseline_loaded_km, co2_kg, baseline_co2_kg, idle_pallet_days, booked_pallet_days, booking_ms)
         values ($1, $2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, ''::bytea)`,
        [m.complex.id, DAY],
      );

      let settled = false;
      const change = test.db.update(t.listingAvailability).set({ idlePallets: 7 }).where(eq(t.listingAvailability.listingId, listing.id)).finally(() => (settled = true));
      const waiting = async () => {
        const { rows } = await rollUp.query("select 1 from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())");
        return rows.length > 0;
      };
      for (let polls = 0; !settled && !(await waiting()); polls++) {
        if (polls > 500) throw new Error('the change neither finished nor waited on a lock');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await rollUp.query('commit');
      await change;
    } finally {
      await rollUp.end();
    }

    expect(await stored()).toEqual([]);
  });
});
