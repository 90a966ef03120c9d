/**
 * vehicleUpdate: a carrier changes its truck's rate card, capacity or hazmat certification in place. Offers pending on
 * the truck were priced and planned on the old terms: a change withdraws them (their requests go back to the next
 * round, priced on the new card); bookings keep what was agreed, and no change may leave the truck short of them.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT } from '../../db/dialect';
import { transact } from '../../db/transaction';
import { bookings, offers, shipmentRequests, vehicles } from '../../db/schema';
import { cancelShipmentRequest } from '../../src/demand/cancel-shipment-request';
import { reserve } from '../../src/market/reservations';
import { toGlobalId } from '../../src/global-id';
import { runMatchingRound } from '../../src/matching/run-round';
import { retireVehicle } from '../../src/supply/vehicles/retire-vehicle';
import { ctxAs, HOUR, invariantViolations, makeOffers, round, shipment, vehicle, type RoundRef } from '../helpers/bookings-fixtures';
import { gql, publishedIds } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const UPDATE = `mutation ($input: VehicleUpdateInput!) { vehicleUpdate(input: $input) { vehicle {
  id status payloadKg palletSlots hazmatCertified rateCard { baseFeeKrw perKmKrw perStopFeeKrw waitingFeePerHourKrw }
} } }`;
const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { bookings { id } } }';

type Updated = { vehicleUpdate: { vehicle: { id: string; payloadKg: number; palletSlots: number; hazmatCertified: boolean; rateCard: Record<string, number> } } };
type Errors = { body: { errors?: { message: string; extensions?: { code?: string; issues?: { field: string; rule: string }[] } }[] } };

describe('vehicleUpdate', () => {
  const tmp = tempDir();
  let server: TestServer;
  let r: RoundRef;
  const as = (role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR') => ctxAs(server.db, server.keyOf(role));
  const update = (vehicleId: number, changes: Record<string, unknown>, apiKey = server.keyOf('CARRIER').apiKey) =>
    gql<Updated>(server.url, UPDATE, { input: { vehicleId: toGlobalId('Vehicle', vehicleId), ...changes } }, { apiKey });
  const code = (res: Errors) => res.body.errors?.[0]?.extensions?.code;
  const issues = (res: Errors) => res.body.errors?.[0]?.extensions?.issues;
  const stored = async (vehicleId: number) => (await server.db.select().from(vehicles).where(eq(vehicles.id, vehicleId)).get())!;
  const offerStatus = async (id: number) => (await server.db.select({ status: offers.status }).from(offers).where(eq(offers.id, id)).get())!.status;
  const requestStatus = async (id: number) => (await server.db.select({ status: shipmentRequests.status }).from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!.status;
  /** A request offered (by hand) to `vehicleId`, carried from `fromHour` to `toHour` hours from now. */
  const offered = async (vehicleId: number, load: { weightKg?: number; pallets?: number; cargoClass?: 'GENERAL' | 'HAZMAT'; fromHour?: number; toHour?: number } = {}) => {
    const { fromHour = 3, toHour = 12, ...cargo } = load;
    const request = await shipment(as('MANUFACTURER'), cargo);
    const [offerId] = await makeOffers(server.db, [
      { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: server.keyOf('CARRIER').organisationId, vehicleId, pickupAt: new Date(Date.now() + fromHour * HOUR), deliverAt: new Date(Date.now() + toHour * HOUR) },
    ]);
    return { requestId: request.id, offerId: offerId! };
  };
  /** A request booked on `vehicleId` (offered, then accepted by the carrier). */
  const booked = async (vehicleId: number, load: Parameters<typeof offered>[1] = {}) => {
    const { requestId, offerId } = await offered(vehicleId, load);
    const res = await gql(server.url, ACCEPT, { id: toGlobalId('Offer', offerId), key: randomUUID() }, { apiKey: server.keyOf('CARRIER').apiKey });
    expect(res.body.errors).toBeUndefined();
    return requestId;
  };
  /** Resolves once a session of the database waits for a row another transaction holds. */
  const untilWaitingOnRow = async () => {
    const client = (server.db as unknown as { $client: { query(sql: string): Promise<{ rows: { n: number }[] }> } }).$client;
    while ((await client.query("select count(*)::int as n from pg_locks where not granted and locktype in ('transactionid', 'tuple')")).rows[0]!.n === 0) await new Promise((r) => setTimeout(r, 20));
  };
  const done = (...ids: number[]) => Promise.all(ids.map((id) => cancelShipmentRequest({ ctx: as('MANUFACTURER'), input: { id, reason: 'test case done' } })));

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'vehicle-update.db'), env: { RATE_LIMIT_PER_KEY: '100000', RATE_LIMIT_PER_ADDRESS: '100000' } });
    r = await round(server.db);
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('changes the rate card, withdraws the pending offer, and the next round prices the request on the new card', async () => {
    const truck = await vehicle(as('CARRIER'), { location: { lat: 37.33, lng: 126.75 } });
    const request = await shipment(as('MANUFACTURER'), { destination: { lat: 37.2636, lng: 127.0286 } });
    const nextRound = async () => {
      const { id } = await runMatchingRound({ ctx: as('OPERATOR'), input: { complexCode: 'BANWOL_SIHWA' } });
      return server.db.select().from(offers).where(and(eq(offers.roundId, id), eq(offers.requestId, request.id), eq(offers.vehicleId, truck.id))).all();
    };
    const [first] = await nextRound();
    expect(first).toMatchObject({ status: 'PENDING', baseKrw: truck.baseFeeKrw });

    const told = publishedIds(server.pubsub, 'offerWithdrawn', (e) => e.offer.id);
    const res = await update(truck.id, { rateCard: { perKmKrw: truck.perKmKrw + 100, baseFeeKrw: truck.baseFeeKrw - 10_000 } });
    expect(res.body.errors).toBeUndefined();
    // Figures left out keep their value.
    expect(res.body.data!.vehicleUpdate.vehicle).toMatchObject({
      payloadKg: truck.payloadKg,
      rateCard: { baseFeeKrw: truck.baseFeeKrw - 10_000, perKmKrw: truck.perKmKrw + 100, perStopFeeKrw: truck.perStopFeeKrw, waitingFeePerHourKrw: truck.waitingFeePerHourKrw },
    });
    expect(await offerStatus(first!.id)).toBe('WITHDRAWN');
    expect(await requestStatus(request.id)).toBe('OPEN');
    // Its carrier is told, as of any offer of its own withdrawn.
    await expect.poll(() => told.ids).toEqual([first!.id]);
    told.stop();

    const [again] = await nextRound();
    expect(again).toMatchObject({ status: 'PENDING', baseKrw: truck.baseFeeKrw - 10_000 });
    expect(again!.distanceKrw).toBe(Math.round((truck.perKmKrw + 100) * (again!.deadheadKm + again!.loadedKm)));
    await done(request.id);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it('changes nothing and withdraws nothing for terms sent as they are', async () => {
    const truck = await vehicle(as('CARRIER'));
    const { requestId, offerId } = await offered(truck.id);
    const rateCard = { baseFeeKrw: truck.baseFeeKrw, perKmKrw: truck.perKmKrw, perStopFeeKrw: truck.perStopFeeKrw, waitingFeePerHourKrw: truck.waitingFeePerHourKrw };
    const res = await update(truck.id, { rateCard, payloadKg: truck.payloadKg, palletSlots: truck.palletSlots, hazmatCertified: false });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.vehicleUpdate.vehicle).toMatchObject({ payloadKg: truck.payloadKg, rateCard });
    expect(await offerStatus(offerId)).toBe('PENDING');
    expect(await requestStatus(requestId)).toBe('OFFERED');
    await done(requestId);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it('checks the fields by the rules of register, relative to the tonnage class', async () => {
    const truck = await vehicle(as('CARRIER'));
    const bounds = await update(truck.id, { payloadKg: 100_000, palletSlots: 0, rateCard: { perKmKrw: 2_000 } });
    expect(code(bounds)).toBe('BAD_USER_INPUT');
    expect(issues(bounds)).toEqual([
      { field: 'input.payloadKg', rule: 'must be from 2500 to 7500 kg for class T5' },
      { field: 'input.palletSlots', rule: 'must be from 1 to 20 for class T5' },
    ]);
    const card = await update(truck.id, { rateCard: { perKmKrw: 60_000, baseFeeKrw: -1 } });
    expect(issues(card)).toEqual(
      expect.arrayContaining([
        { field: 'input.rateCard.perKmKrw', rule: 'must be at most 50000 KRW' },
        { field: 'input.rateCard.baseFeeKrw', rule: 'must not be negative' },
      ]),
    );
    expect(await stored(truck.id)).toMatchObject({ payloadKg: truck.payloadKg, palletSlots: truck.palletSlots, perKmKrw: truck.perKmKrw });
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it("refuses null for a term as a request's update does, naming it, and an update that changes no term; nothing is written", async () => {
    const truck = await vehicle(as('CARRIER'));
    const keep = "must not be null: leave it out to keep the vehicle's";
    const cases: [Record<string, unknown>, { field: string; rule: unknown }[]][] = [
      // null is no figure a truck can have: a client sending it to clear or reset one is told, not ignored.
      [{ payloadKg: null, hazmatCertified: null, palletSlots: 4 }, [{ field: 'input.payloadKg', rule: keep }, { field: 'input.hazmatCertified', rule: keep }]],
      [{ rateCard: { perKmKrw: null, baseFeeKrw: 90_000 } }, [{ field: 'input.rateCard.perKmKrw', rule: keep }]],
      [{ rateCard: null }, [{ field: 'input.rateCard', rule: keep }]],
      [{}, [{ field: 'input', rule: 'must change at least one field of the vehicle: payloadKg, palletSlots, hazmatCertified, rateCard' }]],
    ];
    for (const [changes, expected] of cases) {
      const res = await update(truck.id, changes);
      expect(code(res), JSON.stringify(changes)).toBe('BAD_USER_INPUT');
      expect(issues(res)).toEqual(expected);
    }
    expect(await stored(truck.id)).toMatchObject({ payloadKg: truck.payloadKg, palletSlots: truck.palletSlots, hazmatCertified: false, baseFeeKrw: truck.baseFeeKrw, perKmKrw: truck.perKmKrw });
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it('names a field\'s own rule and its class\'s bounds in one answer; nothing is written', async () => {
    const truck = await vehicle(as('CARRIER'));
    const res = await update(truck.id, { palletSlots: 21, rateCard: { perKmKrw: -1 } });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(issues(res)).toEqual([
      { field: 'input.rateCard.perKmKrw', rule: 'must not be negative' },
      { field: 'input.palletSlots', rule: 'must be from 1 to 20 for class T5' },
    ]);
    expect(await stored(truck.id)).toMatchObject({ palletSlots: truck.palletSlots, perKmKrw: truck.perKmKrw });
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it('refuses capacity below the most its bookings put on board at once, naming the field; nothing is written', async () => {
    const truck = await vehicle(as('CARRIER'));
    // Two loads on board together from hour 6 to hour 9: 4,000 kg and 7 pallets at most.
    const a = await booked(truck.id, { weightKg: 2_500, pallets: 3, fromHour: 3, toHour: 9 });
    const b = await booked(truck.id, { weightKg: 1_500, pallets: 4, fromHour: 6, toHour: 12 });
    const pending = await offered(truck.id, { weightKg: 500, pallets: 1, fromHour: 20, toHour: 24 });

    const res = await update(truck.id, { payloadKg: 3_900, palletSlots: 6, rateCard: { perKmKrw: 2_000 } });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(issues(res)).toEqual([
      { field: 'input.payloadKg', rule: expect.stringContaining('4000 kg') },
      { field: 'input.palletSlots', rule: expect.stringContaining('7 pallets') },
    ]);
    expect(await stored(truck.id)).toMatchObject({ payloadKg: 5_000, palletSlots: 10, perKmKrw: truck.perKmKrw });
    expect(await offerStatus(pending.offerId)).toBe('PENDING');

    // Exactly what is booked at once fits.
    const fits = await update(truck.id, { payloadKg: 4_000, palletSlots: 7 });
    expect(fits.body.errors).toBeUndefined();
    expect(fits.body.data!.vehicleUpdate.vehicle).toMatchObject({ payloadKg: 4_000, palletSlots: 7 });
    expect(await offerStatus(pending.offerId)).toBe('WITHDRAWN');
    await done(a, b, pending.requestId);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it("checks its bookings once the class's bounds pass: a field is named once, by the rule it broke first", async () => {
    const truck = await vehicle(as('CARRIER'));
    const a = await booked(truck.id, { weightKg: 4_000, pallets: 7 });
    // 2,000 kg is below the 5-ton class's 2,500 and its 4,000 booked: one issue, the class's; the slots are not read.
    const res = await update(truck.id, { payloadKg: 2_000, palletSlots: 6 });
    expect(issues(res)).toEqual([{ field: 'input.payloadKg', rule: 'must be from 2500 to 7500 kg for class T5' }]);
    const within = await update(truck.id, { payloadKg: 2_500, palletSlots: 6 });
    expect(issues(within)).toEqual([
      { field: 'input.payloadKg', rule: expect.stringContaining('4000 kg') },
      { field: 'input.palletSlots', rule: expect.stringContaining('7 pallets') },
    ]);
    expect(await stored(truck.id)).toMatchObject({ payloadKg: 5_000, palletSlots: 10 });
    await done(a);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it('refuses to drop the hazmat certification while it is booked to carry dangerous goods', async () => {
    const truck = await vehicle(as('CARRIER'), { hazmatCertified: true });
    const requestId = await booked(truck.id, { cargoClass: 'HAZMAT' });
    const res = await update(truck.id, { hazmatCertified: false });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(issues(res)).toEqual([{ field: 'input.hazmatCertified', rule: expect.stringContaining('HAZMAT') }]);
    expect(await stored(truck.id)).toMatchObject({ hazmatCertified: true });
    await done(requestId);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it("answers NOT_FOUND for another carrier's vehicle, CONFLICT for a retired one, FORBIDDEN for other roles", async () => {
    const truck = await vehicle(as('CARRIER'));
    expect(code(await update(truck.id, { payloadKg: 4_000 }, server.keyOf('CARRIER', 'CHANGWON').apiKey))).toBe('NOT_FOUND');
    expect(code(await update(999_999, { payloadKg: 4_000 }))).toBe('NOT_FOUND');
    expect(code(await update(truck.id, { payloadKg: 4_000 }, server.keyOf('MANUFACTURER').apiKey))).toBe('FORBIDDEN');
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
    expect(code(await update(truck.id, { payloadKg: 4_000 }))).toBe('CONFLICT');
    expect(await stored(truck.id)).toMatchObject({ payloadKg: 5_000 });
  });

  it('answers a retry with the same idempotency key with the vehicle, changing and withdrawing nothing', async () => {
    const truck = await vehicle(as('CARRIER'));
    const idempotencyKey = randomUUID();
    const first = await update(truck.id, { rateCard: { perKmKrw: 1_700 }, idempotencyKey });
    expect(first.body.data!.vehicleUpdate.vehicle.rateCard.perKmKrw).toBe(1_700);
    // Changed since, and offered on the card as it now is.
    await update(truck.id, { rateCard: { perKmKrw: 1_800 } });
    const { requestId, offerId } = await offered(truck.id);

    const retry = await update(truck.id, { rateCard: { perKmKrw: 1_700 }, idempotencyKey });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data!.vehicleUpdate.vehicle).toMatchObject({ id: toGlobalId('Vehicle', truck.id), rateCard: { perKmKrw: 1_800 } });
    expect(await offerStatus(offerId)).toBe('PENDING');
    expect(code(await update(truck.id, { rateCard: { perKmKrw: 1_900 }, idempotencyKey }))).toBe('CONFLICT');
    expect(await stored(truck.id)).toMatchObject({ perKmKrw: 1_800 });
    await done(requestId);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it('of an accept and a change below it racing, one stands: the truck is never booked beyond its new payload', async () => {
    const carrier = { apiKey: server.keyOf('CARRIER').apiKey };
    for (let i = 0; i < 6; i++) {
      const truck = await vehicle(as('CARRIER'));
      const held = await booked(truck.id, { weightKg: 2_000, pallets: 2 });
      const { requestId, offerId } = await offered(truck.id, { weightKg: 2_000, pallets: 2 });
      const [accepted, lowered] = await Promise.all([
        gql(server.url, ACCEPT, { id: toGlobalId('Offer', offerId), key: randomUUID() }, carrier),
        update(truck.id, { payloadKg: 3_000 }),
      ]);
      // Accepted first: the change is refused (4,000 kg on board); changed first: the offer was withdrawn with the old terms.
      expect([accepted, lowered].filter((res) => !res.body.errors)).toHaveLength(1);
      expect(code(accepted) ?? code(lowered)).toBe(code(accepted) ? 'CONFLICT' : 'BAD_USER_INPUT');
      await done(held, requestId);
      await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
    }
    expect(await invariantViolations(server.db)).toEqual({});
  });

  // SQLite writes one transaction at a time, whole: a change cannot run while an accept's hold is uncommitted.
  it.skipIf(DIALECT !== 'pg')('a change waits for an accept whose hold on the truck is not committed yet, then counts it', async () => {
    const truck = await vehicle(as('CARRIER'));
    const held = await booked(truck.id, { weightKg: 2_000, pallets: 2 });
    const { requestId, offerId } = await offered(truck.id, { weightKg: 2_000, pallets: 2 });
    const offer = (await server.db.select().from(offers).where(eq(offers.id, offerId)).get())!;
    // The accept's writes as book() makes them (its booking, its hold, which locks the truck), not committed yet.
    let commit!: () => void;
    const holding = new Promise<void>((resolve) => (commit = resolve));
    let reserved!: () => void;
    const written = new Promise<void>((resolve) => (reserved = resolve));
    const accepting = transact(server.db, async (tx) => {
      const values = { offerId, requestId, complexId: offer.complexId, shipperOrgId: offer.shipperOrgId, supplierOrgId: offer.supplierOrgId, kind: offer.kind, vehicleId: truck.id, priceKrw: offer.priceKrw, weightKg: 2_000, pallets: 2, pickupAt: offer.pickupAt, deliverAt: offer.deliverAt, bookedAt: new Date() };
      await tx.insert(bookings).values(values).run();
      await tx.update(offers).set({ status: 'ACCEPTED' }).where(eq(offers.id, offerId)).run();
      await reserve(tx, { ...values, listingId: null, storageFromDay: null, storageToDay: null });
      reserved();
      await holding;
    });
    await written;
    const lowering = update(truck.id, { payloadKg: 3_000 });
    await untilWaitingOnRow();
    commit();
    await accepting;
    const res = await lowering;
    expect(issues(res)).toEqual([{ field: 'input.payloadKg', rule: expect.stringContaining('4000 kg') }]);
    expect(await stored(truck.id)).toMatchObject({ payloadKg: 5_000 });
    expect(await invariantViolations(server.db)).toEqual({});
    await done(held, requestId);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });
});
