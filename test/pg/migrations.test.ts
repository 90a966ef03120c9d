import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { latLngToCell } from 'h3-js';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS_FOLDER } from '../../db/pg/client';
import * as t from '../../db/pg/schema';
import { tempDir } from '../helpers/server';
import { clusterUrl, dropDatabase } from './helpers/database';
import { BOOKING_STATUS_CODES, TRACKING_EVENT_KIND_CODES } from '../../db/schema/bookings';
import { OFFER_KIND_CODES } from '../../db/schema/matching';

/** The migrations folder as it was up to `lastIdx`: the journal cut after it. */
function migrationsUpTo(dir: string, lastIdx: number): string {
  cpSync(PG_MIGRATIONS_FOLDER, dir, { recursive: true });
  const path = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(path, 'utf8')) as { entries: { idx: number }[] };
  writeFileSync(path, JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.idx <= lastIdx) }));
  return dir;
}

/** A database of its own on the cluster, made when the test asks for it, dropped after the describe. */
function freshDatabase() {
  const tmp = tempDir();
  const name = `sandan_${randomBytes(6).toString('hex')}`;
  const url = new URL(clusterUrl());
  url.pathname = `/${name}`;
  let pool: pg.Pool | undefined;
  afterAll(async () => {
    await pool?.end();
    await dropDatabase(name);
    tmp.remove();
  });
  return async () => {
    const admin = new pg.Client({ connectionString: clusterUrl() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    pool = new pg.Pool({ connectionString: url.href });
    return { db: drizzle(pool), pool, tmp };
  };
}

const STATUSES = ['OPEN', 'OFFERED', 'BOOKED', 'PICKED_UP', 'AT_CENTRE', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED', 'EXPIRED'] as const;
const CARGO = ['GENERAL', 'CHILLED', 'FROZEN', 'HAZMAT', 'OVERSIZE', 'LIQUID_BULK'] as const;
const LOADING = ['FORKLIFT', 'HOIST', 'BY_HAND'] as const;
const BOOKING_STATUSES = ['CONFIRMED', 'COMPLETED', 'CANCELLED', 'RETURNED'] as const;
const ROUND_STATUSES = ['COMPLETED', 'RUNNING', 'FAILED'] as const;
const ACTIONS = ['PICKUP', 'DROP', 'CENTRE_DROP', 'CENTRE_PICKUP'] as const;
const MEDIA = ['image/png', 'image/jpeg'] as const;
// Korea's, and cells near the poles, the antimeridian and the equator.
const POINTS = [[37.33, 126.76], [-89.9, -179.9], [0, 0]] as const;

describe('PostgreSQL migrations keep what was written before them', () => {
  const fresh = freshDatabase();

  it('0014-0019 store bookings\', requests\', rounds\', images\' and stops\' value sets as codes and requests\' cells packed, read back as written', async () => {
    const { db, pool, tmp } = await fresh();
    await migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-codes'), 13) });
    const client = await pool.connect();
    await client.query('set session_replication_role = replica'); // rows alone: no foreign keys, no triggers
    const cells = POINTS.map(([lat, lng]) => ({ originH3R7: latLngToCell(lat, lng, 7), originH3R9: latLngToCell(lat, lng, 9), destinationH3R9: latLngToCell(-lat, -lng, 9) }));
    for (let i = 0; i < STATUSES.length; i++) {
      const c = cells[i % cells.length]!;
      await client.query(
        `insert into shipment_requests (id, shipper_org_id, complex_id, status, origin_lat, origin_lng, origin_h3_r7, origin_h3_r9, destination_lat, destination_lng, destination_h3_r9,
          weight_kg, pallets, cargo_class, loading_at_origin, loading_at_destination, pickup_from, pickup_until, deliver_by) overriding system value
          values ($1, 1, 1, $2, 0, 0, $3, $4, 0, 0, $5, 10, 1, $6, $7, $8, 0, 1, 2)`,
        [i + 1, STATUSES[i], c.originH3R7, c.originH3R9, c.destinationH3R9, CARGO[i % CARGO.length], LOADING[i % 3], LOADING[(i + 1) % 3]],
      );
      await client.query(
        `insert into bookings (id, offer_id, request_id, complex_id, shipper_org_id, supplier_org_id, kind, status, vehicle_id, listing_id, price_krw, weight_kg, pallets, booked_at, ended_at)
          overriding system value values ($1, $1, $1, 1, 1, 2, $2, $3, $4, $5, 1, 1, 1, 0, $6)`,
        [i + 1, i % 2 ? 'STORAGE' : 'TRANSPORT', BOOKING_STATUSES[i % 4], i % 2 ? null : 1, i % 2 ? 1 : null, i % 4 >= 2 ? 0 : null],
      );
      await client.query(`insert into matching_rounds (id, complex_id, status, "trigger", started_at) overriding system value values ($1, $1, $2, $3, 0)`, [i + 1, ROUND_STATUSES[i % 3], i % 2 ? 'SCHEDULED' : 'MANUAL']);
      await client.query(`insert into pod_images (id, booking_id, uploaded_by_org_id, media_type, byte_size, sha256) overriding system value values ($1, $1, 1, $2, 1, $3)`, [i + 1, MEDIA[i % 2], Buffer.alloc(32)]);
      await client.query(`insert into route_stops (route_id, seq, request_id, action, lat, lng, arrive_at, start_at, depart_at, kg_after, pallets_after) values (1, $1, 1, $2, 0, 0, 0, 0, 0, 0, 0)`, [i, ACTIONS[i % 4]]);
    }
    client.release();

    await migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER });

    const requests = await db
      .select({ status: t.shipmentRequests.status, cargoClass: t.shipmentRequests.cargoClass, loadingAtOrigin: t.shipmentRequests.loadingAtOrigin, loadingAtDestination: t.shipmentRequests.loadingAtDestination, originH3R7: t.shipmentRequests.originH3R7, originH3R9: t.shipmentRequests.originH3R9, destinationH3R9: t.shipmentRequests.destinationH3R9 })
      .from(t.shipmentRequests)
      .orderBy(t.shipmentRequests.id);
    expect(requests).toEqual(STATUSES.map((status, i) => ({ status, cargoClass: CARGO[i % CARGO.length], loadingAtOrigin: LOADING[i % 3], loadingAtDestination: LOADING[(i + 1) % 3], ...cells[i % cells.length] })));
    expect(await db.select({ kind: t.bookings.kind, status: t.bookings.status }).from(t.bookings).orderBy(t.bookings.id)).toEqual(STATUSES.map((_, i) => ({ kind: i % 2 ? 'STORAGE' : 'TRANSPORT', status: BOOKING_STATUSES[i % 4] })));
    expect(await db.select({ status: t.matchingRounds.status, trigger: t.matchingRounds.trigger }).from(t.matchingRounds).orderBy(t.matchingRounds.id)).toEqual(STATUSES.map((_, i) => ({ status: ROUND_STATUSES[i % 3], trigger: i % 2 ? 'SCHEDULED' : 'MANUAL' })));
    expect(await db.select({ mediaType: t.podImages.mediaType }).from(t.podImages).orderBy(t.podImages.id)).toEqual(STATUSES.map((_, i) => ({ mediaType: MEDIA[i % 2] })));
    expect(await db.select({ action: t.routeStops.action }).from(t.routeStops).orderBy(t.routeStops.seq)).toEqual(STATUSES.map((_, i) => ({ action: ACTIONS[i % 4] })));
  });
});

describe('PostgreSQL migration 0031', () => {
  const fresh = freshDatabase();

  it("gives tracking events their booking's complex and webhook endpoints their organisation's, for a complex's recent activity", async () => {
    const { db, pool, tmp } = await fresh();
    await migrate(db, { migrationsFolder: migrationsUpTo(join(tmp.dir, 'before-recent-activity-told'), 30) });
    const client = await pool.connect();
    await client.query('set session_replication_role = replica'); // rows alone: no foreign keys, no triggers
    // The complexes the new foreign keys check, as they are checked when added.
    for (const id of [3, 5]) {
      await client.query(
        `insert into complexes (id, code, name_ko, name_en, region, industries, industries_ko, production_trillion_krw, employment, tenant_companies, designated_year, smart_direction,
          centroid_lat, centroid_lng, radius_km, service_area_cells) overriding system value values ($1, $2, 'x', 'x', 'x', '[]', 'x', 1, 1, 1, 2000, 'x', 37, 127, 1, '[]')`,
        [id, `C${id}`],
      );
    }
    for (const [id, complexId] of [[1, 3], [2, 5]] as const) {
      await client.query(
        `insert into bookings (id, offer_id, request_id, complex_id, shipper_org_id, supplier_org_id, kind, status, vehicle_id, price_krw, weight_kg, pallets, booked_at)
          overriding system value values ($1, $1, $1, $2, 1, 2, ${OFFER_KIND_CODES.TRANSPORT}, ${BOOKING_STATUS_CODES.CONFIRMED}, 1, 1, 1, 1, 0)`,
        [id, complexId],
      );
      await client.query(`insert into tracking_events (booking_id, request_id, kind, occurred_at, lat, lng, reported_by_org_id, recorded_at) values ($1, $1, ${TRACKING_EVENT_KIND_CODES.PICKED_UP}, 0, 37, 127, 2, 0)`, [id]);
    }
    await client.query(`insert into organisations (id, complex_id, role, name, business_registration_number) overriding system value values (1, 3, 'OPERATOR', 'x', '1000000001'), (2, null, 'ADMIN', 'y', '1000000002')`);
    await client.query(`insert into webhook_endpoints (organisation_id, url, event_types, secret, updated_at) values (1, 'https://example.com/hook', '[]', 's', 0), (2, 'https://example.com/hook', '[]', 's', 0)`);
    client.release();

    await migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER });

    expect(await db.select({ bookingId: t.trackingEvents.bookingId, complexId: t.trackingEvents.complexId }).from(t.trackingEvents).orderBy(t.trackingEvents.id)).toEqual([{ bookingId: 1, complexId: 3 }, { bookingId: 2, complexId: 5 }]);
    expect(await db.select({ organisationId: t.webhookEndpoints.organisationId, complexId: t.webhookEndpoints.complexId, gaveUpAt: t.webhookEndpoints.gaveUpAt }).from(t.webhookEndpoints).orderBy(t.webhookEndpoints.id)).toEqual([
      { organisationId: 1, complexId: 3, gaveUpAt: null },
      { organisationId: 2, complexId: null, gaveUpAt: null },
    ]);
  });
});

