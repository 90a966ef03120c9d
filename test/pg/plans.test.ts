import { getTableColumns, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from '../../db/pg/schema';
import { inIdList } from '../../db/prepared';
import { inJson, notInJson } from '../../db/sql';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { addRequest, seedMarket } from './helpers/market';

/** Rows enough that a full scan costs the planner more than looking a few ids up (a year's requests are ten times more). */
const REQUESTS = 4_000;

// A booking's statements name their rows as a JSON list of ids (one prepared statement for any count). Prepared, they
// run on a generic plan, which cannot see the list: it must still look the ids up by index, not scan the table.
describe('PostgreSQL plans an id list as index look-ups', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await freshDatabase();
    const m = await seedMarket(test.db);
    const first = await addRequest(test.db, m, { weightKg: 100, pallets: 1 });
    const { id: _id, ...columns } = getTableColumns(t.shipmentRequests);
    const names = sql.join(Object.values(columns).map((c) => sql.identifier(c.name)), sql`, `);
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

  it('looks the listed ids up in the primary key', async () => {
    const plan = await genericPlan(inIdList(t.shipmentRequests.id, 'ids'), '[7, 3000]');
    expect(plan).toMatch(/Index (Only )?Scan using shipment_requests_pkey/);
    expect(plan).not.toMatch(/Seq Scan on shipment_requests/);
  });

  it('answers the listed rows, and none but them', async () => {
    const listed = await test.db.select({ id: t.shipmentRequests.id }).from(t.shipmentRequests).where(inJson(t.shipmentRequests.id, '[7, 3000, 999999]'));
    expect(listed.map((r) => r.id).sort((a, b) => a - b)).toEqual([7, 3000]);
    const count = async (where = sql`true`) => (await test.db.execute<{ n: number }>(sql`select count(*)::int as n from shipment_requests where ${where}`)).rows[0]!.n;
    expect(await count(notInJson(t.shipmentRequests.id, '[7, 3000]'))).toBe((await count()) - 2);
  });
});
