import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePgDatabase, migratePgDatabase, openPgDatabase, PG_MIGRATIONS_FOLDER } from '../../db/pg/client';
import * as t from '../../db/pg/schema';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { addListing, addOffer, addRequest, addVehicle, at, seedMarket, type Market } from './helpers/market';

/** The error PostgreSQL raised for `write`, as node-postgres reports it (drizzle wraps it as the cause). */
async function refusal(write: PromiseLike<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await write;
  } catch (error) {
    const cause = ((error as { cause?: unknown }).cause ?? error) as { code?: string; message: string };
    return { code: cause.code, message: cause.message };
  }
  throw new Error('the write was accepted');
}

// The triggers that check one row against its own parents: no concurrency to race, each refused as SQLite refuses it.
describe('PostgreSQL refuses what the SQLite triggers refuse', () => {
  let test: TestDatabase;
  let m: Market;

  beforeAll(async () => {
    test = await freshDatabase();
    m = await seedMarket(test.db);
  });
  afterAll(() => test?.drop());

  async function transportBooking(vehicleId: number, pallets = 2) {
    const request = await addRequest(test.db, m, { weightKg: 400, pallets });
    const offer = await addOffer(test.db, m, request.id, { vehicleId });
    const [booking] = await test.db
      .insert(t.bookings)
      .values({ offerId: offer.id, requestId: request.id, complexId: m.complex.id, shipperOrgId: m.shipper.id, supplierOrgId: m.carrier.id, kind: 'TRANSPORT', vehicleId, priceKrw: 90_000, weightKg: 400, pallets, bookedAt: at(0) })
      .returning();
    return booking!;
  }

  it('a vehicle reservation is only ever released, and once', async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });
    const booking = await transportBooking(vehicle.id);
    const [hold] = await test.db.insert(t.vehicleReservations).values({ bookingId: booking.id, vehicleId: vehicle.id, startsAt: at(1), endsAt: at(3), weightKg: 400, pallets: 2 }).returning();
    const row = eq(t.vehicleReservations.id, hold!.id);

    expect(await refusal(test.db.update(t.vehicleReservations).set({ pallets: 1 }).where(row))).toEqual({ code: '23514', message: 'reservation_is_release_only' });
    expect(await refusal(test.db.update(t.vehicleReservations).set({ endsAt: at(9) }).where(row))).toMatchObject({ message: 'reservation_is_release_only' });
    await test.db.update(t.vehicleReservations).set({ releasedAt: at(2) }).where(row);
    expect(await refusal(test.db.update(t.vehicleReservations).set({ releasedAt: at(5) }).where(row))).toMatchObject({ message: 'reservation_is_release_only' });
  });

  it('a listing reservation is only ever released, and once', async () => {
    const listing = await addListing(test.db, m, 10, '2026-12-02', '2026-12-04');
    const request = await addRequest(test.db, m, { weightKg: 400, pallets: 2, storagePallets: 2 });
    const offer = await addOffer(test.db, m, request.id, { listingId: listing.id });
    const [booking] = await test.db
      .insert(t.bookings)
      .values({ offerId: offer.id, requestId: request.id, complexId: m.complex.id, shipperOrgId: m.shipper.id, supplierOrgId: m.owner.id, kind: 'STORAGE', listingId: listing.id, priceKrw: 6_000, weightKg: 0, pallets: 2, bookedAt: at(0) })
      .returning();
    const [hold] = await test.db.insert(t.listingReservations).values({ bookingId: booking!.id, listingId: listing.id, day: '2026-12-02', pallets: 2 }).returning();
    const row = eq(t.listingReservations.id, hold!.id);

    expect(await refusal(test.db.update(t.listingReservations).set({ day: '2026-12-03' }).where(row))).toEqual({ code: '23514', message: 'reservation_is_release_only' });
    await test.db.update(t.listingReservations).set({ releasedAt: at(2) }).where(row);
    expect(await refusal(test.db.update(t.listingReservations).set({ releasedAt: null }).where(row))).toMatchObject({ message: 'reservation_is_release_only' });
  });

  it('a day with no idle pallets listed takes no reservation', async () => {
    const listing = await addListing(test.db, m, 10, '2026-12-02', '2026-12-04');
    const request = await addRequest(test.db, m, { weightKg: 400, pallets: 2, storagePallets: 2 });
    const offer = await addOffer(test.db, m, request.id, { listingId: listing.id });
    const [booking] = await test.db
      .insert(t.bookings)
      .values({ offerId: offer.id, requestId: request.id, complexId: m.complex.id, shipperOrgId: m.shipper.id, supplierOrgId: m.owner.id, kind: 'STORAGE', listingId: listing.id, priceKrw: 6_000, weightKg: 0, pallets: 2, bookedAt: at(0) })
      .returning();

    expect(await refusal(test.db.insert(t.listingReservations).values({ bookingId: booking!.id, listingId: listing.id, day: '2026-12-05', pallets: 1 }))).toEqual({
      code: '23514',
      message: 'listing_over_capacity',
    });
  });

  it('an ended booking stays ended', async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });
    const booking = await transportBooking(vehicle.id);
    const row = eq(t.bookings.id, booking.id);
    await test.db.update(t.bookings).set({ status: 'CANCELLED', endedAt: at(1), endReason: 'plans changed' }).where(row);

    expect(await refusal(test.db.update(t.bookings).set({ status: 'CONFIRMED', endedAt: null }).where(row))).toEqual({ code: '23514', message: 'booking_already_ended' });
  });

  it('DELIVERED needs its proof of delivery, written before it', async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });
    const booking = await transportBooking(vehicle.id);
    const delivered = { bookingId: booking.id, requestId: booking.requestId, kind: 'DELIVERED' as const, occurredAt: at(3), lat: 37.45, lng: 126.9, reportedByOrgId: m.carrier.id, recordedAt: at(3) };

    expect(await refusal(test.db.insert(t.trackingEvents).values(delivered))).toEqual({ code: '23514', message: 'proof_of_delivery_required' });

    const [image] = await test.db.insert(t.podImages).values({ bookingId: booking.id, uploadedByOrgId: m.carrier.id, mediaType: 'image/jpeg', byteSize: 1024, sha256: 'ab'.repeat(32), fileName: `${booking.id}.jpg` }).returning();
    await test.db.insert(t.proofsOfDelivery).values({ bookingId: booking.id, imageId: image!.id, receiverName: '김수령', receivedAt: at(3) });
    await test.db.insert(t.trackingEvents).values(delivered);
  });

  it("a route's stop never has more on board than its vehicle carries", async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 1_000, palletSlots: 4 });
    const request = await addRequest(test.db, m, { weightKg: 400, pallets: 2 });
    const [route] = await test.db.insert(t.routes).values({ roundId: m.round.id, complexId: m.complex.id, vehicleId: vehicle.id, priceKrw: 90_000, startAt: at(1), endAt: at(4) }).returning();
    const stop = (seq: number, palletsAfter: number) =>
      test.db.insert(t.routeStops).values({ routeId: route!.id, seq, requestId: request.id, action: 'PICKUP', lat: 37.3, lng: 126.7, arriveAt: at(1), startAt: at(1), departAt: at(1.2), kgAfter: 400, palletsAfter });

    await stop(0, 4);
    expect(await refusal(stop(1, 5))).toEqual({ code: '23514', message: 'vehicle_over_capacity' });
  });

  it("a booking forgets the insights roll-up of the day its request was posted (Asia/Seoul), so it is rolled up again", async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });
    const request = await addRequest(test.db, m, { weightKg: 400, pallets: 2 });
    // Posted 00:30 in Seoul on 3 December, still 2 December in UTC: the roll-up is Seoul's day.
    await test.db.update(t.shipmentRequests).set({ createdAt: new Date('2026-12-02T15:30:00Z') }).where(eq(t.shipmentRequests.id, request.id));
    const day = (d: string) => ({ complexId: m.complex.id, day: d, posted: 1, served: 0, expired: 0, cancelled: 0, consolidated: 0, costKrw: 0, baselineCostKrw: 0, deadheadKm: 0, loadedKm: 0, baselineDeadheadKm: 0, baselineLoadedKm: 0, co2Kg: 0, baselineCo2Kg: 0, idlePalletDays: 0, bookedPalletDays: 0, bookingMs: [] });
    await test.db.insert(t.insightsDays).values([day('2026-12-02'), day('2026-12-03')]);

    const offer = await addOffer(test.db, m, request.id, { vehicleId: vehicle.id });
    await test.db.insert(t.bookings).values({ offerId: offer.id, requestId: request.id, complexId: m.complex.id, shipperOrgId: m.shipper.id, supplierOrgId: m.carrier.id, kind: 'TRANSPORT', vehicleId: vehicle.id, priceKrw: 90_000, weightKg: 400, pallets: 2, bookedAt: at(0) });

    const left = await test.db.select({ day: t.insightsDays.day }).from(t.insightsDays).where(eq(t.insightsDays.complexId, m.complex.id));
    expect(left).toEqual([{ day: '2026-12-02' }]);
  });

  it('a round report is stored as its values by position, and removing a costed round forgets its day', async () => {
    const report = { requestsConsidered: 3, servedCount: 2, pooledRoutes: 1, pooledRequests: 2, requestsPerTrip: 2, stopsPerRoute: 4, loadFactorKgPeakPct: 50, loadFactorPalletsPeakPct: 60, loadFactorKgKmPct: 40, loadFactorPalletsKmPct: 45, assignmentCostKrw: 500_000, offersWritten: 2, totalCostKrw: 400_000, baselineCostKrw: 520_000, savingsPct: 23.08, deadheadKm: 10, loadedKm: 80, emptyKmShare: 0.11, co2Kg: 40, baselineCo2Kg: 60, candidatePairsEvaluated: 9, feasiblePairs: 4, timeMs: 12, routes: 1 };
    const [round] = await test.db.insert(t.matchingRounds).values({ complexId: m.complex.id, status: 'COMPLETED', trigger: 'MANUAL', startedAt: new Date('2026-12-02T01:00:00Z'), report }).returning();
    expect(round!.report).toEqual(report);
    const { rows } = await test.db.$client.query('select report -> 0 as considered, report -> 12 as cost from matching_rounds where id = $1', [round!.id]);
    expect(rows[0]).toEqual({ considered: 3, cost: 500_000 });

    const day = { complexId: m.complex.id, day: '2026-12-02', posted: 1, served: 1, expired: 0, cancelled: 0, consolidated: 0, costKrw: 0, baselineCostKrw: 0, deadheadKm: 0, loadedKm: 0, baselineDeadheadKm: 0, baselineLoadedKm: 0, co2Kg: 0, baselineCo2Kg: 0, idlePalletDays: 0, bookedPalletDays: 0, bookingMs: [9_000, 1_000, 5_000] };
    await test.db.delete(t.insightsDays).where(eq(t.insightsDays.complexId, m.complex.id));
    await test.db.insert(t.insightsDays).values(day);
    const [stored] = await test.db.select({ bookingMs: t.insightsDays.bookingMs }).from(t.insightsDays).where(eq(t.insightsDays.complexId, m.complex.id));
    expect(stored!.bookingMs).toEqual([1_000, 5_000, 9_000]);

    await test.db.delete(t.matchingRounds).where(eq(t.matchingRounds.id, round!.id));
    expect(await test.db.select().from(t.insightsDays).where(eq(t.insightsDays.complexId, m.complex.id))).toEqual([]);
  });

  it('instants round-trip as epoch milliseconds, the value SQLite stores', async () => {
    const request = await addRequest(test.db, m, { weightKg: 400, pallets: 2 });
    const { rows } = await test.db.$client.query('select pickup_from from shipment_requests where id = $1', [request.id]);
    expect(Number(rows[0].pickup_from)).toBe(at(1).getTime());
    expect(request.pickupFrom).toEqual(at(1));
    // The default, statement_timestamp() in ms, as SQLite's unixepoch('subsec') * 1000.
    expect(Math.abs(request.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('two instances migrating one empty database at once both start, the migrations applied once', async () => {
    const blank = await freshDatabase(); // migrated: drop its tables to start from nothing
    await blank.db.$client.query('drop schema public cascade; create schema public; drop schema drizzle cascade');
    const instances = [openPgDatabase(blank.url), openPgDatabase(blank.url)];
    try {
      await Promise.all(instances.map((db) => migratePgDatabase(db)));
      const { rows } = await blank.db.$client.query('select count(*)::int as n from drizzle.__drizzle_migrations');
      const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(rows[0].n).toBe(journal.entries.length);
    } finally {
      await Promise.all(instances.map((db) => closePgDatabase(db)));
      await blank.drop();
    }
  });
});
