import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, complexes, listingAvailability, offers, routeStops, routes, shipmentRequests, warehouseListings } from '../../db/schema';
import { cancelShipmentRequest } from '../../src/demand/cancel-shipment-request';
import { createListing } from '../../src/supply/listings/create-listing';
import { addDays, seoulDay, seoulMidnight } from '../../src/supply/listings/seoul-day';
import { haversineKm } from '../../src/geo/distance';
import { cellsOf } from '../../src/geo/h3';
import { toGlobalId } from '../../src/global-id';
import { kstDayOf, kstTimeOn } from '../../src/matching/engine/days';
import { BANWOL, ctxAs, HOUR, listing, makeOffers, round, shipment, vehicle } from '../helpers/bookings-fixtures';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const INSIGHTS = `query ($code: String!, $from: DateTime!, $to: DateTime!) {
  complexInsights(complexCode: $code, from: $from, to: $to) {
    complexCode from to
    storage { idlePalletDays bookedPalletDays utilisationPct }
    requests { posted served expired cancelled waiting servedPct medianMinutesToBooking consolidated consolidationRatePct }
    transport { costKrw baselineCostKrw savingsPct deadheadKm loadedKm emptyKmSharePct baselineDeadheadKm baselineLoadedKm baselineEmptyKmSharePct co2Kg baselineCo2Kg co2SavingsPct }
    trips { trips requests requestsPerTrip stopsPerRoute loadFactorKgPeakPct loadFactorPalletsPeakPct loadFactorKgKmPct loadFactorPalletsKmPct }
    rounds { rounds assignmentCostKrw pooledCostKrw pooledVsAssignmentPct }
    days { day posted served costKrw baselineCostKrw deadheadKm loadedKm baselineDeadheadKm }
  }
}`;
const ROUTES = `query { routes(first: 50) { edges { node { status priceKrw vehicleId shares { requestId }
  stopPlaces stops { location { lat lng } kgAfter palletsAfter } } } } }`;
const VEHICLE = 'query ($id: ID!) { node(id: $id) { ... on Vehicle { payloadKg palletSlots } } }';
const ROUNDS = '{ matchingRounds(complexCode: "BANWOL_SIHWA", first: 50) { edges { node { report { assignmentCostKrw } } } } }';
const HEATMAP = `query ($code: String!, $res: Int!, $layer: HeatmapLayer!) { heatmap(complexCode: $code, resolution: $res, layer: $layer) { complexCode resolution layer cells { cell count pallets } } }`;
const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id status } } }';
const PENDING = 'query { offers(filter: { status: PENDING }, first: 100) { edges { node { id routeId } } } }';
const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { offer { status } } }';

interface Insights {
  storage: { idlePalletDays: number; bookedPalletDays: number; utilisationPct: number };
  requests: Record<string, number | null>;
  transport: Record<'costKrw' | 'baselineCostKrw' | 'savingsPct' | 'deadheadKm' | 'loadedKm' | 'emptyKmSharePct' | 'baselineDeadheadKm' | 'baselineLoadedKm' | 'baselineEmptyKmSharePct' | 'co2Kg' | 'baselineCo2Kg' | 'co2SavingsPct', number>;
  trips: Record<string, number>;
  rounds: Record<string, number>;
  days: { day: string; posted: number; served: number; costKrw: number; baselineCostKrw: number }[];
}
interface RouteNode {
  status: string;
  priceKrw: number;
  vehicleId: string;
  shares: unknown[];
  stopPlaces: number;
  stops: { location: { lat: number; lng: number }; kgAfter: number; palletsAfter: number }[];
}
interface HeatmapResult {
  heatmap: { cells: { cell: string; count: number; pallets: number }[] };
}

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
const startedAt = new Date();
const period = { code: 'BANWOL_SIHWA', from: new Date(startedAt.getTime() - HOUR).toISOString(), to: new Date(startedAt.getTime() + 40 * 24 * HOUR).toISOString() };
const keyOf = (role: 'MANUFACTURER' | 'CARRIER' | 'WAREHOUSE_OWNER' | 'OPERATOR' | 'ADMIN', complex = 'BANWOL_SIHWA') => server.keyOf(role, complex).apiKey;
const insights = (apiKey?: string, vars: Record<string, string> = period) => gql<{ complexInsights: Insights }>(server.url, INSIGHTS, vars, { apiKey });

/** Accepts every offer pending for the organisation of `apiKey` (a route once: its first share books them all). */
async function acceptAll(apiKey: string) {
  const pending = await gql<{ offers: { edges: { node: { id: string; routeId: string | null } }[] } }>(server.url, PENDING, {}, { apiKey });
  const routes = new Set<string>();
  for (const { node } of pending.body.data!.offers.edges) {
    if (node.routeId && routes.has(node.routeId)) continue;
    if (node.routeId) routes.add(node.routeId);
    const res = await gql(server.url, ACCEPT, { id: node.id, key: randomUUID() }, { apiKey });
    expect(res.body.errors).toBeUndefined();
  }
}

beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'insights.db') });
  const carrier = ctxAs(server.db, server.keyOf('CARRIER'));
  const shipper = ctxAs(server.db, server.keyOf('MANUFACTURER'));
  await vehicle(carrier);
  await vehicle(carrier, { location: { lat: 37.31, lng: 126.73 } });
  await listing(ctxAs(server.db, server.keyOf('WAREHOUSE_OWNER')), 20);
  await shipment(shipper);
  // Picked up tomorrow morning in Korea, so its drop meets the warehouse's opening hours whenever the suite runs.
  const tomorrow = kstDayOf(Date.now()) + 1;
  const morning = { from: new Date(kstTimeOn(tomorrow, '09:00')), until: new Date(kstTimeOn(tomorrow, '12:00')) };
  await shipment(shipper, { pallets: 2, weightKg: 800, storage: { pallets: 2, days: 3, storageClass: 'AMBIENT' }, pickupWindow: morning, deliverBy: new Date(kstTimeOn(tomorrow, '20:00')) });
  const cancelled = await shipment(shipper);
  await cancelShipmentRequest({ ctx: shipper, input: { id: cancelled.id, reason: 'order withdrawn by the customer' } });

  expect((await gql(server.url, RUN, {}, { apiKey: keyOf('OPERATOR') })).body.errors).toBeUndefined();
  await acceptAll(keyOf('CARRIER'));
  await acceptAll(keyOf('WAREHOUSE_OWNER'));
});
afterAll(async () => {
  await server.stop();
  tmp.remove();
});

describe('complexInsights', () => {
  it('counts what became of the requests posted in the period', async () => {
    const { body } = await insights(keyOf('OPERATOR'));
    expect(body.errors).toBeUndefined();
    const { requests, days } = body.data!.complexInsights;
    expect(requests).toMatchObject({ posted: 3, served: 2, cancelled: 1, expired: 0, waiting: 0, servedPct: 66.67 });
    expect(requests.medianMinutesToBooking).toBeGreaterThanOrEqual(0);
    expect(requests.medianMinutesToBooking).toBeLessThan(5);
    expect(days.reduce((n, d) => n + d.posted, 0)).toBe(3);
    expect(days.reduce((n, d) => n + d.served, 0)).toBe(2);
    expect(days.length).toBeGreaterThanOrEqual(40);
  });

  it('reports what the booked routes carried and what the round planned, recomputed here from the routes as the API shows them', async () => {
    const operator = keyOf('OPERATOR');
    const { trips, rounds } = (await insights(operator)).body.data!.complexInsights;
    const all = (await gql<{ routes: { edges: { node: RouteNode }[] } }>(server.url, ROUTES, {}, { apiKey: operator })).body.data!.routes.edges.map((e) => e.node);
    const booked = all.filter((r) => r.status === 'ACCEPTED');
    expect(booked.length).toBeGreaterThan(0);
    let [requests, stops, peakKg, peakPallets, kgKm, payloadKm, palletKm, slotKm] = [0, 0, 0, 0, 0, 0, 0, 0];
    for (const route of booked) {
      const vehicle = (await gql<{ node: { payloadKg: number; palletSlots: number } }>(server.url, VEHICLE, { id: route.vehicleId }, { apiKey: operator })).body.data!.node;
      requests += route.shares.length;
      stops += route.stopPlaces;
      peakKg += Math.max(...route.stops.map((s) => s.kgAfter)) / vehicle.payloadKg;
      peakPallets += Math.max(...route.stops.map((s) => s.palletsAfter)) / vehicle.palletSlots;
      for (let k = 1; k < route.stops.length; k++) {
        const [a, b] = [route.stops[k - 1]!, route.stops[k]!];
        const km = haversineKm(a.location, b.location);
        kgKm += a.kgAfter * km;
        palletKm += a.palletsAfter * km;
        payloadKm += vehicle.payloadKg * km;
        slotKm += vehicle.palletSlots * km;
      }
    }
    const pct = (part: number, whole: number) => Math.round((part / whole) * 10_000) / 100;
    expect(trips).toEqual({
      trips: booked.length,
      requests,
      requestsPerTrip: Math.round((requests / booked.length) * 100) / 100,
      stopsPerRoute: Math.round((stops / booked.length) * 100) / 100,
      loadFactorKgPeakPct: pct(peakKg, booked.length),
      loadFactorPalletsPeakPct: pct(peakPallets, booked.length),
      loadFactorKgKmPct: pct(kgKm, payloadKm),
      loadFactorPalletsKmPct: pct(palletKm, slotKm),
    });
    expect(trips.requests).toBe(2);
    expect(trips.loadFactorKgKmPct).toBeGreaterThan(0);

    const reports = (await gql<{ matchingRounds: { edges: { node: { report: { assignmentCostKrw: number } } }[] } }>(server.url, ROUNDS, {}, { apiKey: operator })).body.data!.matchingRounds.edges;
    const assignmentCostKrw = reports.reduce((sum, e) => sum + e.node.report.assignmentCostKrw, 0);
    const pooledCostKrw = all.reduce((sum, r) => sum + r.priceKrw, 0);
    expect(assignmentCostKrw).toBeGreaterThan(0);
    expect(rounds).toEqual({ rounds: 1, assignmentCostKrw, pooledCostKrw, pooledVsAssignmentPct: pct(assignmentCostKrw - pooledCostKrw, assignmentCostKrw) });
    expect(pooledCostKrw).toBeLessThanOrEqual(assignmentCostKrw);
  });

  it('counts a booked route in the period where its earliest request was posted', async () => {
    const before = (await insights(keyOf('OPERATOR'))).body.data!.complexInsights.trips;
    // A period starting after the requests were posted holds none of their routes.
    const later = { ...period, from: new Date(Date.now() + 60_000).toISOString() };
    expect((await insights(keyOf('OPERATOR'), later)).body.data!.complexInsights.trips).toMatchObject({ trips: 0, requests: 0, requestsPerTrip: 0, loadFactorKgKmPct: 0 });
    expect(before.trips).toBeGreaterThan(0);
  });

  it('compares the booked prices with the baseline stored on each booked offer', async () => {
    const { transport, days } = (await insights(keyOf('OPERATOR'))).body.data!.complexInsights;
    const held = await server.db
      .select({ kind: bookings.kind, price: bookings.priceKrw, offer: offers })
      .from(bookings)
      .innerJoin(offers, eq(offers.id, bookings.offerId))
      .where(inArray(bookings.status, ['CONFIRMED', 'COMPLETED']))
      .all();
    const legs = held.filter((b) => b.kind !== 'STORAGE');
    const storageKrw = held.filter((b) => b.kind === 'STORAGE').reduce((s, b) => s + b.price, 0);
    expect(storageKrw).toBeGreaterThan(0);
    const sum = (pick: (b: (typeof legs)[number]) => number) => legs.reduce((s, b) => s + pick(b), 0);
    const cost = sum((b) => b.price) + storageKrw;
    const baseline = sum((b) => b.offer.baselineKrw!) + storageKrw;
    expect(transport.costKrw).toBe(cost);
    expect(transport.baselineCostKrw).toBe(baseline);
    expect(transport.savingsPct).toBeCloseTo(((baseline - cost) / baseline) * 100, 1);
    expect(transport.deadheadKm).toBeCloseTo(sum((b) => b.offer.deadheadKm), 0);
    expect(transport.loadedKm).toBeCloseTo(sum((b) => b.offer.loadedKm), 0);
    expect(transport.emptyKmSharePct).toBeCloseTo((transport.deadheadKm / (transport.deadheadKm + transport.loadedKm)) * 100, 1);
    // The baseline truck drives back empty: as many empty km as loaded ones.
    expect(transport.baselineDeadheadKm).toBe(transport.baselineLoadedKm);
    expect(transport.baselineEmptyKmSharePct).toBe(50);
    // A bigger truck than the baseline's smallest adequate one may emit more even without the empty return.
    expect(transport.co2Kg).toBeCloseTo(sum((b) => b.offer.co2Kg), 0);
    expect(transport.baselineCo2Kg).toBeCloseTo(sum((b) => b.offer.baselineCo2Kg!), 0);
    expect(days.reduce((s, d) => s + d.costKrw, 0)).toBe(cost);
    expect(days.reduce((s, d) => s + d.baselineCostKrw, 0)).toBe(baseline);
  });

  it('reports idle pallet-days listed against those booked', async () => {
    const { storage } = (await insights(keyOf('OPERATOR'))).body.data!.complexInsights;
    // 20 idle pallets for 31 days, all inside the period; the storage booking holds 2 pallets for 3 days.
    expect(storage).toEqual({ idlePalletDays: 620, bookedPalletDays: 6, utilisationPct: 0.97 });
  });

  it('is for the complex operators and admins only', async () => {
    expect((await insights(keyOf('ADMIN'))).body.data?.complexInsights.requests.posted).toBe(3);
    expect((await insights(keyOf('MANUFACTURER'))).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await insights(keyOf('OPERATOR', 'CHANGWON'))).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await insights()).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a period that ends before it starts or lasts more than 366 days, naming the field', async () => {
    const backwards = await insights(keyOf('OPERATOR'), { ...period, from: period.to, to: period.from });
    expect(backwards.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'to', rule: 'must be after from' }] } });
    const long = await insights(keyOf('OPERATOR'), { ...period, to: new Date(startedAt.getTime() + 400 * 24 * HOUR).toISOString() });
    expect(long.body.errors?.[0]?.message).toContain('to: must be at most 366 days');
  });

  it('refuses a period reaching Asia/Seoul day 9999-12-31, whose next day sorts before it: the walk over its days never ended and froze the service', async () => {
    const rule = 'must be at most 9999-12-30T15:00:00.000Z, the end of the last Asia/Seoul day a period may hold (9999-12-30)';
    for (const to of ['9999-12-31T12:00:00Z', '9999-12-31T23:59:59Z']) {
      const end = await insights(keyOf('OPERATOR'), { ...period, from: '9999-12-30T00:00:00Z', to });
      expect(end.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'to', rule }] } });
    }
    const last = await insights(keyOf('OPERATOR'), { ...period, from: '9999-12-29T15:00:00Z', to: '9999-12-30T15:00:00Z' });
    expect(last.body.data?.complexInsights.days.map((d) => d.day)).toEqual(['9999-12-30']);
  });
});

describe('heatmap', () => {
  const heatmap = (layer: 'SUPPLY' | 'DEMAND', res = 7, apiKey = keyOf('OPERATOR')) => gql<HeatmapResult>(server.url, HEATMAP, { code: 'BANWOL_SIHWA', res, layer }, { apiKey });

  it('puts vehicles and listings in the cells they stand in, with their free pallets', async () => {
    const { body } = await heatmap('SUPPLY', 8);
    expect(body.errors).toBeUndefined();
    const cells = body.data!.heatmap.cells;
    const expected = new Map<string, number>();
    for (const p of [{ lat: 37.33, lng: 126.76 }, { lat: 37.31, lng: 126.73 }, { lat: 37.32, lng: 126.74 }]) expected.set(cellsOf(p).r8, (expected.get(cellsOf(p).r8) ?? 0) + 1);
    expect(new Map(cells.map((c) => [c.cell, c.count]))).toEqual(expected);
    const listingCell = cells.find((c) => c.cell === cellsOf({ lat: 37.32, lng: 126.74 }).r8)!;
    // A 5-tonne truck carries 10 pallets (vehicle-classes.ts); the listing still has 20 free today (storage starts on the drop day).
    expect(listingCell.pallets).toBeGreaterThanOrEqual(18);
  });

  it('counts a listing only while a window of idle space covers today', async () => {
    const cell = cellsOf({ lat: 37.32, lng: 126.74 }).r8;
    const countIn = async () => (await heatmap('SUPPLY', 8)).body.data!.heatmap.cells.find((c) => c.cell === cell)?.count ?? 0;
    const before = await countIn();
    const lapsed = await listing(ctxAs(server.db, server.keyOf('WAREHOUSE_OWNER')), 5);
    expect(await countIn()).toBe(before + 1);
    const monthAgo = (days: number) => new Date(Date.now() - days * 24 * HOUR).toISOString().slice(0, 10);
    await server.db.update(listingAvailability).set({ fromDay: monthAgo(40), toDay: monthAgo(35) }).where(eq(listingAvailability.listingId, lapsed.id)).run();
    expect(await countIn()).toBe(before);
  });

  it('shows waiting demand at its pickup cell and forgets it once booked', async () => {
    const before = (await heatmap('DEMAND')).body.data!.heatmap.cells;
    expect(before).toEqual([]);
    const origin = { lat: BANWOL.lat + 0.01, lng: BANWOL.lng - 0.02 };
    await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')), { origin, pallets: 5, weightKg: 2_000 });
    // Requests store their cell at 5, 7 and 9; at 6 and 8 it is the finest cell's parent.
    for (const res of [5, 6, 7, 8, 9] as const) {
      const after = (await heatmap('DEMAND', res)).body.data!.heatmap.cells;
      expect(after, `resolution ${res}`).toEqual([{ cell: cellsOf(origin)[`r${res}`], count: 1, pallets: 5 }]);
    }
  });

  it('forgets demand whose pickup window has passed before any round marks it expired, as insights count it', async () => {
    const origin = { lat: BANWOL.lat - 0.02, lng: BANWOL.lng + 0.03 };
    const cellOf = async () => (await heatmap('DEMAND', 9)).body.data!.heatmap.cells.find((c) => c.cell === cellsOf(origin).r9);
    const stale = await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')), { origin, pallets: 3, weightKg: 900 });
    expect(await cellOf()).toEqual({ cell: cellsOf(origin).r9, count: 1, pallets: 3 });
    await server.db.update(shipmentRequests).set({ pickupFrom: new Date(Date.now() - 3 * HOUR), pickupUntil: new Date(Date.now() - HOUR) }).where(eq(shipmentRequests.id, stale.id)).run();
    expect(await cellOf()).toBeUndefined();
  });

  it('refuses resolutions that are not stored and callers who do not oversee the complex', async () => {
    const coarse = await heatmap('SUPPLY', 4);
    expect(coarse.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'resolution', rule: 'must be one of 5, 6, 7, 8, 9' }] } });
    expect((await heatmap('SUPPLY', 7, keyOf('CARRIER'))).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

it('stores a baseline with every transport offer the engine writes', async () => {
  const legs = await server.db.select().from(offers).where(eq(offers.kind, 'TRANSPORT')).all();
  expect(legs.length).toBeGreaterThan(0);
  for (const o of legs) expect(o.baselineKrw, toGlobalId('Offer', o.id)).toBeGreaterThan(0);
});

it('counts a request whose pickup window has passed as expired before any round marks it', async () => {
  const waitingBefore = (await insights(keyOf('OPERATOR'))).body.data!.complexInsights.requests;
  const stale = await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
  await server.db.update(shipmentRequests).set({ pickupFrom: new Date(Date.now() - 3 * HOUR), pickupUntil: new Date(Date.now() - HOUR) }).where(eq(shipmentRequests.id, stale.id)).run();
  const after = (await insights(keyOf('OPERATOR'))).body.data!.complexInsights.requests;
  expect(after).toMatchObject({ posted: Number(waitingBefore.posted) + 1, expired: Number(waitingBefore.expired) + 1, waiting: waitingBefore.waiting });
});

it('gives the carrier of a shipment with booked storage the warehouse as its destination', async () => {
  const query = '{ bookings(first: 20) { edges { node { kind shipment { destination { location { lat lng } } pallets } } } } }';
  const res = await gql<{ bookings: { edges: { node: { kind: string; shipment: { pallets: number; destination: { location: { lat: number; lng: number } } } } }[] } }>(server.url, query, {}, { apiKey: keyOf('CARRIER') });
  const toWarehouse = res.body.data!.bookings.edges.map((e) => e.node).find((b) => b.kind !== 'STORAGE' && b.shipment.pallets === 2);
  expect(toWarehouse?.shipment.destination.location).toEqual({ lat: 37.32, lng: 126.74 });
});

describe('a year of history', () => {
  // 2025 in Asia/Seoul, a period of its own: nothing else in this file was posted then.
  const year = { code: 'BANWOL_SIHWA', from: '2025-01-01T00:00:00+09:00', to: '2026-01-01T00:00:00+09:00' };

  it('totals money and pallet-days beyond 32 bits exactly', async () => {
    const carrier = server.keyOf('CARRIER');
    const shipper = ctxAs(server.db, server.keyOf('MANUFACTURER'));
    const prices = [2_000_000_000, 2_562_891_033];
    for (const priceKrw of prices) {
      const request = await shipment(shipper);
      const [offerId] = await makeOffers(server.db, [{ round: await round(server.db), requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: carrier.organisationId, vehicleId: (await vehicle(ctxAs(server.db, carrier))).id, priceKrw }]);
      const accepted = await gql(server.url, ACCEPT, { id: toGlobalId('Offer', offerId!), key: randomUUID() }, { apiKey: carrier.apiKey });
      expect(accepted.body.errors).toBeUndefined();
      await server.db.update(offers).set({ baselineKrw: 3_000_000_000 }).where(eq(offers.id, offerId!)).run();
      await server.db.update(shipmentRequests).set({ createdAt: new Date('2025-06-01T09:00:00+09:00') }).where(eq(shipmentRequests.id, request.id)).run();
    }
    const complexId = (await server.db.select({ id: complexes.id }).from(complexes).where(eq(complexes.code, 'BANWOL_SIHWA')).get())!.id;
    const listingId = (await server.db.select({ id: warehouseListings.id }).from(warehouseListings).where(eq(warehouseListings.complexId, complexId)).get())!.id;
    await server.db.insert(listingAvailability).values({ listingId, fromDay: '2025-01-01', toDay: '2025-12-31', idlePallets: 10_000_000 }).run();

    const { body } = await insights(keyOf('OPERATOR'), year);
    expect(body.errors).toBeUndefined();
    const { requests, transport, storage, days } = body.data!.complexInsights;
    expect(requests).toMatchObject({ posted: 2, served: 2 });
    expect(transport).toMatchObject({ costKrw: 4_562_891_033, baselineCostKrw: 6_000_000_000, savingsPct: 23.95 });
    expect(days).toHaveLength(365);
    expect(days.find((d) => d.day === '2025-06-01')).toMatchObject({ posted: 2, served: 2, costKrw: 4_562_891_033, baselineCostKrw: 6_000_000_000 });
    expect(storage).toEqual({ idlePalletDays: 3_650_000_000, bookedPalletDays: 0, utilisationPct: 0 });
  });
});

/** Two loads of the demo shipper booked together on one route of the demo carrier, as a round would have pooled them. */
async function bookedTogether() {
  const carrier = server.keyOf('CARRIER');
  const shipper = ctxAs(server.db, server.keyOf('MANUFACTURER'));
  const truck = await vehicle(ctxAs(server.db, carrier));
  const r = await round(server.db);
  const route = (await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId: truck.id, priceKrw: 400_000, startAt: new Date(Date.now() + 30 * HOUR), endAt: new Date(Date.now() + 34 * HOUR) }).returning().get())!;
  const loads = [await shipment(shipper, { pallets: 2, weightKg: 600 }), await shipment(shipper, { pallets: 2, weightKg: 600 })];
  const share = { round: r, routeId: route.id, supplierOrgId: carrier.organisationId, vehicleId: truck.id, priceKrw: 200_000, pickupAt: new Date(Date.now() + 31 * HOUR), deliverAt: new Date(Date.now() + 33 * HOUR) };
  const [first] = await makeOffers(server.db, loads.map((l) => ({ ...share, requestId: l.id, shipperOrgId: l.shipperOrgId })));
  expect((await gql(server.url, ACCEPT, { id: toGlobalId('Offer', first!), key: randomUUID() }, { apiKey: carrier.apiKey })).body.errors).toBeUndefined();
  return { route, loads };
}

it("counts as consolidated (혼적) a load that shared its truck with another shipper's, not one shipper's loads together", async () => {
  // 2024 in Asia/Seoul, a period of its own.
  const year = { code: 'BANWOL_SIHWA', from: '2024-01-01T00:00:00+09:00', to: '2025-01-01T00:00:00+09:00' };
  const { route, loads } = await bookedTogether();
  expect(await server.db.select({ id: bookings.id }).from(bookings).where(eq(bookings.routeId, route.id)).all()).toHaveLength(2);
  await server.db.update(shipmentRequests).set({ createdAt: new Date('2024-06-01T09:00:00+09:00') }).where(inArray(shipmentRequests.id, loads.map((l) => l.id))).run();

  const { requests } = (await insights(keyOf('OPERATOR'), year)).body.data!.complexInsights;
  expect(requests).toMatchObject({ posted: 2, served: 2, consolidated: 0, consolidationRatePct: 0 });
});

it('counts a trip\'s stops by place, as the route\'s price and its "N개 정차" do: two loads at one dock are one stop', async () => {
  // 2022 in Asia/Seoul, a period of its own.
  const year = { code: 'BANWOL_SIHWA', from: '2022-01-01T00:00:00+09:00', to: '2023-01-01T00:00:00+09:00' };
  const { route, loads } = await bookedTogether();
  // Both loaded at one dock (their pins 7 m apart) and dropped at one door in Busan: four stop rows, two places.
  const at = (h: number) => new Date(Date.now() + h * HOUR);
  const [a, b] = loads.map((l) => l.id) as [number, number];
  const stop = (seq: number, requestId: number, action: 'PICKUP' | 'DROP', lat: number, lng: number, kgAfter: number, palletsAfter: number) =>
    ({ routeId: route.id, seq, requestId, action, lat, lng, arriveAt: at(30 + seq), startAt: at(30 + seq), departAt: at(30.5 + seq), kgAfter, palletsAfter });
  await server.db.insert(routeStops).values([
    stop(1, a, 'PICKUP', 37.33, 126.76, 600, 2),
    stop(2, b, 'PICKUP', 37.33005, 126.76005, 1_200, 4),
    stop(3, a, 'DROP', 35.1, 129.04, 600, 2),
    stop(4, b, 'DROP', 35.1, 129.04, 0, 0),
  ]).run();
  await server.db.update(shipmentRequests).set({ createdAt: new Date('2022-06-01T09:00:00+09:00') }).where(inArray(shipmentRequests.id, [a, b])).run();

  const { trips } = (await insights(keyOf('OPERATOR'), year)).body.data!.complexInsights;
  expect(trips).toMatchObject({ trips: 1, requests: 2, stopsPerRoute: 2 });
});

it("keeps a withdrawn listing's idle space on the days before its withdrawal: the past does not move, nor rise above 100 %", async () => {
  const owner = server.keyOf('WAREHOUSE_OWNER');
  const today = seoulDay(new Date());
  const yesterday = addDays(today, -1);
  // Published yesterday for yesterday only, and booked for it: the stay is over today, so the owner may withdraw.
  const space = await createListing({
    ctx: { ...ctxAs(server.db, owner), now: () => new Date(Date.now() - 24 * HOUR) },
    input: { name: 'Yesterday only', location: { lat: 37.32, lng: 126.74 }, storageClass: 'AMBIENT', totalPallets: 20, availability: [{ from: yesterday, to: yesterday, idlePallets: 5 }], pricePerPalletDayKrw: 1_000, opensAt: '08:00', closesAt: '18:00' },
  });
  const request = await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')), { pallets: 4, storage: { pallets: 4, days: 1, storageClass: 'AMBIENT' } });
  const common = { round: await round(server.db), requestId: request.id, shipperOrgId: request.shipperOrgId };
  const carrier = server.keyOf('CARRIER');
  const [, stay] = await makeOffers(server.db, [
    { ...common, supplierOrgId: carrier.organisationId, vehicleId: (await vehicle(ctxAs(server.db, carrier))).id },
    { ...common, supplierOrgId: owner.organisationId, listingId: space.id, storagePallets: 4, storageFromDay: yesterday, storageToDay: yesterday },
  ]);
  expect((await gql(server.url, ACCEPT, { id: toGlobalId('Offer', stay!), key: randomUUID() }, { apiKey: owner.apiKey })).body.errors).toBeUndefined();
  const yesterdays = async () => (await insights(keyOf('OPERATOR'), { code: 'BANWOL_SIHWA', from: seoulMidnight(yesterday).toISOString(), to: seoulMidnight(today).toISOString() })).body.data!.complexInsights.storage;
  expect(await yesterdays()).toEqual({ idlePalletDays: 5, bookedPalletDays: 4, utilisationPct: 80 });

  const WITHDRAW = 'mutation ($id: ID!) { warehouseListingWithdraw(input: { listingId: $id }) { listing { status } } }';
  const withdrawn = await gql(server.url, WITHDRAW, { id: toGlobalId('WarehouseListing', space.id) }, { apiKey: owner.apiKey });
  expect(withdrawn.body).toEqual({ data: { warehouseListingWithdraw: { listing: { status: 'WITHDRAWN' } } } });
  // Yesterday the space was listed, and 4 of its 5 pallets were stored: withdrawing it today changes neither.
  expect(await yesterdays()).toEqual({ idlePalletDays: 5, bookedPalletDays: 4, utilisationPct: 80 });
});

it('counts a request with one leg booked and another still offered as waiting, not also as served', async () => {
  // 2023 in Asia/Seoul, a period of its own.
  const year = { code: 'BANWOL_SIHWA', from: '2023-01-01T00:00:00+09:00', to: '2024-01-01T00:00:00+09:00' };
  const carrier = server.keyOf('CARRIER');
  const owner = server.keyOf('WAREHOUSE_OWNER');
  const request = await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')), { pallets: 2, storage: { pallets: 2, days: 3, storageClass: 'AMBIENT' } });
  const common = { round: await round(server.db), requestId: request.id, shipperOrgId: request.shipperOrgId };
  const [transport] = await makeOffers(server.db, [
    { ...common, supplierOrgId: carrier.organisationId, vehicleId: (await vehicle(ctxAs(server.db, carrier))).id },
    { ...common, supplierOrgId: owner.organisationId, listingId: (await listing(ctxAs(server.db, owner), 10)).id, storagePallets: 2 },
  ]);
  // The truck is booked; the warehouse has not answered yet, so the request is still OFFERED.
  expect((await gql(server.url, ACCEPT, { id: toGlobalId('Offer', transport!), key: randomUUID() }, { apiKey: carrier.apiKey })).body.errors).toBeUndefined();
  expect((await server.db.select({ status: shipmentRequests.status }).from(shipmentRequests).where(eq(shipmentRequests.id, request.id)).get())!.status).toBe('OFFERED');
  await server.db.update(shipmentRequests).set({ createdAt: new Date('2023-06-01T09:00:00+09:00') }).where(eq(shipmentRequests.id, request.id)).run();

  const { requests, transport: money } = (await insights(keyOf('OPERATOR'), year)).body.data!.complexInsights;
  expect(requests).toMatchObject({ posted: 1, served: 0, expired: 0, cancelled: 0, waiting: 1 });
  expect(money).toMatchObject({ costKrw: 0, baselineCostKrw: 0 });
});
