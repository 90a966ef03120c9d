import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, migrateDatabase, openDatabase } from '../../../db/client';
import { tempDir } from '../../helpers/server';

/** A vehicle of an organisation and a complex that do not exist (two references), written with foreign keys off. */
function insertDanglingVehicle(db: ReturnType<typeof openDatabase>): void {
  db.$client.pragma('foreign_keys = OFF');
  db.$client
    .prepare(`insert into vehicles (carrier_org_id, complex_id, plate_number, tonnage_class, payload_kg, pallet_slots, body_type,
      base_fee_krw, per_km_krw, lat, lng, h3_r5, h3_r6, h3_r7, h3_r8, h3_r9, location_updated_at) values (999, 999, '12가1000', 'T1', 1000, 2, 'WING', 1, 1, 37, 127, '', '', '', '', '', 0)`)
    .run();
  db.$client.pragma('foreign_keys = ON');
}

describe('migrateDatabase', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  // Every start and script migrates: a check of every reference reads all of a database's rows (5 s on three years).
  it('checks the references only when it applied a migration, and never blames one it did not apply', () => {
    const db = openDatabase(join(tmp.dir, 'migrated.db'));
    migrateDatabase(db);
    insertDanglingVehicle(db);
    expect(() => migrateDatabase(db)).not.toThrow();
    db.$client.close();
  });

  it('refuses a migration that leaves a dangling reference', () => {
    const folder = join(tmp.dir, 'all-but-last');
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, -1) }));
    const db = openDatabase(join(tmp.dir, 'upgraded.db'));
    migrate(db, { migrationsFolder: folder });
    insertDanglingVehicle(db);
    expect(() => migrateDatabase(db)).toThrow(/^migration left 2 dangling references/);
    db.$client.close();
  });
});
