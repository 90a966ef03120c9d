import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { latLngToCell } from 'h3-js';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../../db/client';
import { BOOKING_STATUS_CODES, bookings, EMPTY_SCHEDULED_ROUND, OFFER_KIND_CODES, insightsDays, matchingRounds, offers, POD_MEDIA_TYPE_CODES, podImages, ROUTE_STOP_ACTION_CODES, routeStops, shipmentRequests, TRACKING_EVENT_KIND_CODES, trackingEvents } from '../../../db/schema';
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

  it('0015-0017 keep the stops of booked routes as rows by position, move those of routes nobody booked to plans, and store image digests as bytes', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-plans'), 14) });
    sqlite.pragma('foreign_keys = OFF');
    const route = sqlite.prepare('insert into routes (id, round_id, complex_id, vehicle_id, price_krw, start_at, end_at) values (?, 1, 1, 1, 1000, 0, 10)');
    [1, 2, 3].forEach((id) => route.run(id));
    const stop = sqlite.prepare(`insert into route_stops (id, route_id, seq, request_id, action, lat, lng, arrive_at, start_at, depart_at, kg_after, pallets_after)
      values (?, ?, ?, 7, ?, 37.31234567891234, 126.5, ?, ?, ?, ?, 1)`);
    for (const routeId of [1, 2, 3]) {
      stop.run(routeId * 10, routeId, 0, 'PICKUP', 1, 2, 3, 500);
      stop.run(routeId * 10 + 1, routeId, 1, 'DROP', 4, 5, 6, 0);
    }
    const offer = sqlite.prepare(`insert into offers (id, round_id, complex_id, kind, status, request_id, shipper_org_id, supplier_org_id, vehicle_id, route_id,
      price_krw, base_krw, distance_krw, storage_krw, handling_krw, deadhead_km, loaded_km, co2_kg, expires_at) values (?, 1, 1, 'TRANSPORT', ?, 7, 1, 2, 1, ?, 1000, 0, 0, 0, 0, 1, 1, 1, 0)`);
    offer.run(1, 'ACCEPTED', 1); // booked
    offer.run(2, 'DECLINED', 2); // nobody booked it
    offer.run(3, 'ACCEPTED', 3); // an accepted extension: its bookings ride on the route it extended
    sqlite.prepare(`insert into bookings (id, offer_id, request_id, complex_id, shipper_org_id, supplier_org_id, kind, vehicle_id, route_id, price_krw, weight_kg, pallets, booked_at)
      values (1, 1, 7, 1, 1, 2, 'TRANSPORT', 1, 1, 1000, 500, 1, 0)`).run();
    sqlite.prepare(`insert into pod_images (id, booking_id, uploaded_by_org_id, media_type, byte_size, sha256) values (1, 1, 2, 'image/png', 10, ?)`).run('ab'.repeat(32));

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    expect(db.select({ route_id: routeStops.routeId, seq: routeStops.seq, action: routeStops.action, lat: routeStops.lat, kg_after: routeStops.kgAfter }).from(routeStops).orderBy(routeStops.routeId, routeStops.seq).all()).toEqual([
      { route_id: 1, seq: 0, action: 'PICKUP', lat: 37.31234567891234, kg_after: 500 },
      { route_id: 1, seq: 1, action: 'DROP', lat: 37.31234567891234, kg_after: 0 },
    ]);
    expect((sqlite.prepare('select route_id, stops from route_plans').all() as { route_id: number; stops: string }[]).map((p) => ({ ...p, stops: JSON.parse(p.stops) as unknown }))).toEqual([
      { route_id: 2, stops: [[7, 'PICKUP', 37.31234567891234, 126.5, 1, 2, 3, 500, 1], [7, 'DROP', 37.31234567891234, 126.5, 4, 5, 6, 0, 1]] },
    ]);
    expect(sqlite.prepare("select sql like '%WITHOUT ROWID' as keyed from sqlite_master where name = 'route_stops'").get()).toEqual({ keyed: 1 });
    expect(sqlite.prepare('select hex(sha256) as digest from pod_images').get()).toEqual({ digest: 'AB'.repeat(32) });
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
    expect(db.select({ id: offers.id, kind: offers.kind, route_id: offers.routeId }).from(offers).orderBy(offers.id).all()).toEqual([
      { id: 1, kind: 'TRANSPORT', route_id: 5 },
      { id: 2, kind: 'TRANSPORT', route_id: 5 },
      { id: 3, kind: 'TRANSPORT', route_id: null },
    ]);
    expect(db.select({ id: bookings.id, kind: bookings.kind, route_id: bookings.routeId }).from(bookings).orderBy(bookings.id).all()).toEqual([
      { id: 1, kind: 'TRANSPORT', route_id: 5 },
      { id: 2, kind: 'TRANSPORT', route_id: null },
    ]);
    const triggers = sqlite.prepare("select name from sqlite_master where type = 'trigger' and tbl_name = 'bookings' order by name").all();
    expect(triggers).toEqual(expect.arrayContaining([{ name: 'bookings_ended_stay_ended' }, { name: 'bookings_storage_within_need' }]));
    sqlite.close();
  });
  it('0018 keeps a booking collected once and delivered once without the unique index: a second PICKED_UP is refused, inserted or updated', () => {
    const sqlite = new Database(':memory:');
    migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS_FOLDER });
    sqlite.pragma('foreign_keys = OFF');
    const event = sqlite.prepare(`insert into tracking_events (booking_id, request_id, kind, occurred_at, lat, lng, reported_by_org_id, recorded_at) values (?, 1, ?, 0, 37, 127, 1, 0)`);
    const { PICKED_UP, IN_TRANSIT } = TRACKING_EVENT_KIND_CODES;
    event.run(1, PICKED_UP);
    event.run(2, PICKED_UP);
    event.run(1, IN_TRANSIT);
    event.run(1, IN_TRANSIT);
    expect(() => event.run(1, PICKED_UP)).toThrow('tracking_event_once');
    expect(() => sqlite.prepare(`update tracking_events set kind = ${PICKED_UP} where booking_id = 1 and kind = ${IN_TRANSIT}`).run()).toThrow('tracking_event_once');
    expect(() => sqlite.prepare("update tracking_events set booking_id = 1 where booking_id = 2").run()).toThrow('tracking_event_once');
    expect(sqlite.prepare("select name from sqlite_master where name = 'tracking_events_once'").all()).toEqual([{ name: 'tracking_events_once' }]);
    expect(sqlite.prepare("select count(*) as n from tracking_events").get()).toEqual({ n: 4 });
    sqlite.close();
  });
  it("0021 keeps one proof per image without the unique index: a proof's image must be one uploaded for its booking", () => {
    const sqlite = new Database(':memory:');
    migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS_FOLDER });
    sqlite.pragma('foreign_keys = OFF');
    const image = sqlite.prepare(`insert into pod_images (id, booking_id, uploaded_by_org_id, media_type, byte_size, sha256) values (?, ?, 1, ${POD_MEDIA_TYPE_CODES['image/png']}, 10, ?)`);
    image.run(1, 1, Buffer.alloc(32));
    image.run(2, 2, Buffer.alloc(32));
    const proof = sqlite.prepare(`insert into proofs_of_delivery (booking_id, image_id, receiver_name, received_at) values (?, ?, 'x', 0)`);
    expect(() => proof.run(2, 1)).toThrow('proof_image_of_other_booking');
    expect(() => proof.run(3, 9)).toThrow('proof_image_of_other_booking');
    proof.run(1, 1);
    proof.run(2, 2);
    expect(() => sqlite.prepare('update proofs_of_delivery set image_id = 1 where booking_id = 2').run()).toThrow('proof_image_of_other_booking');
    expect(sqlite.prepare('select booking_id, image_id from proofs_of_delivery order by booking_id').all()).toEqual([{ booking_id: 1, image_id: 1 }, { booking_id: 2, image_id: 2 }]);
    sqlite.close();
  });
  it('0022 and 0024 store offers\' kinds and statuses and tracking events\' kinds as codes, read back as they were written', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-codes'), 21) });
    sqlite.pragma('foreign_keys = OFF');
    const offer = sqlite.prepare(`insert into offers (id, round_id, complex_id, kind, status, request_id, shipper_org_id, supplier_org_id, vehicle_id, listing_id,
      price_krw, base_krw, distance_krw, storage_krw, handling_krw, deadhead_km, loaded_km, co2_kg, expires_at) values (?, 1, 1, ?, ?, 7, 1, 2, ?, ?, 1000, 0, 0, 0, 0, 1, 1, 1, 0)`);
    const statuses = ['PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'WITHDRAWN'] as const;
    statuses.forEach((status, i) => offer.run(i + 1, i % 2 ? 'STORAGE' : 'TRANSPORT', status, i % 2 ? null : 1, i % 2 ? 1 : null));
    const kinds = ['PICKED_UP', 'AT_CENTRE', 'DEPARTED_CENTRE', 'IN_TRANSIT', 'EXCEPTION'] as const;
    const event = sqlite.prepare(`insert into tracking_events (id, booking_id, request_id, kind, occurred_at, lat, lng, reported_by_org_id, recorded_at) values (?, 1, 1, ?, 0, 37, 127, 1, 0)`);
    kinds.forEach((kind, i) => event.run(i + 1, kind));

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    expect(db.select({ kind: offers.kind, status: offers.status }).from(offers).orderBy(offers.id).all()).toEqual(
      statuses.map((status, i) => ({ kind: i % 2 ? 'STORAGE' : 'TRANSPORT', status })),
    );
    expect(db.select({ kind: trackingEvents.kind }).from(trackingEvents).orderBy(trackingEvents.id).all()).toEqual(kinds.map((kind) => ({ kind })));
    expect(sqlite.prepare("select name from sqlite_master where type = 'trigger' and tbl_name = 'tracking_events' order by name").all()).toEqual([
      { name: 'tracking_events_delivered_needs_proof' },
      { name: 'tracking_events_once' },
      { name: 'tracking_events_once_update' },
    ]);
    expect(() => event.run(9, TRACKING_EVENT_KIND_CODES.DELIVERED)).toThrow('proof_of_delivery_required');
    expect(() => event.run(9, TRACKING_EVENT_KIND_CODES.PICKED_UP)).toThrow('tracking_event_once');
    sqlite.close();
  });
  it('0025 stores bookings\' kinds and statuses as codes, read back as they were written, and creates their triggers again spelling codes', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-booking-codes'), 24) });
    sqlite.pragma('foreign_keys = OFF');
    const booking = sqlite.prepare(`insert into bookings (id, offer_id, request_id, complex_id, shipper_org_id, supplier_org_id, kind, status, vehicle_id, listing_id, route_id,
      price_krw, weight_kg, pallets, booked_at, ended_at) values (?, ?, 7, 1, 1, 2, ?, ?, ?, ?, 3, 1000, 10, 1, 0, ?)`);
    const written = [
      { kind: 'TRANSPORT', status: 'CONFIRMED' },
      { kind: 'STORAGE', status: 'COMPLETED' },
      { kind: 'TRANSPORT', status: 'CANCELLED' },
      { kind: 'STORAGE', status: 'RETURNED' },
    ] as const;
    written.forEach((b, i) => booking.run(i + 1, i + 1, b.kind, b.status, b.kind === 'STORAGE' ? null : 1, b.kind === 'STORAGE' ? 1 : null, i < 2 ? null : 0));
    sqlite.prepare(`insert into shipment_requests (id, shipper_org_id, complex_id, origin_lat, origin_lng, origin_h3_r7, origin_h3_r9, destination_lat, destination_lng,
      destination_h3_r9, weight_kg, pallets, cargo_class, loading_at_origin, loading_at_destination, pickup_from, pickup_until, deliver_by, storage_pallets, storage_days, storage_class, created_at)
      values (7, 1, 1, 37, 127, '', '', 37, 127, '', 10, 1, 'GENERAL', 'FORKLIFT', 'FORKLIFT', 0, 1, 2, 1, 1, 'AMBIENT', 0)`).run();
    // The roll-up of request 7's posting day, every figure 0.
    const figures = (sqlite.prepare("select name from pragma_table_info('insights_days') where name not in ('complex_id', 'day')").all() as { name: string }[]).map((c) => c.name);
    sqlite.prepare(`insert into insights_days (complex_id, day, ${figures.join(', ')}) values (1, '1970-01-01', ${figures.map(() => 0).join(', ')})`).run();

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    expect(db.select({ kind: bookings.kind, status: bookings.status }).from(bookings).orderBy(bookings.id).all()).toEqual(written);
    expect(sqlite.prepare("select name from sqlite_master where type = 'trigger' and sql like '%bookings%' order by name").all()).toEqual(
      ['bookings_ended_stay_ended', 'bookings_storage_within_need', 'insights_days_booked_route_stop_added', 'insights_days_booking_changed', 'insights_days_booking_made', 'insights_days_route_booking_changed', 'insights_days_route_booking_made'].map((name) => ({ name })),
    );
    const { CONFIRMED } = BOOKING_STATUS_CODES;
    expect(() => sqlite.prepare(`update bookings set status = ${CONFIRMED} where id = 3`).run()).toThrow('booking_already_ended');
    // Request 7 stores one pallet, which booking 2 (STORAGE, COMPLETED) holds.
    expect(() => booking.run(9, 9, 1, CONFIRMED, null, 1, null)).toThrow('request_already_booked');
    // A stop added to route 3, which bookings 1 and 2 hold, forgets the roll-up of request 7's day.
    expect(sqlite.prepare('select count(*) as n from insights_days').get()).toEqual({ n: 1 });
    sqlite.prepare(`insert into route_stops (route_id, seq, request_id, action, lat, lng, arrive_at, start_at, depart_at, kg_after, pallets_after) values (3, 0, 7, ${ROUTE_STOP_ACTION_CODES.PICKUP}, 37, 127, 0, 0, 0, 10, 1)`).run();
    expect(sqlite.prepare('select count(*) as n from insights_days').get()).toEqual({ n: 0 });
    sqlite.close();
  });
  it('0026 stores requests\' statuses, cargo classes and loading methods as codes, read back as they were written, and keeps the triggers that read requests', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-request-codes'), 25) });
    const triggers = () => sqlite.prepare("select name, sql from sqlite_master where type = 'trigger' order by name").all();
    const before = triggers();
    sqlite.pragma('foreign_keys = OFF');
    const request = sqlite.prepare(`insert into shipment_requests (id, shipper_org_id, complex_id, status, origin_lat, origin_lng, origin_h3_r7, origin_h3_r9, destination_lat, destination_lng,
      destination_h3_r9, weight_kg, pallets, cargo_class, loading_at_origin, loading_at_destination, pickup_from, pickup_until, deliver_by) values (?, 1, 1, ?, 37, 127, '', '', 37, 127, '', 10, 1, ?, ?, ?, 0, 1, 2)`);
    const statuses = ['OPEN', 'OFFERED', 'BOOKED', 'PICKED_UP', 'AT_CENTRE', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED', 'EXPIRED'] as const;
    const cargo = ['GENERAL', 'CHILLED', 'FROZEN', 'HAZMAT', 'OVERSIZE', 'LIQUID_BULK'] as const;
    const loading = ['FORKLIFT', 'HOIST', 'BY_HAND'] as const;
    const written = statuses.map((status, i) => ({ status, cargoClass: cargo[i % cargo.length]!, loadingAtOrigin: loading[i % 3]!, loadingAtDestination: loading[(i + 1) % 3]! }));
    written.forEach((r, i) => request.run(i + 1, r.status, r.cargoClass, r.loadingAtOrigin, r.loadingAtDestination));

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    const read = db.select({ status: shipmentRequests.status, cargoClass: shipmentRequests.cargoClass, loadingAtOrigin: shipmentRequests.loadingAtOrigin, loadingAtDestination: shipmentRequests.loadingAtDestination });
    expect(read.from(shipmentRequests).orderBy(shipmentRequests.id).all()).toEqual(written);
    expect(triggers()).toEqual(before);
    sqlite.close();
  });
  it('0027 stores rounds\' statuses and triggers as codes, read back as they were written, their partial indexes still used', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-round-codes'), 26) });
    const triggers = () => sqlite.prepare("select name, sql from sqlite_master where type = 'trigger' order by name").all();
    const before = triggers();
    sqlite.pragma('foreign_keys = OFF');
    const round = sqlite.prepare(`insert into matching_rounds (id, complex_id, status, "trigger", started_at, report) values (?, ?, ?, ?, 0, '[0]')`);
    const written = [
      { status: 'COMPLETED', trigger: 'MANUAL' },
      { status: 'RUNNING', trigger: 'SCHEDULED' },
      { status: 'FAILED', trigger: 'SCHEDULED' },
    ] as const;
    written.forEach((r, i) => round.run(i + 1, i + 1, r.status, r.trigger));

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    expect(db.select({ status: matchingRounds.status, trigger: matchingRounds.trigger }).from(matchingRounds).orderBy(matchingRounds.id).all()).toEqual(written);
    expect(triggers()).toEqual(before);
    // A second running round of complex 2 is refused by the partial unique index on the code.
    expect(() => db.insert(matchingRounds).values({ complexId: 2, trigger: 'MANUAL', startedAt: new Date(0) }).run()).toThrow('UNIQUE');
    // The retention's query, spelled by the condition the index is made of.
    const pruned = db.select({ id: matchingRounds.id }).from(matchingRounds).where(EMPTY_SCHEDULED_ROUND).toSQL();
    const plan = (sqlite.prepare(`explain query plan ${pruned.sql}`).all(...pruned.params) as { detail: string }[]).map((r) => r.detail);
    expect(plan.join('\n')).toContain('matching_rounds_empty_scheduled');
    sqlite.close();
  });
  it('0028 stores images\' media types as codes, read back as they were written, and keeps the triggers that read images', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-media-codes'), 27) });
    const triggers = () => sqlite.prepare("select name, sql from sqlite_master where type = 'trigger' order by name").all();
    const before = triggers();
    sqlite.pragma('foreign_keys = OFF');
    const image = sqlite.prepare(`insert into pod_images (id, booking_id, uploaded_by_org_id, media_type, byte_size, sha256) values (?, ?, 1, ?, 10, ?)`);
    image.run(1, 1, 'image/png', Buffer.alloc(32));
    image.run(2, 2, 'image/jpeg', Buffer.alloc(32));

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    expect(db.select({ mediaType: podImages.mediaType }).from(podImages).orderBy(podImages.id).all()).toEqual([{ mediaType: 'image/png' }, { mediaType: 'image/jpeg' }]);
    expect(triggers()).toEqual(before);
    expect(() => sqlite.prepare(`insert into proofs_of_delivery (booking_id, image_id, receiver_name, received_at) values (2, 1, 'x', 0)`).run()).toThrow('proof_image_of_other_booking');
    sqlite.close();
  });
  it('0029 stores requests\' H3 cells packed as integers, read back as the cells that were written', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-packed-cells'), 28) });
    const triggers = () => sqlite.prepare("select name, sql from sqlite_master where type = 'trigger' order by name").all();
    const before = triggers();
    sqlite.pragma('foreign_keys = OFF');
    const request = sqlite.prepare(`insert into shipment_requests (id, shipper_org_id, complex_id, origin_lat, origin_lng, origin_h3_r7, origin_h3_r9, destination_lat, destination_lng,
      destination_h3_r9, weight_kg, pallets, cargo_class, loading_at_origin, loading_at_destination, pickup_from, pickup_until, deliver_by) values (?, 1, 1, 0, 0, ?, ?, 0, 0, ?, 10, 1, 0, 0, 0, 0, 1, 2)`);
    // Korea's, and cells near the poles, the antimeridian and the equator.
    const points = [[37.33, 126.76], [35.18, 129.07], [-89.9, -179.9], [89.9, 179.9], [0, 0], [-33.9, 18.4]] as const;
    const written = points.map(([lat, lng], i) => ({ originH3R7: latLngToCell(lat, lng, 7), originH3R9: latLngToCell(lat, lng, 9), destinationH3R9: latLngToCell(-lat, -lng, 9), i }));
    written.forEach((r) => request.run(r.i + 1, r.originH3R7, r.originH3R9, r.destinationH3R9));

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    const read = db.select({ originH3R7: shipmentRequests.originH3R7, originH3R9: shipmentRequests.originH3R9, destinationH3R9: shipmentRequests.destinationH3R9 });
    expect(read.from(shipmentRequests).orderBy(shipmentRequests.id).all()).toEqual(written.map(({ i: _, ...cells }) => cells));
    expect(sqlite.prepare("select typeof(origin_h3_r7) as r7, typeof(origin_h3_r9) as r9 from shipment_requests limit 1").get()).toEqual({ r7: 'integer', r9: 'integer' });
    expect(triggers()).toEqual(before);
    sqlite.close();
  });
  it('0030 stores route stops\' actions as codes, read back as they were written, WITHOUT ROWID still, and keeps the triggers on and reading stops', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-action-codes'), 29) });
    const triggers = () => sqlite.prepare("select name, sql from sqlite_master where type = 'trigger' order by name").all();
    const before = triggers();
    sqlite.pragma('foreign_keys = OFF');
    const stop = sqlite.prepare(`insert into route_stops (route_id, seq, request_id, action, lat, lng, arrive_at, start_at, depart_at, kg_after, pallets_after) values (1, ?, 1, ?, 37, 127, 0, 0, 0, 0, 0)`);
    const actions = ['PICKUP', 'CENTRE_DROP', 'CENTRE_PICKUP', 'DROP'] as const;
    actions.forEach((action, seq) => stop.run(seq, action));

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    expect(db.select({ action: routeStops.action }).from(routeStops).orderBy(routeStops.seq).all()).toEqual(actions.map((action) => ({ action })));
    expect(sqlite.prepare("select sql like '%WITHOUT ROWID' as keyed from sqlite_master where name = 'route_stops'").get()).toEqual({ keyed: 1 });
    expect(triggers()).toEqual(before);
    sqlite.close();
  });
  it('0034 forgets the roll-ups that counted consolidated loads the old way, so they are summed again; the others stay', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-consolidated-recount'), 33) });
    sqlite.pragma('foreign_keys = OFF');
    const day = sqlite.prepare(`insert into insights_days (complex_id, day, posted, served, expired, cancelled, consolidated, cost_krw, baseline_cost_krw, deadhead_km, loaded_km,
      baseline_deadhead_km, baseline_loaded_km, co2_kg, baseline_co2_kg, idle_pallet_days, booked_pallet_days, booking_ms) values (1, ?, 3, 3, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, x'')`);
    day.run('2026-11-30', 2);
    day.run('2026-12-01', 0);

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    expect(db.select({ day: insightsDays.day }).from(insightsDays).all()).toEqual([{ day: '2026-12-01' }]);
    sqlite.close();
  });

  it("0040 gives tracking events their booking's complex and webhook endpoints their organisation's, for a complex's recent activity", () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-recent-activity-told'), 39) });
    sqlite.pragma('foreign_keys = OFF');
    const booking = sqlite.prepare(`insert into bookings (id, offer_id, request_id, complex_id, shipper_org_id, supplier_org_id, kind, status, vehicle_id, price_krw, weight_kg, pallets, booked_at)
      values (?, ?, ?, ?, 1, 2, ${OFFER_KIND_CODES.TRANSPORT}, ${BOOKING_STATUS_CODES.CONFIRMED}, 1, 1000, 10, 1, 0)`);
    booking.run(1, 1, 1, 3);
    booking.run(2, 2, 2, 5);
    const event = sqlite.prepare(`insert into tracking_events (booking_id, request_id, kind, occurred_at, lat, lng, reported_by_org_id, recorded_at) values (?, ?, ${TRACKING_EVENT_KIND_CODES.PICKED_UP}, 0, 37, 127, 2, 0)`);
    event.run(1, 1);
    event.run(2, 2);
    const org = sqlite.prepare(`insert into organisations (id, complex_id, role, name, business_registration_number) values (?, ?, ?, 'x', ?)`);
    org.run(1, 3, 'OPERATOR', '1000000001');
    org.run(2, null, 'ADMIN', '1000000002');
    const endpoint = sqlite.prepare(`insert into webhook_endpoints (organisation_id, url, event_types, secret, updated_at) values (?, 'https://example.com/hook', '[]', 's', 0)`);
    endpoint.run(1);
    endpoint.run(2);

    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    expect(sqlite.prepare('select booking_id, complex_id from tracking_events order by id').all()).toEqual([{ booking_id: 1, complex_id: 3 }, { booking_id: 2, complex_id: 5 }]);
    expect(sqlite.prepare('select organisation_id, complex_id, gave_up_at from webhook_endpoints order by id').all()).toEqual([{ organisation_id: 1, complex_id: 3, gave_up_at: null }, { organisation_id: 2, complex_id: null, gave_up_at: null }]);
    sqlite.close();
  });
});
