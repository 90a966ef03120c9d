import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../../db/client';
import { VEHICLE_CLASSES } from '../../../src/supply/vehicle-classes';
import { tempDir } from '../../helpers/server';

/** The migrations folder as it was before 0008: the journal cut after `lastIdx`. */
function migrationsUpTo(dir: string, lastIdx: number): string {
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const path = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(path, 'utf8')) as { entries: { idx: number }[] };
  writeFileSync(path, JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.idx <= lastIdx) }));
  return dir;
}

describe('migration 0008 (per-stop and waiting fees)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('gives vehicles registered before it their tonnage class defaults', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before'), 7) });
    // Vehicles as 0007 stored them; the organisation and complex they reference are beside the point.
    sqlite.pragma('foreign_keys = OFF');
    const insert = sqlite.prepare(`insert into vehicles (carrier_org_id, complex_id, plate_number, tonnage_class, payload_kg, pallet_slots, body_type,
      base_fee_krw, per_km_krw, lat, lng, h3_r5, h3_r6, h3_r7, h3_r8, h3_r9, location_updated_at) values (1, 1, ?, ?, 1000, 2, 'WING', 1, 1, 37, 127, '', '', '', '', '', 0)`);
    VEHICLE_CLASSES.forEach((c, i) => insert.run(`12가${1000 + i}`, c.code));

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    const rows = sqlite.prepare('select tonnage_class, per_stop_fee_krw, waiting_fee_per_hour_krw from vehicles order by id').all();
    expect(rows).toEqual(VEHICLE_CLASSES.map((c) => ({ tonnage_class: c.code, per_stop_fee_krw: c.perStopFeeKrw, waiting_fee_per_hour_krw: c.waitingFeePerHourKrw })));
    sqlite.close();
  });
});
