import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../../db/client';
import { VEHICLE_CLASSES } from '../../../src/supply/vehicle-classes';
import { tempDir } from '../../helpers/server';

/** The migrations folder as it was up to `lastIdx`: the journal cut after it. */
function migrationsUpTo(dir: string, lastIdx: number): string {
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const path = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(path, 'utf8')) as { entries: { idx: number }[] };
  writeFileSync(path, JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.idx <= lastIdx) }));
  return dir;
}

describe('migrations keep what was written before them', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('0009 gives vehicles registered before it their tonnage class defaults', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before'), 8) });
    // Vehicles as 0008 stored them; the organisation and complex they reference are beside the point.
    sqlite.pragma('foreign_keys = OFF');
    const insert = sqlite.prepare(`insert into vehicles (carrier_org_id, complex_id, plate_number, tonnage_class, payload_kg, pallet_slots, body_type,
      base_fee_krw, per_km_krw, lat, lng, h3_r5, h3_r6, h3_r7, h3_r8, h3_r9, location_updated_at) values (1, 1, ?, ?, 1000, 2, 'WING', 1, 1, 37, 127, '', '', '', '', '', 0)`);
    VEHICLE_CLASSES.forEach((c, i) => insert.run(`12가${1000 + i}`, c.code));

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    const rows = sqlite.prepare('select tonnage_class, per_stop_fee_krw, waiting_fee_per_hour_krw from vehicles order by id').all();
    expect(rows).toEqual(VEHICLE_CLASSES.map((c) => ({ tonnage_class: c.code, per_stop_fee_krw: c.perStopFeeKrw, waiting_fee_per_hour_krw: c.waitingFeePerHourKrw })));
    sqlite.close();
  });

  it('0008 turns consolidated loads into routes: their shares become TRANSPORT offers and bookings on the route, and the bookings keep their triggers', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-routes'), 7) });
    sqlite.pragma('foreign_keys = OFF');
    sqlite.prepare("insert into consolidated_loads (id, round_id, complex_id, vehicle_id, price_krw, feeder_km, depart_centre_at) values (5, 1, 1, 1, 900000, 4, 1800000000000)").run();
    const offer = sqlite.prepare(`insert into offers (id, round_id, complex_id, kind, status, request_id, shipper_org_id, supplier_org_id, vehicle_id, load_id,
      price_krw, base_krw, distance_krw, storage_krw, handling_krw, deadhead_km, loaded_km, co2_kg, expires_at) values (?, 1, 1, ?, 'ACCEPTED', ?, 1, 2, 1, ?, ?, 0, 0, 0, 0, 1, 1, 1, 0)`);
    offer.run(1, 'CONSOLIDATED', 11, 5, 300_000);
    offer.run(2, 'CONSOLIDATED', 12, 5, 600_000);
    offer.run(3, 'TRANSPORT', 13, null, 70_000);
    const booking = sqlite.prepare(`insert into bookings (id, offer_id, request_id, complex_id, shipper_org_id, supplier_org_id, kind, vehicle_id, load_id, price_krw, weight_kg, pallets, booked_at)
      values (?, ?, ?, 1, 1, 2, ?, 1, ?, ?, 100, 1, 0)`);
    booking.run(1, 1, 11, 'CONSOLIDATED', 5, 300_000);
    booking.run(2, 3, 13, 'TRANSPORT', null, 70_000);

    sqlite.pragma('foreign_keys = OFF');
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    expect(sqlite.prepare('select id, price_krw, start_at from routes').all()).toEqual([{ id: 5, price_krw: 900_000, start_at: 1_800_000_000_000 }]);
    expect(sqlite.prepare('select id, kind, route_id from offers order by id').all()).toEqual([
      { id: 1, kind: 'TRANSPORT', route_id: 5 },
      { id: 2, kind: 'TRANSPORT', route_id: 5 },
      { id: 3, kind: 'TRANSPORT', route_id: null },
    ]);
    expect(sqlite.prepare('select id, kind, route_id from bookings order by id').all()).toEqual([
      { id: 1, kind: 'TRANSPORT', route_id: 5 },
      { id: 2, kind: 'TRANSPORT', route_id: null },
    ]);
    const triggers = sqlite.prepare("select name from sqlite_master where type = 'trigger' and tbl_name = 'bookings' order by name").all();
    expect(triggers).toEqual(expect.arrayContaining([{ name: 'bookings_ended_stay_ended' }, { name: 'bookings_storage_within_need' }]));
    sqlite.close();
  });
});
