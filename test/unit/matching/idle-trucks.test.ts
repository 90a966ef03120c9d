/**
 * Which idle trucks the pooled search sees: trucks wait where they delivered, so the one that can carry two loads
 * together may stand at their pickup, far from the complex, behind dozens of idle trucks nearer the centre.
 */
import { describe, expect, it } from 'vitest';
import { runRound, type RouteOffer, type VehicleInput } from '../../../src/matching/engine/index';
import { baseRequest, CENTRE, H, NOW } from '../../helpers/matching-fixtures';

// A partner site in Seoul, about 32 km from the centre.
const SITE = { lat: 37.56, lng: 126.97 };
const PLANT = { lat: 37.32, lng: 126.74 };

const truck = (id: string, over: Partial<VehicleInput> = {}): VehicleInput => ({
  id,
  carrierOrgId: `K-${id}`,
  vehicleClass: 'T5',
  payloadKg: 5_000,
  palletSlots: 10,
  bodyType: 'WING',
  hazmatCertified: false,
  location: CENTRE.location,
  availability: [{ start: NOW, end: NOW + 14 * H }],
  baseFeeKrw: 60_000,
  perKmKrw: 1_600,
  ...over,
});
const oneTon = (id: string) => truck(id, { vehicleClass: 'T1', payloadKg: 1_000, palletSlots: 2, baseFeeKrw: 25_000, perKmKrw: 1_000, location: SITE });

describe('idle trucks of a pooled round', () => {
  it('pools two loads on the 5-ton truck waiting at their pickup although 60 idle trucks stand nearer the centre', () => {
    // Each load fills a 1-ton truck (its cheapest, standing at the site); together they ride the 5-ton one there.
    const [a, b] = ['A', 'B'].map((id) => baseRequest({ id, shipperOrgId: `S${id}`, origin: SITE, destination: PLANT, weightKg: 500, pallets: 2 }));
    const atCentre = Array.from({ length: 60 }, (_, i) => truck(`C${i}`));
    const vehicles = [...atCentre, oneTon('S1'), oneTon('S2'), truck('BIG', { location: SITE })];
    const { offers, report } = runRound({ centre: CENTRE, requests: [a!, b!], vehicles, listings: [], now: NOW }, { roundSeconds: 2 });
    const routes = offers.filter((o): o is RouteOffer => o.kind === 'ROUTE');
    expect(report.servedCount).toBe(2);
    expect(routes).toHaveLength(1);
    expect(routes[0]).toMatchObject({ vehicleId: 'BIG', deadheadKm: 0 });
    expect(routes[0]!.shares.map((s) => s.requestId).sort()).toEqual(['A', 'B']);
    // Cheaper than the two 1-ton trucks the one-request-per-truck assignment gave them.
    expect(routes[0]!.priceKrw).toBeLessThan(report.assignmentCostKrw);
  });
});
