import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../../src/geo/distance';
import { kstDayOf } from '../../../src/matching/engine/index';
import { baseRequest, CENTRE, H, NOW, runRound } from '../../helpers/matching-fixtures';
import type { ListingInput, RequestInput, RouteOffer, RoundInput, VehicleInput } from '../../../src/matching/engine/index';

const TODAY = kstDayOf(NOW);

const request = (id: string, over: Partial<RequestInput> = {}): RequestInput =>
  baseRequest({ id, shipperOrgId: `S-${id}`, deliveryDeadline: NOW + 10 * H, ...over });

const vehicle = (id: string, over: Partial<VehicleInput> = {}): VehicleInput => ({
  id,
  carrierOrgId: `K-${id}`,
  vehicleClass: 'T1',
  payloadKg: 1_000,
  palletSlots: 2,
  bodyType: 'CARGO',
  hazmatCertified: false,
  location: { lat: 37.322, lng: 126.742 },
  availability: [{ start: NOW, end: NOW + 14 * H }],
  baseFeeKrw: 25_000,
  perKmKrw: 1_000,
  ...over,
});

const listing = (id: string, over: Partial<ListingInput> = {}): ListingInput => ({
  id,
  ownerOrgId: `O-${id}`,
  location: { lat: 37.33, lng: 126.76 },
  storageClass: 'AMBIENT',
  availability: [{ fromDay: TODAY, toDay: TODAY + 60, idlePallets: 50 }],
  pricePerPalletDayKrw: 700,
  minDays: 1,
  ...over,
});

const round = (over: Partial<RoundInput>): RoundInput => ({ centre: CENTRE, requests: [], vehicles: [], listings: [], now: NOW, ...over });
const storageNeed = { pallets: 10, days: 10, storageClass: 'AMBIENT' as const, splitAllowed: false };

describe('storage legs', () => {
  it('chooses the cheapest listing counting the transport to it', () => {
    const r = request('R1', { weightKg: 2_000, pallets: 10, storage: storageNeed });
    const truck = vehicle('V1', { vehicleClass: 'T5', payloadKg: 5_000, palletSlots: 10, perKmKrw: 1_600, baseFeeKrw: 60_000 });
    // Far is 50 KRW/pallet-day cheaper (5,000 KRW over the stay) but ~40 road km further (~64,000 KRW at 5t rates).
    const near = listing('NEAR', { location: { lat: 37.33, lng: 126.745 }, pricePerPalletDayKrw: 750 });
    const far = listing('FAR', { location: { lat: 37.55, lng: 126.75 }, pricePerPalletDayKrw: 700 });
    const result = runRound(round({ requests: [r], vehicles: [truck], listings: [far, near] }));
    const storage = result.offers.filter((o) => o.kind === 'STORAGE');
    expect(storage).toHaveLength(1);
    expect(storage[0]).toMatchObject({ listingId: 'NEAR', pallets: 10, fromDay: TODAY, toDay: TODAY + 9, priceKrw: 10 * 10 * 750 });
    const transport = result.offers.find((o) => o.kind === 'ROUTE')!;
    expect(transport.loadedKm).toBeCloseTo(haversineKm(r.origin, near.location) * 1.3, 9);
    expect(result.report.totalCostKrw).toBe(transport.priceKrw + 75_000);
  });

  it('unloads only the stored pallets at the warehouse and takes the rest on to the destination', () => {
    const destination = { lat: 37.4, lng: 126.8 };
    const r = request('R1', { weightKg: 2_000, pallets: 10, destination, storage: { ...storageNeed, pallets: 6 } });
    const truck = vehicle('V1', { vehicleClass: 'T5', payloadKg: 5_000, palletSlots: 10, perKmKrw: 1_600, baseFeeKrw: 60_000, perStopFeeKrw: 24_000 });
    const w = listing('W', { availability: [{ fromDay: TODAY, toDay: TODAY + 60, idlePallets: 6 }] });
    const result = runRound(round({ requests: [r], vehicles: [truck], listings: [w] }));
    expect(result.offers.filter((o) => o.kind === 'STORAGE')).toEqual([expect.objectContaining({ listingId: 'W', pallets: 6 })]);
    const route = result.offers.find((o): o is RouteOffer => o.kind === 'ROUTE')!;
    // The warehouse takes the 6 pallets it was booked for, never the 4 bound for the destination.
    expect(route.stops.map((s) => [s.action, s.location, s.palletsAfter, s.kgAfter])).toEqual([
      ['PICKUP', r.origin, 10, 2_000],
      ['DROP', w.location, 4, 800],
      ['DROP', destination, 0, 0],
    ]);
    expect(route.loadedKm).toBeCloseTo((haversineKm(r.origin, w.location) + haversineKm(w.location, destination)) * 1.3, 9);
    expect(route.breakdown.stopsKrw).toBe(24_000);
  });

  it('refuses the wrong class, uncovered dates, too few days and full listings; splits only when allowed', () => {
    const r = (over: Partial<RequestInput>) => request('R1', { weightKg: 2_000, pallets: 10, storage: storageNeed, ...over });
    const truck = vehicle('V1', { vehicleClass: 'T5', payloadKg: 5_000, palletSlots: 10 });
    const served = (requests: RequestInput[], listings: ListingInput[]) => runRound(round({ requests, vehicles: [truck], listings })).report.servedCount;
    expect(served([r({})], [listing('W', { storageClass: 'CHILLED' })])).toBe(0);
    expect(served([r({})], [listing('W', { availability: [{ fromDay: TODAY, toDay: TODAY + 5, idlePallets: 50 }] })])).toBe(0);
    expect(served([r({})], [listing('W', { minDays: 11 })])).toBe(0);
    expect(served([r({})], [listing('W', { availability: [{ fromDay: TODAY, toDay: TODAY + 60, idlePallets: 9 }] })])).toBe(0);
    expect(served([r({})], [listing('W')])).toBe(1);

    const halves = [listing('A', { availability: [{ fromDay: TODAY, toDay: TODAY + 60, idlePallets: 6 }] }), listing('B', { location: { lat: 37.335, lng: 126.77 }, availability: [{ fromDay: TODAY, toDay: TODAY + 60, idlePallets: 6 }] })];
    expect(served([r({})], halves)).toBe(1 - 1);
    const split = runRound(round({ requests: [r({ storage: { ...storageNeed, splitAllowed: true } })], vehicles: [truck], listings: halves }));
    const parts = split.offers.filter((o) => o.kind === 'STORAGE');
    expect(parts.map((p) => (p.kind === 'STORAGE' ? p.pallets : 0)).sort()).toEqual([4, 6]);
  });

  it('never promises more pallets on a day than a listing has idle', () => {
    const requests = [1, 2, 3].map((k) => request(`R${k}`, { weightKg: 2_000, pallets: 10, storage: storageNeed }));
    const trucks = [1, 2, 3].map((k) => vehicle(`V${k}`, { vehicleClass: 'T5', payloadKg: 5_000, palletSlots: 10 }));
    const result = runRound(round({ requests, vehicles: trucks, listings: [listing('W', { availability: [{ fromDay: TODAY, toDay: TODAY + 60, idlePallets: 25 }] })] }));
    expect(result.offers.filter((o) => o.kind === 'STORAGE')).toHaveLength(2);
    expect(result.report.servedCount).toBe(2);
  });
});

describe('pooled routes (혼적)', () => {
  // Four 2-pallet loads from the complex to the same part of Seoul; four 1t trucks next to the origins and one
  // 5t wing at the centre.
  const destinations = [
    { lat: 37.566, lng: 126.978 },
    { lat: 37.57, lng: 126.99 },
    { lat: 37.56, lng: 126.97 },
    { lat: 37.575, lng: 126.985 },
  ];
  const small = destinations.map((destination, k) => request(`R${k + 1}`, { destination, origin: { lat: 37.32 + k * 0.004, lng: 126.74 } }));
  const t1s = small.map((r, k) => vehicle(`T${k + 1}`, { location: { lat: r.origin.lat + 0.001, lng: r.origin.lng } }));
  const big = vehicle('BIG', { vehicleClass: 'T5', payloadKg: 5_000, palletSlots: 10, bodyType: 'WING', baseFeeKrw: 60_000, perKmKrw: 1_600, location: CENTRE.location });
  const routesOf = (offers: ReturnType<typeof runRound>['offers']) => offers.filter((o): o is RouteOffer => o.kind === 'ROUTE');

  it('puts loads heading the same way on one truck when that is cheaper, and splits its price in proportion to what each would pay alone', () => {
    const result = runRound(round({ requests: small, vehicles: [...t1s, big] }));
    expect(result.report.servedCount).toBe(4);
    const [route, ...others] = routesOf(result.offers);
    expect(others).toHaveLength(0);
    expect(route!.vehicleId).toBe('BIG');
    expect(route!.stops).toHaveLength(8);
    expect(route!.breakdown.stopsKrw).toBe(6 * 10_000);
    expect(result.report.totalCostKrw).toBeLessThan(result.report.assignmentCostKrw);
    expect(route!.shares.reduce((s, x) => s + x.priceKrw, 0)).toBe(route!.priceKrw);
    const alone = route!.shares.reduce((s, x) => s + x.standaloneKrw, 0);
    for (const share of route!.shares) {
      // Everyone saves the same share of its stand-alone price (up to the won dropped from each share).
      expect(Math.abs(share.priceKrw - (route!.priceKrw * share.standaloneKrw) / alone)).toBeLessThan(1 + route!.shares.length);
      expect(share.priceKrw).toBeLessThanOrEqual(share.standaloneKrw);
      expect(share.deadheadKm / route!.deadheadKm).toBeCloseTo(share.priceKrw / route!.priceKrw, 6);
      expect(share.baseline.transportCostKrw).toBeGreaterThan(0);
      expect(share.deliverAt).toBeLessThanOrEqual(small.find((r) => r.id === share.requestId)!.deliveryDeadline);
    }
  });

  it('keeps trucks apart when the extra stops cost more than sharing saves', () => {
    const dear = runRound(round({ requests: small, vehicles: [...t1s, { ...big, perStopFeeKrw: 400_000 }] }));
    expect(dear.report.servedCount).toBe(4);
    expect(dear.report.pooledRoutes).toBe(0);
    expect(routesOf(dear.offers)).toHaveLength(4);
  });

  it('never puts hazmat with chilled or frozen cargo on one vehicle; oversize pieces share an open deck, never with hazmat', () => {
    const mixed = small.map((r, k) => ({ ...r, cargoClass: k % 2 === 0 ? ('HAZMAT' as const) : ('CHILLED' as const) }));
    const reefers = t1s.map((v) => ({ ...v, bodyType: 'REFRIGERATED' as const, hazmatCertified: true }));
    const bigReefer = { ...big, bodyType: 'REFRIGERATED' as const, hazmatCertified: true };
    const result = runRound(round({ requests: mixed, vehicles: [...reefers, bigReefer] }));
    expect(result.report.servedCount).toBe(4);
    const classOf = new Map(mixed.map((r) => [r.id, r.cargoClass]));
    for (const route of routesOf(result.offers)) {
      const classes = new Set<string | undefined>(route.shares.map((s) => classOf.get(s.requestId)));
      expect(classes.has('HAZMAT') && (classes.has('CHILLED') || classes.has('FROZEN'))).toBe(false);
    }
    // Four small pieces fit the flatbed's floor together, as general loads fit the wing body in the test above.
    const flatbed = { ...big, bodyType: 'FLATBED' as const, hazmatCertified: true };
    const oversize = small.map((r) => ({ ...r, cargoClass: 'OVERSIZE' as const }));
    const flat = runRound(round({ requests: oversize, vehicles: [...t1s, flatbed] }));
    expect(routesOf(flat.offers).map((r) => [r.vehicleId, r.shares.length])).toEqual([['BIG', 4]]);
    // With hazmat drums in the mix, a piece and a drum are never on board together.
    const drums = small.map((r, k) => ({ ...r, cargoClass: k % 2 === 0 ? ('OVERSIZE' as const) : ('HAZMAT' as const) }));
    const certified = runRound(round({ requests: drums, vehicles: [...t1s.map((v) => ({ ...v, hazmatCertified: true })), flatbed] }));
    expect(certified.report.servedCount).toBe(4);
    const cargoOf = new Map(drums.map((r) => [r.id, r.cargoClass]));
    for (const route of routesOf(certified.offers)) {
      const onBoard = new Set<string>();
      for (const stop of route.stops) {
        if (stop.action === 'PICKUP') onBoard.add(cargoOf.get(stop.requestId)!);
        else onBoard.delete(cargoOf.get(stop.requestId)!);
        expect(onBoard.has('OVERSIZE') && onBoard.has('HAZMAT')).toBe(false);
      }
    }
  });

  it('holds a load that would travel alone until it is nearly due, so later requests may share its truck', () => {
    const later = request('LATER', { pickupWindow: { start: NOW + 5 * H, end: NOW + 7 * H }, deliveryDeadline: NOW + 14 * H });
    const soon = request('SOON', { destination: { lat: 35.87, lng: 128.6 }, pickupWindow: { start: NOW + H, end: NOW + 3 * H }, deliveryDeadline: NOW + 14 * H });
    const held = runRound(round({ requests: [later, soon], vehicles: [...t1s, big] }), { holdAloneMinutes: 120 });
    expect(routesOf(held.offers).flatMap((r) => r.shares.map((x) => x.requestId))).toEqual(['SOON']);
    // Its shipper is told it waits (HELD), not that no truck could take it.
    expect(held.report.unserved).toEqual([{ requestId: 'LATER', reason: 'HELD' }]);
    // Without holding, or once it is due within the hold, it is offered alone.
    expect(runRound(round({ requests: [later], vehicles: t1s }), { holdAloneMinutes: 0 }).report.servedCount).toBe(1);
    expect(runRound(round({ requests: [later], vehicles: t1s, now: NOW + 4 * H }), { holdAloneMinutes: 120 }).report.servedCount).toBe(1);
    // A pooled route is offered however far ahead, unless shared routes are held too (holdPooledMinutes).
    const pair = small.slice(0, 2).map((r) => ({ ...r, pickupWindow: { start: NOW + 5 * H, end: NOW + 7 * H }, deliveryDeadline: NOW + 14 * H }));
    const pooled = runRound(round({ requests: pair, vehicles: [big] }), { holdAloneMinutes: 120 });
    expect(routesOf(pooled.offers).map((r) => r.shares.length)).toEqual([2]);
    const heldPair = runRound(round({ requests: pair, vehicles: [big] }), { holdAloneMinutes: 120, holdPooledMinutes: 120 });
    expect(heldPair.offers).toEqual([]);
    expect(heldPair.report.unserved.map((u) => [u.requestId, u.reason]).sort()).toEqual(pair.map((r) => [r.id, 'HELD']).sort());
    const due = runRound(round({ requests: pair, vehicles: [big], now: NOW + 4 * H }), { holdAloneMinutes: 120, holdPooledMinutes: 120 });
    expect(routesOf(due.offers).map((r) => r.shares.length)).toEqual([2]);
  });

  it('waits no longer than it must, and charges waiting past the free allowance', () => {
    // Two loads to the same place, the second ready 3 hours after the first: one truck only if it waits.
    const early = request('E', { destination: destinations[0]!, pickupWindow: { start: NOW, end: NOW + H } });
    const late = request('L', { destination: destinations[0]!, pickupWindow: { start: NOW + 3 * H, end: NOW + 4 * H } });
    const result = runRound(round({ requests: [early, late], vehicles: [big] }));
    const [route] = routesOf(result.offers);
    const waited = route!.stops.reduce((sum, s) => sum + Math.max(0, s.startAt - s.arriveAt - 30 * 60_000), 0);
    expect(route!.breakdown.waitingKrw).toBe(Math.round((waited / 3_600_000) * 20_000));
  });
});

describe('baseline', () => {
  it('is the smallest adequate dedicated truck returning empty', () => {
    const r = request('R1');
    const result = runRound(round({ requests: [r], vehicles: [vehicle('V1')] }));
    const loaded = haversineKm(r.origin, r.destination) * 1.3;
    expect(result.report.baselineCostKrw).toBe(25_000 + Math.round(1_000 * 2 * loaded));
    expect(result.report.baselineCo2Kg).toBeCloseTo((loaded * 250 + loaded * 200) / 1000, 2);
    const offer = result.offers[0]!;
    expect(offer.kind === 'ROUTE' && offer.shares[0]!.baseline).toEqual({ transportCostKrw: result.report.baselineCostKrw, co2Kg: result.report.baselineCo2Kg, deadheadKm: loaded, loadedKm: loaded });
    expect(result.report.totalCostKrw).toBe(offer.priceKrw);
    expect(result.report.savingsPct).toBeCloseTo(((result.report.baselineCostKrw - offer.priceKrw) / result.report.baselineCostKrw) * 100, 2);
    expect(result.report.emptyKmShare).toBeCloseTo(offer.deadheadKm / (offer.deadheadKm + offer.loadedKm), 3);
  });
});
