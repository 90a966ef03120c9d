import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, lt } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, migrateDatabase, openDatabase } from '../../db/client';
import { complexes, EMPTY_SCHEDULED_ROUND, insightsDays, matchingRounds, ROUND_REPORT_FIELDS, type StoredRoundReport } from '../../db/schema';
import { emptyDay } from '../../src/insights/day-figures';
import { loadProgramme } from '../../src/complexes/load-programme';
import { tempDir } from '../helpers/server';

const REPORT: StoredRoundReport = {
  requestsConsidered: 9, servedCount: 4, routes: 2, extensions: 1, pooledRoutes: 1, pooledRequests: 3, centreRequests: 1, requestsPerTrip: 2, stopsPerRoute: 3.5,
  loadFactorKgPeakPct: 90.439, loadFactorPalletsPeakPct: 78.333, loadFactorKgKmPct: 72.483, loadFactorPalletsKmPct: 64.81,
  assignmentCostKrw: 3_001_050, offersWritten: 4, totalCostKrw: 1_300_383, baselineCostKrw: 1_848_589, savingsPct: 29.655,
  deadheadKm: 32.905, loadedKm: 313.381, emptyKmShare: 0.095, co2Kg: 165.604, baselineCo2Kg: 294.768,
  candidatePairsEvaluated: 627, feasiblePairs: 625, timeMs: 423.4,
};

describe('round reports stored by position', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('are written as a JSON array of the fields in order and read back as the report', async () => {
    const db = openDatabase(join(tmp.dir, 'new.db'));
    migrateDatabase(db);
    await loadProgramme({ ctx: { db } });
    const complexId = (await db.select().from(complexes).limit(1).get())!.id;
    const { id } = await db.insert(matchingRounds).values({ complexId, trigger: 'MANUAL', startedAt: new Date(), report: REPORT }).returning().get();
    const stored = (db.$client.prepare('select report from matching_rounds where id = ?').get(id) as { report: string }).report;
    expect(JSON.parse(stored)).toEqual(ROUND_REPORT_FIELDS.map((f) => REPORT[f] ?? null));
    expect(stored.length).toBeLessThan(JSON.stringify(REPORT).length / 3);
    expect((await db.select().from(matchingRounds).where(eq(matchingRounds.id, id)).get())!.report).toEqual(REPORT);
    db.$client.close();
  });

  it('a database of reports with keys is migrated to them, its empty scheduled rounds still found by their index', async () => {
    // The migrations before this one: a copy of the folder whose journal ends at 0013.
    const folder = join(tmp.dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    const upTo = journal.entries.findIndex((e) => e.tag.startsWith('0014_'));
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
    const db = openDatabase(join(tmp.dir, 'old.db'));
    migrate(db, { migrationsFolder: folder });
    // A complex for the rounds, written as that schema has it (the programme's loader writes today's columns).
    const complexId = Number(
      db.$client
        .prepare(
          `insert into complexes (code, name_ko, name_en, region, industries, industries_ko, production_trillion_krw, employment, tenant_companies, designated_year, smart_direction, centroid_lat, centroid_lng, radius_km, service_area_cells)
           values ('BANWOL_SIHWA', '반월시화', 'Banwol-Sihwa', 'Gyeonggi', '[]', '', 89.7, 1, 1, 2019, '', 37.325, 126.75, 5, '[]')`,
        )
        .run().lastInsertRowid,
    );
    const insert = db.$client.prepare('insert into matching_rounds (complex_id, status, "trigger", started_at, report) values (?, ?, ?, ?, ?)');
    const served = Number(insert.run(complexId, 'COMPLETED', 'MANUAL', Date.now(), JSON.stringify(REPORT)).lastInsertRowid);
    const { extensions: _, ...beforeExtensions } = REPORT;
    const older = Number(insert.run(complexId, 'COMPLETED', 'MANUAL', Date.now(), JSON.stringify(beforeExtensions)).lastInsertRowid);
    const empty = Number(insert.run(complexId, 'COMPLETED', 'SCHEDULED', Date.now() - 86_400_000, JSON.stringify({ ...REPORT, requestsConsidered: 0, offersWritten: 0 })).lastInsertRowid);

    migrateDatabase(db);
    const report = async (id: number) => (await db.select().from(matchingRounds).where(eq(matchingRounds.id, id)).get())!.report;
    expect(await report(served)).toEqual(REPORT);
    expect(await report(older)).toEqual(beforeExtensions);
    // Retention's query, spelled by the condition the index is made of.
    const pruned = db.select({ id: matchingRounds.id }).from(matchingRounds).where(and(EMPTY_SCHEDULED_ROUND, lt(matchingRounds.startedAt, new Date())));
    const query = pruned.toSQL();
    const plan = (db.$client.prepare(`explain query plan ${query.sql}`).all(...query.params) as { detail: string }[]).map((r) => r.detail);
    expect(plan.join('\n')).toContain('matching_rounds_empty_scheduled');
    expect(await pruned.all()).toEqual([{ id: empty }]);
    db.$client.close();
  });
});

describe('insights roll-ups', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it("keep a day's booking times as ascending float64 bytes, read back as numbers", async () => {
    const db = openDatabase(join(tmp.dir, 'insights.db'));
    migrateDatabase(db);
    await loadProgramme({ ctx: { db } });
    const complexId = (await db.select().from(complexes).limit(1).get())!.id;
    const { day: _, waiting: __, ...figures } = emptyDay('2026-01-05');
    await db.insert(insightsDays).values({ complexId, day: '2026-01-05', ...figures, bookingMs: [90_000, 1_500.5, 3_600_000] }).run();
    const raw = (db.$client.prepare('select booking_ms from insights_days').get() as { booking_ms: Buffer }).booking_ms;
    expect(Buffer.isBuffer(raw)).toBe(true);
    expect([...new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))]).toEqual([1_500.5, 90_000, 3_600_000]);
    expect((await db.select().from(insightsDays).get())!.bookingMs).toEqual([1_500.5, 90_000, 3_600_000]);
    db.$client.close();
  });
});
