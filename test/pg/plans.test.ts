import { getTableColumns, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePgDatabase, openPgDatabase } from '../../db/pg/client';
import * as t from '../../db/pg/schema';
import type { Db } from '../../db/client';
import { inIdList } from '../../db/prepared';
import { transact } from '../../db/transaction';
import { inJson, notInJson } from '../../db/sql';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { addRequest, seedMarket } from './helpers/market';

/** Rows enough that a full scan costs the planner more than looking a few ids up (a year's requests are ten times more). */
const REQUESTS = 4_000;

// The service's statements are prepared once per connection and run again and again: their plans must hold whatever the
// values, as tables grow and complexes differ in size.
describe('PostgreSQL plans that hold on large and uneven tables', () => {
  let test: TestDatabase;
  let largeComplex: number;
  let smallComplex: number;

  beforeAll(async () => {
    test = await freshDatabase();
    const m = await seedMarket(test.db);
    const first = await addRequest(test.db, m, { weightKg: 100, pallets: 1 });
    const { id: _id, ...columns } = getTableColumns(t.shipmentRequests);
    const names = sql.join(Object.values(columns).map((c) => sql.identifier(c.name)), sql`, `);
    // A small complex beside the large one, its requests older than most of the large one's.
    const [{ id: small }] = (await test.db.execute<{ id: number }>(sql`insert into complexes (code, name_ko, name_en, region, industries, industries_ko, production_trillion_krw, employment, tenant_companies, designated_year, smart_direction, centroid_lat, centroid_lng, radius_km, service_area_cells)
      select 'CHANGWON', name_ko, name_en, region, industries, industries_ko, production_trillion_krw, employment, tenant_companies, designated_year, smart_direction, centroid_lat, centroid_lng, radius_km, service_area_cells from complexes where id = ${m.complex.id} returning id`)).rows as [{ id: number }];
    [largeComplex, smallComplex] = [m.complex.id, small];
    const inSmall = sql.join(Object.values(columns).map((c) => (c.name === 'complex_id' ? sql`${small}` : sql.identifier(c.name))), sql`, `);
    await test.db.execute(sql`insert into shipment_requests (${names}) select ${inSmall} from shipment_requests, generate_series(1, 30) where id = ${first.id}`);
    await test.db.execute(sql`insert into shipment_requests (${names}) select ${names} from shipment_requests, generate_series(2, ${REQUESTS}) where id = ${first.id}`);
    await test.db.execute(sql`analyze shipment_requests`);
  }, 60_000);
  afterAll(() => test?.drop());

  async function genericPlan(where: ReturnType<typeof sql>, ids: string): Promise<string> {
    const client = await test.db.$client.connect();
    try {
      const query = test.db.select({ id: t.shipmentRequests.id }).from(t.shipmentRequests).where(where).toSQL();
      await client.query('set plan_cache_mode = force_generic_plan');
      await client.query(`prepare listed(text) as ${query.sql}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain execute listed(${client.escapeLiteral(ids)})`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await client.query('deallocate all; reset plan_cache_mode');
      client.release();
    }
  }

  // A list of ids is bound as one JSON value (one statement for any count); a generic plan cannot see it.
  it('looks a listed id up in the primary key, even on a generic plan', async () => {
    const plan = await genericPlan(inIdList(t.shipmentRequests.id, 'ids'), '[7, 3000]');
    expect(plan).toMatch(/Index (Only )?Scan using shipment_requests_pkey/);
    expect(plan).not.toMatch(/Seq Scan on shipment_requests/);
  });

  // PostgreSQL's default turns a statement generic after five runs: the newest page of a small complex was then found
  // by walking every id backwards and filtering out the large complex's rows.
  it("plans each run of a statement for its own values, so a small complex's newest page reads its own rows", async () => {
    const newestPage = 'select id from shipment_requests where complex_id = $1 order by id desc limit 21';
    const rowsFiltered = async (db: typeof test.db) => {
      const client = await db.$client.connect();
      try {
        await client.query(`prepare newest(int) as ${newestPage}`);
        for (let i = 0; i < 6; i++) await client.query(`execute newest(${largeComplex})`);
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, costs off) execute newest(${smallComplex})`);
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        return Number(/Rows Removed by Filter: (\d+)/.exec(plan)?.[1] ?? 0);
      } finally {
        await client.query('deallocate all');
        client.release();
      }
    };
    const onDefault = openPgDatabase(test.url, { options: '' });
    try {
      expect(await rowsFiltered(onDefault)).toBeGreaterThan(1_000);
    } finally {
      await closePgDatabase(onDefault);
    }
    expect(await rowsFiltered(test.db)).toBe(0);
  });

  // A booking's statements and what its triggers and foreign keys run, planned again on every run, took half its server time.
  it('keeps one plan for what finds rows by key: a write transaction, where reads plan every run', async () => {
    type Executor = Pick<typeof test.db, 'execute'>;
    const plansOf = async (db: Executor) => {
      for (let i = 0; i < 8; i++) await db.execute(sql`select id from shipment_requests where id = ${i + 1}`);
      const { rows } = await db.execute<{ generic: number; custom: number }>(
        sql`select generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements where statement = 'select id from shipment_requests where id = $1'`,
      );
      return rows[0];
    };
    // `transact` hands its work the transaction, on a connection of the keyed pool; a read runs on the handle's own pool.
    const inWrite = await transact(test.db as unknown as Db, (tx) => plansOf(tx as unknown as Executor));
    expect(inWrite?.generic).toBeGreaterThan(0);
    const asRead = await test.db.transaction((tx) => plansOf(tx));
    expect(asRead).toEqual({ generic: 0, custom: 8 });
  });

  it('answers the listed rows, and none but them', async () => {
    const listed = await test.db.select({ id: t.shipmentRequests.id }).from(t.shipmentRequests).where(inJson(t.shipmentRequests.id, '[7, 3000, 999999]'));
    expect(listed.map((r) => r.id).sort((a, b) => a - b)).toEqual([7, 3000]);
    const count = async (where = sql`true`) => (await test.db.execute<{ n: number }>(sql`select count(*)::int as n from shipment_requests where ${where}`)).rows[0]!.n;
    expect(await count(notInJson(t.shipmentRequests.id, '[7, 3000]'))).toBe((await count()) - 2);
  });
});
