import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { DIALECT } from '../../db/dialect';
import { transact } from '../../db/transaction';
import { BOOKING_STATUS_CODES, organisations, REQUEST_STATUS_CODES, listingAvailability, matchingRounds, OFFER_KIND_CODES, OFFER_STATUS_CODES, offers, shipmentRequests, vehicles, warehouseListings, type OfferKind } from '../../db/schema';
import type { Viewer } from '../../src/context';
import type { Context } from '../../src/context';
import { createApiKey } from '../../src/auth/create-api-key';
import { SYSTEM_ADMIN } from '../../src/auth/viewer';
import { selectComplex } from '../../src/complexes/complex-record';
import { createShipmentRequest, type CreateShipmentRequestInput } from '../../src/demand/create-shipment-request';
import { originCellColumns } from '../../src/demand/request-record';
import type { DemoKey } from '../../scripts/demo/seed-demo';
import { parseEnv } from '../../src/env';
import { cellsOf } from '../../src/geo/h3';
import { createLogger } from '../../src/logger';
import { createInProcessPubSub } from '../../src/pubsub';
import { createListing } from '../../src/supply/listings/create-listing';
import { rowsOf } from './sql';
import type { TestServer } from './server';
import { seoulDay, addDays } from '../../src/supply/listings/seoul-day';
import { registerVehicle, type RegisterVehicleInput } from '../../src/supply/vehicles/register-vehicle';

export const HOUR = 3_600_000;

/** Banwol-Sihwa's id: the complexes are read once per database (the demo seeding loads them). */
const banwolOf = (db: Db) => selectComplex({ db }, { code: 'BANWOL_SIHWA' })!.id;
export const BANWOL = { lat: 37.325, lng: 126.75 };
export const BUSAN = { lat: 35.1798, lng: 129.075 };

/** A domain context acting as a demo organisation, for building fixtures with the real domain functions. */
export function ctxAs(db: Db, key: Pick<DemoKey, 'organisationId' | 'role'>): Context {
  const complexId = banwolOf(db);
  const viewer: Viewer = { organisationId: key.organisationId, role: key.role, complexId: key.role === 'ADMIN' ? null : complexId, apiKeyId: null };
  return { db, pubsub: createInProcessPubSub(), logger: createLogger('silent'), env: parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), now: () => new Date(), viewer };
}

/** API keys of three shippers of the demo complex: the demo manufacturer's (`a`) and two more made for the test. */
export async function threeShippers(server: TestServer): Promise<{ a: string; b: string; c: string }> {
  const demo = server.keyOf('MANUFACTURER');
  const complexId = ctxAs(server.db, demo).viewer!.complexId!;
  const makers = await server.db.select().from(organisations).where(and(eq(organisations.complexId, complexId), eq(organisations.role, 'MANUFACTURER'))).orderBy(organisations.id).all();
  const others = makers.filter((m) => m.id !== demo.organisationId);
  const keyFor = async (organisationId: number) => (await createApiKey({ ctx: { ...ctxAs(server.db, server.keyOf('ADMIN')), viewer: SYSTEM_ADMIN }, input: { organisationId, name: 'test' } })).secret;
  return { a: demo.apiKey, b: await keyFor(others[0]!.id), c: await keyFor(others[1]!.id) };
}

let plates = 0;
/** A fresh, valid Korean number plate. */
export const nextPlate = () => `${100 + Math.floor(plates / 9000)}가${1000 + (plates++ % 9000)}`;

export function vehicle(ctx: Context, overrides: Partial<RegisterVehicleInput> = {}) {
  return registerVehicle({
    ctx,
    input: {
      plateNumber: nextPlate(),
      tonnageClass: 'T5',
      bodyType: 'WING',
      location: { lat: 37.33, lng: 126.76 },
      availability: [{ startsAt: new Date(Date.now() + HOUR), endsAt: new Date(Date.now() + 72 * HOUR) }],
      ...overrides,
    },
  });
}

/** A valid `ShipmentRequestCreateInput` as a GraphQL client sends it (times as ISO strings), two hours ahead. */
export function shipmentRequestVariables(overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    idempotencyKey: randomUUID(),
    origin: { lat: 37.33, lng: 126.76 },
    destination: BUSAN,
    weightKg: 1_200,
    pallets: 3,
    cargoClass: 'GENERAL',
    loadingAtOrigin: 'FORKLIFT',
    loadingAtDestination: 'HOIST',
    pickupWindow: { from: new Date(now + 2 * HOUR).toISOString(), until: new Date(now + 6 * HOUR).toISOString() },
    deliverBy: new Date(now + 30 * HOUR).toISOString(),
    ...overrides,
  };
}

export function shipment(ctx: Context, overrides: Partial<CreateShipmentRequestInput> = {}) {
  const now = Date.now();
  return createShipmentRequest({
    ctx,
    input: {
      idempotencyKey: randomUUID(),
      origin: { lat: 37.33, lng: 126.76 },
      destination: BUSAN,
      weightKg: 1_200,
      pallets: 3,
      cargoClass: 'GENERAL',
      loadingAtOrigin: 'FORKLIFT',
      loadingAtDestination: 'BY_HAND',
      pickupWindow: { from: new Date(now + 2 * HOUR), until: new Date(now + 6 * HOUR) },
      deliverBy: new Date(now + 30 * HOUR),
      ...overrides,
    },
  });
}

export function listing(ctx: Context, idlePallets = 10) {
  const today = seoulDay(new Date());
  return createListing({
    ctx,
    input: {
      name: 'Test warehouse',
      location: { lat: 37.32, lng: 126.74 },
      storageClass: 'AMBIENT',
      totalPallets: idlePallets,
      availability: [{ from: today, to: addDays(today, 30), idlePallets }],
      pricePerPalletDayKrw: 1_000,
      opensAt: '08:00',
      closesAt: '18:00',
    },
  });
}

export interface RoundRef {
  roundId: number;
  complexId: number;
}

/** A finished matching round of Banwol-Sihwa to hang hand-made offers on (the engine's own offers are tested with the matching layer). */
export async function round(db: Db): Promise<RoundRef> {
  const complexId = banwolOf(db);
  const roundId = (await db.insert(matchingRounds).values({ complexId, trigger: 'MANUAL', startedAt: new Date(), status: 'COMPLETED', finishedAt: new Date() }).returning().get())!.id;
  return { roundId, complexId };
}

/** Hand-made PENDING offers, with their requests marked OFFERED as a round would; returns the offer ids. */
export function makeOffers(db: Db, fixtures: OfferFixture[]): Promise<number[]> {
  return transact(db, async (tx) => {
    const ids: number[] = [];
    for (const f of fixtures) ids.push((await tx.insert(offers).values(offerValues(f)).returning({ id: offers.id }).get())!.id);
    for (const f of fixtures) await tx.update(shipmentRequests).set({ status: 'OFFERED' }).where(and(eq(shipmentRequests.id, f.requestId), eq(shipmentRequests.status, 'OPEN'))).run();
    return ids;
  });
}

export interface OfferFixture {
  round: RoundRef;
  requestId: number;
  shipperOrgId: number;
  supplierOrgId: number;
  kind?: OfferKind;
  vehicleId?: number;
  listingId?: number;
  routeId?: number;
  storagePallets?: number;
  /** The stay's first and last days, YYYY-MM-DD (storage); tomorrow to three days on when left out. */
  storageFromDay?: string;
  storageToDay?: string;
  pickupAt?: Date;
  deliverAt?: Date;
  expiresAt?: Date;
  priceKrw?: number;
}

/** The values of a hand-made PENDING offer. */
export function offerValues(f: OfferFixture): typeof offers.$inferInsert {
  const now = Date.now();
  const kind = f.kind ?? (f.listingId ? 'STORAGE' : 'TRANSPORT');
  const today = seoulDay(new Date());
  return {
    roundId: f.round.roundId,
    complexId: f.round.complexId,
    kind,
    requestId: f.requestId,
    shipperOrgId: f.shipperOrgId,
    supplierOrgId: f.supplierOrgId,
    vehicleId: f.vehicleId ?? null,
    listingId: f.listingId ?? null,
    routeId: f.routeId ?? null,
    priceKrw: f.priceKrw ?? 500_000,
    baseKrw: 100_000,
    distanceKrw: 400_000,
    storageKrw: 0,
    handlingKrw: 0,
    deadheadKm: 5,
    loadedKm: 320,
    co2Kg: 150,
    pickupAt: kind === 'STORAGE' ? null : (f.pickupAt ?? new Date(now + 3 * HOUR)),
    deliverAt: kind === 'STORAGE' ? null : (f.deliverAt ?? new Date(now + 12 * HOUR)),
    storagePallets: kind === 'STORAGE' ? (f.storagePallets ?? 3) : null,
    storageFromDay: kind === 'STORAGE' ? (f.storageFromDay ?? addDays(today, 1)) : null,
    storageToDay: kind === 'STORAGE' ? (f.storageToDay ?? addDays(today, 3)) : null,
    expiresAt: f.expiresAt ?? new Date(now + HOUR),
  };
}

export interface VolumeFixture {
  requests: { id: number; storage: boolean }[];
  /** Offers with the supplier who must answer them. */
  offers: { id: number; requestId: number; supplier: 'CARRIER' | 'WAREHOUSE_OWNER' }[];
}

/**
 * Many OFFERED requests of one shipper, each with several transport offers on a few vehicles at overlapping
 * times and, for some, storage offers on a few small listings: enough contention that most accepts race.
 * Inserted directly in one transaction (the domain functions would take seconds for this volume).
 */
export async function insertVolume(db: Db, keys: { shipper: number; carrier: number; owner: number }, size: { requests: number; vehicles: number; listings: number }, seed = 1): Promise<VolumeFixture> {
  let state = seed;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const r = await round(db);
  const now = Date.now();
  const today = seoulDay(new Date());
  return transact(db, async (tx) => {
    const place = { lat: 37.33, lng: 126.76 };
    const cells = cellsOf(place);
    const vehicleIds: number[] = [];
    for (let i = 0; i < size.vehicles; i++) {
      vehicleIds.push(
        (await tx
          .insert(vehicles)
          .values({ carrierOrgId: keys.carrier, complexId: r.complexId, plateNumber: nextPlate(), tonnageClass: 'T5', payloadKg: 5_000, palletSlots: 10, bodyType: 'WING', baseFeeKrw: 80_000, perKmKrw: 1_500, locationUpdatedAt: new Date(now), lat: place.lat, lng: place.lng, h3R5: cells.r5, h3R6: cells.r6, h3R7: cells.r7, h3R8: cells.r8, h3R9: cells.r9 })
          .returning({ id: vehicles.id })
          .get())!.id,
      );
    }
    const listingIds: number[] = [];
    for (let i = 0; i < size.listings; i++) {
      const id = (await tx
        .insert(warehouseListings)
        .values({ ownerOrgId: keys.owner, complexId: r.complexId, name: `Volume ${i}`, lat: place.lat, lng: place.lng, h3R5: cells.r5, h3R6: cells.r6, h3R7: cells.r7, h3R8: cells.r8, h3R9: cells.r9, storageClass: 'AMBIENT', totalPallets: 8, pricePerPalletDayKrw: 1_000, opensAt: '08:00', closesAt: '18:00' })
        .returning({ id: warehouseListings.id })
        .get())!.id;
      await tx.insert(listingAvailability).values({ listingId: id, fromDay: today, toDay: addDays(today, 30), idlePallets: 8 }).run();
      listingIds.push(id);
    }
    const requests: VolumeFixture['requests'] = [];
    const offered: VolumeFixture['offers'] = [];
    for (let i = 0; i < size.requests; i++) {
      const storage = random() < 0.25;
      const pallets = 1 + Math.floor(random() * 4);
      const pickup = now + HOUR + Math.floor(random() * 24) * HOUR;
      const { id } = (await tx
        .insert(shipmentRequests)
        .values({
          shipperOrgId: keys.shipper,
          complexId: r.complexId,
          status: 'OFFERED',
          originLat: place.lat,
          originLng: place.lng,
          ...originCellColumns(cells),
          destinationLat: BUSAN.lat,
          destinationLng: BUSAN.lng,
          destinationH3R9: cellsOf(BUSAN).r9,
          weightKg: pallets * 600,
          pallets,
          cargoClass: 'GENERAL',
          loadingAtOrigin: 'FORKLIFT',
          loadingAtDestination: 'FORKLIFT',
          pickupFrom: new Date(pickup),
          pickupUntil: new Date(pickup + 4 * HOUR),
          deliverBy: new Date(pickup + 30 * HOUR),
          ...(storage && { storagePallets: pallets, storageDays: 3, storageClass: 'AMBIENT' as const }),
        })
        .returning({ id: shipmentRequests.id })
        .get())!;
      requests.push({ id, storage });
      const common = { round: r, requestId: id, shipperOrgId: keys.shipper };
      for (let k = 0; k < 3; k++) {
        const start = pickup + Math.floor(random() * 4) * HOUR;
        const values = offerValues({ ...common, supplierOrgId: keys.carrier, vehicleId: pick(vehicleIds), pickupAt: new Date(start), deliverAt: new Date(start + (4 + Math.floor(random() * 8)) * HOUR) });
        offered.push({ id: (await tx.insert(offers).values(values).returning({ id: offers.id }).get())!.id, requestId: id, supplier: 'CARRIER' });
      }
      if (!storage) continue;
      for (let k = 0; k < 2; k++) {
        const values = offerValues({ ...common, supplierOrgId: keys.owner, listingId: pick(listingIds), storagePallets: pallets });
        offered.push({ id: (await tx.insert(offers).values(values).returning({ id: offers.id }).get())!.id, requestId: id, supplier: 'WAREHOUSE_OWNER' });
      }
    }
    return { requests, offers: offered };
  });
}

/**
 * Every booking invariant of DESIGN.md section 5 as SQL over the whole database; returns the violations found
 * (empty when all hold). Independent of the triggers: it recomputes everything from the rows.
 */
export async function invariantViolations(db: Db): Promise<Record<string, unknown[]>> {
  const all = (query: string) => rowsOf(db, query);
  const { CONFIRMED, COMPLETED } = BOOKING_STATUS_CODES;
  const { STORAGE } = OFFER_KIND_CODES;
  const found = {
    vehicleOverCapacity: all(`
      select r.vehicle_id, r.starts_at from vehicle_reservations r join vehicles v on v.id = r.vehicle_id
      where r.released_at is null and (
        (select sum(h.weight_kg) from vehicle_reservations h where h.vehicle_id = r.vehicle_id and h.released_at is null and h.starts_at <= r.starts_at and h.ends_at > r.starts_at) > v.payload_kg
        or (select sum(h.pallets) from vehicle_reservations h where h.vehicle_id = r.vehicle_id and h.released_at is null and h.starts_at <= r.starts_at and h.ends_at > r.starts_at) > v.pallet_slots)`),
    warehouseOverCapacity: all(`
      select l.listing_id, l.day, sum(l.pallets) as reserved from listing_reservations l where l.released_at is null group by l.listing_id, l.day
      having sum(l.pallets) > (select coalesce(max(a.idle_pallets), 0) from listing_availability a where a.listing_id = l.listing_id and a.from_day <= l.day and a.to_day >= l.day)`),
    requestBookedTwice: all(`select request_id from bookings where kind <> ${STORAGE} and status in (${CONFIRMED}, ${COMPLETED}) group by request_id having count(*) > 1`),
    storageBeyondNeed: all(`
      select b.request_id from bookings b join shipment_requests r on r.id = b.request_id
      where b.kind = ${STORAGE} and b.status in (${CONFIRMED}, ${COMPLETED}) group by b.request_id having sum(b.pallets) > max(r.storage_pallets)`),
    bookedWithoutTransport: all(`
      select r.id from shipment_requests r where r.status = ${REQUEST_STATUS_CODES.BOOKED}
      and not exists (select 1 from bookings b where b.request_id = r.id and b.kind <> ${STORAGE} and b.status = ${CONFIRMED})`),
    heldForAnUnbookableRequest: all(`select b.id from bookings b join shipment_requests r on r.id = b.request_id where b.status = ${CONFIRMED} and r.status in (${REQUEST_STATUS_CODES.OPEN}, ${REQUEST_STATUS_CODES.CANCELLED}, ${REQUEST_STATUS_CODES.EXPIRED})`),
    reservationOfEndedBooking: all(`
      select v.id from vehicle_reservations v join bookings b on b.id = v.booking_id where v.released_at is null and b.status <> ${CONFIRMED}
      union all select l.id from listing_reservations l join bookings b on b.id = l.booking_id where l.released_at is null and b.status <> ${CONFIRMED}`),
    acceptedWithoutBooking: all(`select o.id from offers o where o.status = ${OFFER_STATUS_CODES.ACCEPTED} and not exists (select 1 from bookings b where b.offer_id = o.id)`),
    // SQLite's own check of its file (PostgreSQL has no equivalent short of amcheck).
    integrity: Promise.resolve(DIALECT === 'pg' || db.$client.pragma('integrity_check', { simple: true }) === 'ok' ? [] : ['integrity_check failed']),
  };
  const checked = await Promise.all(Object.entries(found).map(async ([name, rows]) => [name, await rows] as const));
  return Object.fromEntries(checked.filter(([, rows]) => rows.length > 0));
}
