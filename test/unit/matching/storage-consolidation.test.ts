import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../../src/geo/distance';
import { kstDayOf, runRound } from '../../../src/matching/engine/index';
import { baseRequest, CENTRE, H, NOW } from '../../helpers/matching-fixtures';
import type { ConsolidatedOffer, ListingInput, RequestInput, RoundInput, VehicleInput } from '../../../src/matching/engine/index';

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
    const transport = result.offers.find((o) => o.kind === 'TRANSPORT')!;
    expect(transport.loadedKm).toBeCloseTo(haversineKm(r.origin, near.location) * 1.3, 9);
    expect(result.report.totalCostKrw).toBe(transport.priceKrw + 75_000);
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

describe('consolidation through the centre', () => {
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
  const trunk = vehicle('BIG', { vehicleClass: 'T5', payloadKg: 5_000, palletSlots: 10, bodyType: 'WING', baseFeeKrw: 60_000, perKmKrw: 1_600, location: CENTRE.location });

  it('consolidates when cheaper than separate trucks, and splits the cost by pallets x distance', () => {
    const separate = runRound(round({ requests: small, vehicles: [...t1s, trunk] }), { consolidation: { enabled: false } });
    const together = runRound(round({ requests: small, vehicles: [...t1s, trunk] }));
    expect(separate.report.servedCount).toBe(4);
    expect(together.report.servedCount).toBe(4);
    const loads = together.offers.filter((o): o is ConsolidatedOffer => o.kind === 'CONSOLIDATED');
    expect(loads).toHaveLength(1);
    const load = loads[0]!;
    expect(load.vehicleId).toBe('BIG');
    expect([...load.requestIds].sort()).toEqual(['R1', 'R2', 'R3', 'R4']);
    expect(together.report.totalCostKrw).toBeLessThan(separate.report.totalCostKrw);
    expect(load.breakdown.handlingKrw).toBe(8 * 2_000);
    expect(load.shares.reduce((s, x) => s + x.priceKrw, 0)).toBe(load.priceKrw);
    for (const share of load.shares) {
      const ratio = share.priceKrw / load.priceKrw;
      const weight = (share.pallets * share.distanceKm) / load.shares.reduce((s, x) => s + x.pallets * x.distanceKm, 0);
      expect(ratio).toBeCloseTo(weight, 3);
      expect(share.deadheadKm / load.deadheadKm).toBeCloseTo(weight, 3);
      expect(share.loadedKm / load.loadedKm).toBeCloseTo(weight, 3);
      expect(share.baseline.transportCostKrw).toBeGreaterThan(0);
      expect(share.deliverAt).toBeLessThanOrEqual(small.find((r) => r.id === share.requestId)!.deliveryDeadline);
    }
  });

  it('does not send the centre shuttle beyond maxFeederKm', () => {
    // The same loads picked up ~10 km north of the centre (13 road km): a shuttle run there and back is not a feeder.
    const far = small.map((r) => ({ ...r, origin: { lat: r.origin.lat + 0.09, lng: r.origin.lng } }));
    const vehicles = [...far.map((r, k) => vehicle(`F${k + 1}`, { location: { lat: r.origin.lat + 0.001, lng: r.origin.lng } })), trunk];
    expect(runRound(round({ requests: far, vehicles })).offers.filter((o) => o.kind === 'CONSOLIDATED')).toHaveLength(0);
    expect(runRound(round({ requests: far, vehicles }), { consolidation: { maxFeederKm: 40 } }).offers.filter((o) => o.kind === 'CONSOLIDATED')).toHaveLength(1);
  });

  it('does not consolidate when separate trucks are cheaper', () => {
    // A very expensive trunk: separate 1t trucks win.
    const pricey = { ...trunk, baseFeeKrw: 400_000 };
    const result = runRound(round({ requests: small, vehicles: [...t1s, pricey] }));
    expect(result.offers.filter((o) => o.kind === 'CONSOLIDATED')).toHaveLength(0);
    expect(result.report.servedCount).toBe(4);
  });

  it('never puts hazmat with chilled or frozen cargo on one vehicle', () => {
    const mixed = small.map((r, k) => ({ ...r, cargoClass: k % 2 === 0 ? ('HAZMAT' as const) : ('CHILLED' as const) }));
    const reefers = t1s.map((v) => ({ ...v, bodyType: 'REFRIGERATED' as const, hazmatCertified: true }));
    const bigReefer = { ...trunk, bodyType: 'REFRIGERATED' as const, hazmatCertified: true };
    const result = runRound(round({ requests: mixed, vehicles: [...reefers, bigReefer] }));
    expect(result.report.servedCount).toBe(4);
    const classOf = new Map(mixed.map((r) => [r.id, r.cargoClass]));
    for (const offer of result.offers) {
      if (offer.kind !== 'CONSOLIDATED') continue;
      const classes = new Set<string | undefined>(offer.requestIds.map((id) => classOf.get(id)));
      expect(classes.has('HAZMAT') && (classes.has('CHILLED') || classes.has('FROZEN'))).toBe(false);
    }
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
    expect(offer.kind === 'TRANSPORT' && offer.baseline).toEqual({ transportCostKrw: result.report.baselineCostKrw, co2Kg: result.report.baselineCo2Kg, deadheadKm: loaded, loadedKm: loaded });
    expect(result.report.totalCostKrw).toBe(offer.priceKrw);
    expect(result.report.savingsPct).toBeCloseTo(((result.report.baselineCostKrw - offer.priceKrw) / result.report.baselineCostKrw) * 100, 2);
    expect(result.report.emptyKmShare).toBeCloseTo(offer.deadheadKm / (offer.deadheadKm + offer.loadedKm), 3);
  });
});
