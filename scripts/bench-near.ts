/**
 * npm run bench:near
 * `near` searches on H3 cells against a full scan, and vehicle location updates per second, on a temporary
 * database (synchronous=FULL, as in production) with 100,000 vehicles and 20,000 listings spread over the
 * seven complexes. Prints a table, then one JSON line for CI.
 */
import './own-database';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { migrateDatabase, openDatabase } from '../db/client';
import { complexes, organisations, vehicles } from '../db/schema';
import type { Viewer } from '../src/context';
import type { Context } from '../src/context';
import { seedDemo } from './demo/seed-demo';
import { parseEnv } from '../src/env';
import { haversineKm, type LatLng } from '../src/geo/distance';
import { createLogger } from '../src/logger';
import { createInProcessPubSub } from '../src/pubsub';
import { listListings } from '../src/supply/listings/list-listings';
import { locationColumns } from '../src/supply/location-input';
import { listVehicles } from '../src/supply/vehicles/list-vehicles';
import { moveVehicle } from '../src/supply/vehicles/move-vehicle';
import { updateVehicleLocation } from '../src/supply/vehicles/update-vehicle-location';
import { updateVehicleLocations } from '../src/supply/vehicles/update-vehicle-locations';
import { VEHICLE_CLASSES } from '../src/supply/vehicle-classes';
import { parseFlags } from './cli';

// It takes no flags: one given (`--size 500`) is refused in one line rather than ignored through the whole run.
parseFlags({ options: {} });

const VEHICLES = 100_000;
const LISTINGS = 20_000;
/** Records lie within this distance of their complex's centroid (carriers' yards and warehouses around it). */
const SPREAD_KM = 40;
const RADII_KM = [5, 10, 25];
const CENTRES = 200;
const SINGLE_UPDATES = 5_000;
/** Location reports in flight at once in the single-update measurement. */
const IN_FLIGHT = 64;
const BATCH_SIZE = 500;
const BATCHES = 40;

/** Seeded LCG: every run measures the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const random = rng(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function around(centre: LatLng, radiusKm: number): LatLng {
  const r = radiusKm * Math.sqrt(random());
  const bearing = 2 * Math.PI * random();
  return {
    lat: centre.lat + (r * Math.cos(bearing)) / 111.32,
    lng: centre.lng + (r * Math.sin(bearing)) / (111.32 * Math.cos((centre.lat * Math.PI) / 180)),
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const dir = mkdtempSync(join(tmpdir(), 'sandan-bench-near-'));
const db = openDatabase(join(dir, 'bench.db'));
try {
  migrateDatabase(db);
  await seedDemo({ ctx: { db }, input: { scale: 2, seed: 42 } });
  const env = parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_PATH: join(dir, 'bench.db') });
  const ctxAs = (viewer: Viewer): Context => ({ db, env, viewer, pubsub: createInProcessPubSub(), logger: createLogger('silent'), now: () => new Date() });
  const admin: Viewer = { organisationId: 0, role: 'ADMIN', complexId: null, apiKeyId: null };

  // Fill: one transaction, prepared statements.
  const hubs = await db.select({ id: complexes.id, lat: complexes.centroidLat, lng: complexes.centroidLng }).from(complexes).all();
  const orgs = await db.select({ id: organisations.id, role: organisations.role, complexId: organisations.complexId }).from(organisations).all();
  const ofRole = (role: string, complexId: number) => orgs.filter((o) => o.role === role && o.complexId === complexId);
  const insertVehicle = db.$client.prepare(`insert into vehicles (carrier_org_id, complex_id, plate_number, tonnage_class, payload_kg, pallet_slots, body_type,
    base_fee_krw, per_km_krw, lat, lng, h3_r5, h3_r6, h3_r7, h3_r8, h3_r9, location_updated_at)
    values (@carrier, @complexId, @plate, @cls, @payload, @slots, @body, @base, @perKm, @lat, @lng, @h3R5, @h3R6, @h3R7, @h3R8, @h3R9, @now)`);
  const insertListing = db.$client.prepare(`insert into warehouse_listings (owner_org_id, complex_id, name, lat, lng, h3_r5, h3_r6, h3_r7, h3_r8, h3_r9,
    storage_class, total_pallets, price_per_pallet_day_krw, opens_at, closes_at)
    values (@owner, @complexId, @name, @lat, @lng, @h3R5, @h3R6, @h3R7, @h3R8, @h3R9, 'AMBIENT', 200, 1000, '08:00', '18:00')`);
  const insertWindow = db.$client.prepare(`insert into listing_availability (listing_id, from_day, to_day, idle_pallets) values (?, '2030-01-01', '2030-12-31', 100)`);
  const fillStart = performance.now();
  db.$client.transaction(() => {
    for (let i = 0; i < VEHICLES; i++) {
      const hub = pick(hubs);
      const cls = pick(VEHICLE_CLASSES);
      insertVehicle.run({
        carrier: pick(ofRole('CARRIER', hub.id)).id,
        complexId: hub.id,
        plate: `${100 + (i % 900)}${'가나다라마바사아자'[Math.floor(i / 900) % 9]}${String(Math.floor(i / 8100)).padStart(4, '0')}`,
        cls: cls.code,
        payload: cls.payloadKg,
        slots: cls.palletSlots,
        body: pick(['CARGO', 'WING', 'BOX']),
        base: cls.baseFeeKrw,
        perKm: cls.perKmKrw,
        ...locationColumns(around(hub, SPREAD_KM)),
        now: Date.now(),
      });
    }
    for (let i = 0; i < LISTINGS; i++) {
      const hub = pick(hubs);
      const { lastInsertRowid } = insertListing.run({ owner: pick(ofRole('WAREHOUSE_OWNER', hub.id)).id, complexId: hub.id, name: `창고 ${i}`, ...locationColumns(around(hub, SPREAD_KM)) });
      insertWindow.run(lastInsertRowid);
    }
  })();
  db.$client.pragma('optimize');
  const fillSeconds = (performance.now() - fillStart) / 1000;

  // Near: the domain list (H3 candidates, great-circle filter, first page of 20 loaded) beside a full scan.
  const scanVehicles = db.$client.prepare('select id, lat, lng from vehicles');
  const scanListings = db.$client.prepare('select id, lat, lng from warehouse_listings');
  const fullScan = (statement: typeof scanVehicles, near: LatLng & { radiusKm: number }) =>
    (statement.all() as { id: number; lat: number; lng: number }[])
      .map((row) => ({ row, distanceKm: haversineKm(near, row) }))
      .filter((hit) => hit.distanceKm <= near.radiusKm)
      .sort((a, b) => a.distanceKm - b.distanceKm);
  const searches = [
    { what: 'vehicles', h3: async (near: LatLng & { radiusKm: number }) => (await listVehicles({ ctx: ctxAs(admin), input: { filter: { near }, first: 20 } })).totalCount, scan: scanVehicles },
    { what: 'listings', h3: async (near: LatLng & { radiusKm: number }) => (await listListings({ ctx: ctxAs(admin), input: { filter: { near }, first: 20 } })).totalCount, scan: scanListings },
  ];
  const rows: { what: string; radiusKm: number; hits: number; h3Median: number; h3P99: number; scanMedian: number; scanP99: number }[] = [];
  for (const search of searches) {
    for (const radiusKm of RADII_KM) {
      // Each path in its own loop over the same centres, so that neither pays for the other's garbage.
      const centres = Array.from({ length: CENTRES }, () => ({ ...around(pick(hubs), 30), radiusKm }));
      const timed = async <T>(run: (near: (typeof centres)[number]) => T | Promise<T>) => {
        const runs: { ms: number; result: T }[] = [];
        for (const near of centres) {
          const t = performance.now();
          const result = await run(near);
          runs.push({ ms: performance.now() - t, result });
        }
        return runs;
      };
      const h3 = await timed(search.h3);
      const scan = await timed((near) => fullScan(search.scan, near).length);
      h3.forEach((run, i) => {
        if (run.result !== scan[i]!.result) throw new Error(`near ${search.what} found ${run.result}, the scan ${scan[i]!.result}`);
      });
      const hits = h3.reduce((sum, run) => sum + run.result, 0);
      const h3Ms = h3.map((run) => run.ms);
      const scanMs = scan.map((run) => run.ms);
      h3Ms.sort((a, b) => a - b);
      scanMs.sort((a, b) => a - b);
      rows.push({ what: search.what, radiusKm, hits: Math.round(hits / CENTRES), h3Median: quantile(h3Ms, 0.5), h3P99: quantile(h3Ms, 0.99), scanMedian: quantile(scanMs, 0.5), scanP99: quantile(scanMs, 0.99) });
    }
  }

  // Location updates through the domain functions, as one carrier's telematics would send them.
  const carrierId = ofRole('CARRIER', hubs[0]!.id)[0]!.id;
  const carrier: Viewer = { organisationId: carrierId, role: 'CARRIER', complexId: hubs[0]!.id, apiKeyId: null };
  const fleet = (await db.select({ id: vehicles.id }).from(vehicles).where(eq(vehicles.carrierOrgId, carrierId)).all()).map((v) => v.id);
  const ctx = ctxAs(carrier);
  // Single reports from many trucks at once, 64 in flight (as concurrent HTTP requests would be): each
  // resolves only after its durable commit, which reports arriving together share.
  let t = performance.now();
  for (let i = 0; i < SINGLE_UPDATES; i += IN_FLIGHT) {
    await Promise.all(
      Array.from({ length: Math.min(IN_FLIGHT, SINGLE_UPDATES - i) }, (_, j) =>
        updateVehicleLocation({ ctx, input: { vehicleId: fleet[(i + j) % fleet.length]!, location: around(hubs[0]!, SPREAD_KM) } }),
      ),
    );
  }
  const singlePerSec = SINGLE_UPDATES / ((performance.now() - t) / 1000);
  // The same UPDATE without the domain around it: what one durable commit costs on this disk.
  t = performance.now();
  for (let i = 0; i < SINGLE_UPDATES; i++) await moveVehicle(db, carrierId, fleet[i % fleet.length]!, around(hubs[0]!, SPREAD_KM), new Date());
  const bareCommitsPerSec = SINGLE_UPDATES / ((performance.now() - t) / 1000);
  const batchSize = Math.min(BATCH_SIZE, fleet.length);
  t = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const updates = Array.from({ length: batchSize }, (_, i) => ({ vehicleId: fleet[(b * batchSize + i) % fleet.length]!, location: around(hubs[0]!, SPREAD_KM) }));
    await updateVehicleLocations({ ctx, input: { updates } });
  }
  const batchPerSec = (BATCHES * batchSize) / ((performance.now() - t) / 1000);

  const fmt = (ms: number) => ms.toFixed(2).padStart(8);
  console.log(`filled ${VEHICLES.toLocaleString()} vehicles and ${LISTINGS.toLocaleString()} listings over ${hubs.length} complexes (±${SPREAD_KM} km) in ${fillSeconds.toFixed(1)} s`);
  console.log(`near: ${CENTRES} random centres per row, first page of 20 through the domain list (ADMIN) vs select all lat/lng + haversine\n`);
  console.log('what      radius  avg hits   h3 p50   h3 p99  scan p50 scan p99  speedup');
  for (const r of rows) {
    console.log(
      `${r.what.padEnd(9)} ${`${r.radiusKm} km`.padStart(6)} ${String(r.hits).padStart(9)} ${fmt(r.h3Median)} ${fmt(r.h3P99)} ${fmt(r.scanMedian)} ${fmt(r.scanP99)} ${`${(r.scanMedian / r.h3Median).toFixed(1)}x`.padStart(8)}`,
    );
  }
  console.log(`\nlocation updates (one carrier, ${fleet.length} vehicles, synchronous=FULL):`);
  console.log(`  single vehicleLocationUpdate: ${Math.round(singlePerSec).toLocaleString()}/s (${SINGLE_UPDATES.toLocaleString()} updates, ${IN_FLIGHT} in flight sharing group commits)`);
  console.log(`  bare prepared UPDATE, no domain: ${Math.round(bareCommitsPerSec).toLocaleString()}/s (the fsync-per-commit floor of this disk)`);
  console.log(`  batch vehicleLocationsUpdate: ${Math.round(batchPerSec).toLocaleString()}/s (${BATCHES} batches of ${batchSize})\n`);
  const ten = rows.find((r) => r.what === 'vehicles' && r.radiusKm === 10)!;
  console.log(
    JSON.stringify({
      bench: 'near',
      h3MedianMs10: Number(ten.h3Median.toFixed(3)),
      scanMedianMs10: Number(ten.scanMedian.toFixed(3)),
      speedup10: Number((ten.scanMedian / ten.h3Median).toFixed(1)),
      locationUpdatesPerSec: Math.round(singlePerSec),
    }),
  );
} finally {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
}
