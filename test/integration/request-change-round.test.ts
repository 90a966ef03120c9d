/**
 * A shipper changes its request whenever no supplier has agreed to it, a matching round running or not. A round that
 * read the old terms writes no offer for it (nor the pooled route it shared); the next round prices the new terms.
 * And a change makes the request new to the suppliers that declined it or gave it back. Driven deterministically, as
 * round-stale-suppliers.test.ts does: the round's read and search as the service does them, the change, its write.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offers, shipmentRequests } from '../../db/schema';
import { DIALECT } from '../../db/dialect';
import { transact } from '../../db/transaction';
import { getComplex } from '../../src/complexes/get-complex';
import { cancelShipmentRequest } from '../../src/demand/cancel-shipment-request';
import { toGlobalId } from '../../src/global-id';
import { amendRequest } from '../../src/market/amend-request';
import type { Offer } from '../../src/matching/engine';
import { kstDayOf, kstTimeOn } from '../../src/matching/engine/days';
import { recordOffers } from '../../src/matching/record-offers';
import { recordUnserved } from '../../src/matching/record-unserved';
import { loadRoundInput } from '../../src/matching/round-input';
import { engineConfig, runMatchingRound } from '../../src/matching/run-round';
import { retireVehicle } from '../../src/supply/vehicles/retire-vehicle';
import { ctxAs, round, shipment, vehicle } from '../helpers/bookings-fixtures';
import { gql } from '../helpers/clients';
import { runRound } from '../helpers/matching-fixtures';
import { roundSteps } from '../helpers/round-steps';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const UPDATE = 'mutation ($input: ShipmentRequestUpdateInput!) { shipmentRequestUpdate(input: $input) { shipmentRequest { status } } }';
const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { bookings { id } } }';
const GIVE_BACK = 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "truck broke down", idempotencyKey: $key }) { bookings { status } } }';
const DECLINE = 'mutation ($id: ID!) { offerDecline(input: { offerId: $id, reason: "no driver that day" }) { offer { status } } }';

describe("a request changed while a round prices it, and its suppliers' declines", () => {
  const tmp = tempDir();
  let server: TestServer;
  const as = (role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR') => ctxAs(server.db, server.keyOf(role));
  // Tomorrow between 10:00 and 16:00 in Korea, to Suwon.
  const day = kstDayOf(Date.now()) + 1;
  const post = () =>
    shipment(as('MANUFACTURER'), {
      origin: { lat: 37.325, lng: 126.75 },
      destination: { lat: 37.2636, lng: 127.0286 },
      pallets: 2,
      weightKg: 800,
      pickupWindow: { from: new Date(kstTimeOn(day, '10:00')), until: new Date(kstTimeOn(day, '16:00')) },
      deliverBy: new Date(kstTimeOn(day + 1, '10:00')),
    });
  /** The shipper's change, through the API. */
  const change = async (id: number, changes: Record<string, unknown>) => {
    const { body } = await gql(server.url, UPDATE, { input: { shipmentRequestId: toGlobalId('ShipmentRequest', id), idempotencyKey: randomUUID(), ...changes } }, { apiKey: server.keyOf('MANUFACTURER').apiKey });
    expect(body.errors).toBeUndefined();
  };
  const { search, write } = roundSteps(() => as('OPERATOR'));
  /** The next round, as the service runs it; returns the offers it wrote for `requestId`. */
  const nextRound = async (requestId: number) => {
    const { id } = await runMatchingRound({ ctx: as('OPERATOR'), input: { complexCode: 'BANWOL_SIHWA' } });
    return server.db.select().from(offers).where(and(eq(offers.roundId, id), eq(offers.requestId, requestId))).all();
  };
  const routesOf = (planned: Offer[], requestId: number) => planned.flatMap((o) => (o.kind === 'ROUTE' && o.shares.some((s) => s.requestId === String(requestId)) ? [o] : []));
  const stored = async (id: number) => (await server.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!;
  /** Resolves once a session of the database waits for a row another transaction holds. */
  const untilWaitingOnRow = async () => {
    const client = (server.db as unknown as { $client: { query(sql: string): Promise<{ rows: { n: number }[] }> } }).$client;
    while ((await client.query("select count(*)::int as n from pg_locks where not granted and locktype in ('transactionid', 'tuple')")).rows[0]!.n === 0) await new Promise((r) => setTimeout(r, 20));
  };
  const done = (...ids: number[]) => Promise.all(ids.map((id) => cancelShipmentRequest({ ctx: as('MANUFACTURER'), input: { id, reason: 'test case done' } })));

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'request-change-round.db') });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('writes no offer on the old terms, nor the pooled route it shared; the next round offers it on the new', async () => {
    const truck = await vehicle(as('CARRIER'), { location: { lat: 37.33, lng: 126.75 } });
    const [request, partner] = [await post(), await post()];
    const { input, planned } = await search();
    const old = routesOf(planned, request.id);
    expect(old).toHaveLength(1);
    // Its terms change while the round searches: delivered to Pyeongtaek, not Suwon.
    await change(request.id, { destination: { lat: 36.9921, lng: 127.1129 } });
    const written = await write(input, planned);
    expect(written.filter((o) => o.requestId === request.id)).toEqual([]);
    // The two loads shared one truck; a route's schedule and price split depend on all its shares: none is offered.
    expect(old[0]!.shares.map((s) => Number(s.requestId)).sort()).toEqual([request.id, partner.id].sort());
    expect(written.filter((o) => o.requestId === partner.id)).toEqual([]);
    expect(await stored(request.id)).toMatchObject({ status: 'OPEN', destinationLat: 36.9921 });
    expect(await stored(partner.id)).toMatchObject({ status: 'OPEN' });

    const offered = await nextRound(request.id);
    expect(offered.map((o) => o.kind)).toEqual(['TRANSPORT']);
    // Priced for the new destination: not the kilometres the old plan drove.
    expect(offered[0]!.loadedKm).not.toBe(old[0]!.shares.find((s) => s.requestId === String(request.id))!.loadedKm);
    expect(await stored(request.id)).toMatchObject({ status: 'OFFERED' });
    await done(request.id, partner.id);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  // SQLite writes one transaction at a time, whole: a change and a round's write cannot interleave there.
  it.skipIf(DIALECT !== 'pg')('a round coming to write while a change holds the request waits for it, then skips the request', async () => {
    const truck = await vehicle(as('CARRIER'), { location: { lat: 37.33, lng: 126.75 } });
    const request = await post();
    const { input, planned } = await search();
    expect(routesOf(planned, request.id)).toHaveLength(1);
    // The change written, not committed yet.
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let amended!: () => void;
    const written = new Promise<void>((resolve) => (amended = resolve));
    const { maxPriceKrw, pickupFrom, pickupUntil, deliverBy } = await stored(request.id);
    const changing = transact(server.db, async (tx) => {
      await amendRequest(tx, request.id, { pallets: 3, weightKg: 1_000, maxPriceKrw, pickupFrom, pickupUntil, deliverBy }, ['weight', 'pallets'], new Date());
      amended();
      await held;
    });
    await written;
    const writing = write(input, planned);
    await untilWaitingOnRow();
    commit();
    await changing;
    expect((await writing).filter((o) => o.requestId === request.id)).toEqual([]);
    expect(await stored(request.id)).toMatchObject({ status: 'OPEN', pallets: 3 });
    await done(request.id);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it("writes no reason why the old terms got no offer over the new terms' request", async () => {
    const truck = await vehicle(as('CARRIER'), { location: { lat: 37.33, lng: 126.75 } });
    const request = await post();
    await change(request.id, { maxPriceKrw: 1_000 });
    const ctx = as('OPERATOR');
    const input = await loadRoundInput(ctx, getComplex({ ctx, input: { code: 'BANWOL_SIHWA' } }), new Date());
    const { offers: planned, report } = runRound(input, engineConfig(ctx));
    expect(report.unserved).toContainEqual({ requestId: String(request.id), reason: 'PRICE' });
    // The shipper raises its limit while the round searches: PRICE no longer says why.
    await change(request.id, { maxPriceKrw: 5_000_000 });
    const r = await round(server.db);
    await transact(server.db, async (tx) => {
      await recordOffers(tx, { id: r.roundId, complexId: r.complexId }, input, planned);
      await recordUnserved(tx, input, report.unserved, new Date(input.now));
    });
    expect(await stored(request.id)).toMatchObject({ status: 'OPEN', maxPriceKrw: 5_000_000, unmatchedReason: null });
    await done(request.id);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it('offers a request to the truck whose carrier declined it once its shipper changed it, not before', async () => {
    const truck = await vehicle(as('CARRIER'), { location: { lat: 37.33, lng: 126.75 } });
    const request = await post();
    const [first] = (await nextRound(request.id)).filter((o) => o.vehicleId === truck.id);
    expect(first).toBeDefined();
    const declined = await gql(server.url, DECLINE, { id: toGlobalId('Offer', first!.id) }, { apiKey: server.keyOf('CARRIER').apiKey });
    expect(declined.body.errors).toBeUndefined();
    // Its carrier said no to these terms: not on that truck again while they hold.
    expect((await nextRound(request.id)).filter((o) => o.vehicleId === truck.id)).toEqual([]);

    await change(request.id, { pallets: 3, weightKg: 1_000 });
    const again = (await nextRound(request.id)).filter((o) => o.vehicleId === truck.id);
    expect(again).toMatchObject([{ kind: 'TRANSPORT', status: 'PENDING', supplierOrgId: server.keyOf('CARRIER').organisationId }]);
    await done(request.id);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it("keeps a request's offer through a raised price limit; its carrier declining it then is not offered the request again", async () => {
    const truck = await vehicle(as('CARRIER'), { location: { lat: 37.33, lng: 126.75 } });
    const request = await post();
    const offered = await nextRound(request.id);
    expect(offered.map((o) => o.vehicleId)).toEqual([truck.id]);
    await change(request.id, { maxPriceKrw: offered[0]!.priceKrw + 100_000 });
    expect(await stored(request.id)).toMatchObject({ status: 'OFFERED', termsChangedAt: expect.any(Date) });
    const declined = await gql(server.url, DECLINE, { id: toGlobalId('Offer', offered[0]!.id) }, { apiKey: server.keyOf('CARRIER').apiKey });
    expect(declined.body.errors).toBeUndefined();
    // It said no to the offer standing on the new terms: not on that truck again while they hold.
    expect(await stored(request.id)).toMatchObject({ status: 'OPEN' });
    expect((await nextRound(request.id)).filter((o) => o.vehicleId === truck.id)).toEqual([]);
    await done(request.id);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });

  it('offers it again to a truck whose carrier gave its booking back, once its shipper changed it', async () => {
    const truck = await vehicle(as('CARRIER'), { location: { lat: 37.33, lng: 126.75 } });
    const request = await post();
    const [offer] = (await nextRound(request.id)).filter((o) => o.vehicleId === truck.id);
    const carrier = { apiKey: server.keyOf('CARRIER').apiKey };
    const accepted = await gql<{ offerAccept: { bookings: { id: string }[] } }>(server.url, ACCEPT, { id: toGlobalId('Offer', offer!.id), key: randomUUID() }, carrier);
    expect(accepted.body.errors).toBeUndefined();
    const given = await gql(server.url, GIVE_BACK, { id: accepted.body.data!.offerAccept.bookings[0]!.id, key: randomUUID() }, carrier);
    expect(given.body.errors).toBeUndefined();
    const excluded = async () => {
      const ctx = as('OPERATOR');
      return (await loadRoundInput(ctx, getComplex({ ctx, input: { code: 'BANWOL_SIHWA' } }), new Date())).excludedPairs;
    };
    const pair = { requestId: String(request.id), vehicleId: String(truck.id) };
    expect(await excluded()).toContainEqual(pair);

    await change(request.id, { pallets: 3, weightKg: 1_000 });
    expect(await excluded()).not.toContainEqual(pair);
    expect((await nextRound(request.id)).filter((o) => o.vehicleId === truck.id)).toMatchObject([{ kind: 'TRANSPORT', status: 'PENDING' }]);
    await done(request.id);
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
  });
});
