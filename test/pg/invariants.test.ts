import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as t from '../../db/pg/schema';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { brokenInvariants } from './helpers/invariant-checks';
import { addListing, addOffer, addRequest, addVehicle, at, seedMarket, type Market } from './helpers/market';
import { race, tally, type Step } from './helpers/race';

// Every invariant PostgreSQL enforces (db/pg/migrations/0001_invariants.sql), raced by real processes, each with its
// own connection, released at once and holding their transactions open so that they overlap.
describe('PostgreSQL enforces the invariants under concurrency', () => {
  let test: TestDatabase;
  let m: Market;

  beforeAll(async () => {
    test = await freshDatabase();
    m = await seedMarket(test.db);
  });
  afterEach(async () => expect(await brokenInvariants(test.db.$client)).toEqual({}));
  afterAll(() => test?.drop());

  const step = (query: { toSQL(): { sql: string; params: unknown[] } }): Step => query.toSQL();

  /** A transport booking of a new offer of the vehicle, and its hold on the vehicle over [from, to). */
  async function transportBooking(vehicleId: number, from: Date, to: Date, size: { weightKg: number; pallets: number }, requestId?: number) {
    const request = requestId ? { id: requestId } : await addRequest(test.db, m, size);
    const offer = await addOffer(test.db, m, request.id, { vehicleId });
    return {
      booking: test.db.insert(t.bookings).values({
        offerId: offer.id,
        requestId: request.id,
        complexId: m.complex.id,
        shipperOrgId: m.shipper.id,
        supplierOrgId: m.carrier.id,
        kind: 'TRANSPORT',
        vehicleId,
        priceKrw: 150_000,
        ...size,
        pickupAt: from,
        deliverAt: to,
        bookedAt: at(0),
      }),
      hold: test.db.insert(t.vehicleReservations).values({
        bookingId: sql`(select id from bookings where offer_id = ${offer.id})`,
        vehicleId,
        startsAt: from,
        endsAt: to,
        ...size,
      }),
    };
  }

  /** Both in one transaction, as the booking's acceptance writes them. */
  const bookTransport = async (...args: Parameters<typeof transportBooking>) => {
    const { booking, hold } = await transportBooking(...args);
    return [step(booking), step(hold)];
  };

  /** A storage booking of `pallets` on the listing for the request, holding each of `days`. */
  async function storageBooking(listingId: number, requestId: number, pallets: number, days: string[]) {
    const offer = await addOffer(test.db, m, requestId, { listingId });
    const booking = step(
      test.db.insert(t.bookings).values({
        offerId: offer.id,
        requestId,
        complexId: m.complex.id,
        shipperOrgId: m.shipper.id,
        supplierOrgId: m.owner.id,
        kind: 'STORAGE',
        listingId,
        priceKrw: 30_000,
        weightKg: 0,
        pallets,
        storageFromDay: days[0],
        storageToDay: days.at(-1),
        bookedAt: at(0),
      }),
    );
    const holds = days.map((day) =>
      step(test.db.insert(t.listingReservations).values({ bookingId: sql`(select id from bookings where offer_id = ${offer.id})`, listingId, day, pallets })),
    );
    return [booking, ...holds];
  }

  it('a vehicle never holds more pallets than its slots at any instant: of four 6-pallet loads at once on 10 slots, one', async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });
    const contenders = [];
    for (let i = 0; i < 4; i++) contenders.push(await bookTransport(vehicle.id, at(1 + i * 0.25), at(4), { weightKg: 600, pallets: 6 }));
    // Later the same day the truck is empty again: that load fits whoever won the morning.
    contenders.push(await bookTransport(vehicle.id, at(5), at(7), { weightKg: 600, pallets: 6 }));

    const outcomes = await race(test.url, contenders);

    expect(tally(outcomes)).toEqual({ committed: 2, refused: { vehicle_over_capacity: 3 } });
    expect(outcomes[4]).toEqual({ ok: true });
    const held = await test.db.select().from(t.vehicleReservations).where(eq(t.vehicleReservations.vehicleId, vehicle.id));
    expect(held.map((r) => r.pallets)).toEqual([6, 6]);
  });

  it('many loads of mixed size and span on one truck: what commits fits at every instant, and every refusal was needed', async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });
    // A fixed draw (a linear congruential sequence), so a failure repeats.
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const loads = Array.from({ length: 8 }, () => {
      const from = Math.floor(next() * 8) / 2;
      return { from, to: from + 1 + Math.floor(next() * 6) / 2, weightKg: 500 + Math.floor(next() * 25) * 100, pallets: 1 + Math.floor(next() * 5) };
    });
    const contenders = [];
    for (const l of loads) contenders.push(await bookTransport(vehicle.id, at(l.from), at(l.to), { weightKg: l.weightKg, pallets: l.pallets }));

    const outcomes = await race(test.url, contenders);

    const held = loads.filter((_, i) => outcomes[i]!.ok);
    const loadAt = (hour: number) => held.filter((h) => h.from <= hour && h.to > hour);
    const fits = (l: (typeof loads)[number]) =>
      [l.from, ...held.map((h) => h.from).filter((s) => s > l.from && s < l.to)].every((hour) => {
        const on = loadAt(hour);
        return on.reduce((kg, h) => kg + h.weightKg, l.weightKg) <= 5_000 && on.reduce((p, h) => p + h.pallets, l.pallets) <= 10;
      });
    const refused = loads.filter((_, i) => !outcomes[i]!.ok);
    expect(held.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    // A refused load would not fit beside what committed (what was held when it was refused is a subset of that).
    expect(refused.filter(fits)).toEqual([]);
    expect(tally(outcomes).refused).toEqual({ vehicle_over_capacity: refused.length });
  });

  it('a vehicle never carries more than its payload at any instant: overlapping loads of 3 t on a 5 t truck, one at a time', async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 33 });
    const contenders = [];
    for (let i = 0; i < 4; i++) contenders.push(await bookTransport(vehicle.id, at(1 + i), at(2.5 + i), { weightKg: 3_000, pallets: 2 }));

    const outcomes = await race(test.url, contenders);

    // Each load overlaps the next ([1, 2.5) and [2, 3.5), …): in whatever order they win, two of the four fit.
    expect(tally(outcomes)).toEqual({ committed: 2, refused: { vehicle_over_capacity: 2 } });
  });

  it('a warehouse never has more pallets reserved on a day than it listed idle', async () => {
    const listing = await addListing(test.db, m, 10, '2026-12-02', '2026-12-04');
    const contenders = [];
    for (let i = 0; i < 5; i++) {
      const request = await addRequest(test.db, m, { weightKg: 800, pallets: 4, storagePallets: 4 });
      contenders.push(await storageBooking(listing.id, request.id, 4, ['2026-12-02', '2026-12-03']));
    }

    const outcomes = await race(test.url, contenders);

    expect(tally(outcomes)).toEqual({ committed: 2, refused: { listing_over_capacity: 3 } });
  });

  it("a request's transport is booked at most once, whichever of its offers is accepted", async () => {
    const request = await addRequest(test.db, m, { weightKg: 500, pallets: 2 });
    const contenders = [];
    for (let i = 0; i < 4; i++) {
      const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });
      contenders.push(await bookTransport(vehicle.id, at(1), at(3), { weightKg: 500, pallets: 2 }, request.id));
    }

    const outcomes = await race(test.url, contenders);

    expect(tally(outcomes).committed).toBe(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.code)).toEqual(['23505', '23505', '23505']);
  });

  it("a request's storage is booked at most within the pallets it asked to store", async () => {
    const request = await addRequest(test.db, m, { weightKg: 1_000, pallets: 5, storagePallets: 5 });
    const contenders = [];
    for (let i = 0; i < 4; i++) {
      const listing = await addListing(test.db, m, 20, '2026-12-02', '2026-12-04');
      contenders.push(await storageBooking(listing.id, request.id, 3, ['2026-12-02']));
    }

    const outcomes = await race(test.url, contenders);

    expect(tally(outcomes)).toEqual({ committed: 1, refused: { request_already_booked: 3 } });
  });

  it('one running round per complex', async () => {
    const start = step(test.db.insert(t.matchingRounds).values({ complexId: m.complex.id, trigger: 'SCHEDULED', startedAt: at(0) }));

    const outcomes = await race(test.url, Array.from({ length: 4 }, () => [start]));

    expect(tally(outcomes).committed).toBe(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.code)).toEqual(['23505', '23505', '23505']);
  });

  it('an idempotency key is used once per organisation: retries racing the first attempt do not repeat it', async () => {
    const first = (requestId: number) =>
      step(test.db.insert(t.idempotencyKeys).values({ organisationId: m.shipper.id, key: 'order-7731', operation: 'createShipmentRequest', fingerprint: 'f1', result: { requestId } }));
    const other = step(test.db.insert(t.idempotencyKeys).values({ organisationId: m.carrier.id, key: 'order-7731', operation: 'registerVehicle', fingerprint: 'f2', result: {} }));

    const outcomes = await race(test.url, [[first(1)], [first(2)], [first(3)], [other]]);

    expect(tally(outcomes).committed).toBe(2); // one of the shipper's three, and the carrier's own key
    expect(outcomes[3]).toEqual({ ok: true });
  });

  it('a booking is collected once and delivered once', async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });
    const [booking] = await (await transportBooking(vehicle.id, at(1), at(3), { weightKg: 100, pallets: 1 })).booking.returning();
    const { id: bookingId, requestId } = booking!;
    const pickedUp = step(
      test.db.insert(t.trackingEvents).values({ bookingId, requestId, kind: 'PICKED_UP', occurredAt: at(1), lat: 37.3, lng: 126.7, reportedByOrgId: m.carrier.id, recordedAt: at(1) }),
    );

    const outcomes = await race(test.url, Array.from({ length: 3 }, () => [pickedUp]));

    expect(tally(outcomes).committed).toBe(1);
  });

  it('under SERIALIZABLE the vehicle lock still lets one 6-pallet load of four on 10 slots through; the others retry or are refused', async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });
    const contenders = [];
    for (let i = 0; i < 4; i++) contenders.push(await bookTransport(vehicle.id, at(1), at(4), { weightKg: 600, pallets: 6 }));

    const outcomes = await race(test.url, contenders, { isolation: 'serializable' });

    expect(tally(outcomes).committed).toBe(1);
    // 40001: serialization failure, the caller's cue to retry (and then be refused for capacity).
    for (const o of outcomes) if (!o.ok) expect(['40001', '23514']).toContain(o.code);
  });

  it('refuses a capacity check under REPEATABLE READ, whose snapshot would not see the booking it waited for', async () => {
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });

    const [outcome] = await race(test.url, [await bookTransport(vehicle.id, at(1), at(4), { weightKg: 600, pallets: 6 })], { isolation: 'repeatable read' });

    expect(outcome).toMatchObject({ ok: false, code: '0A000', message: 'capacity checks need READ COMMITTED or SERIALIZABLE, not REPEATABLE READ' });
  });
});
