/**
 * Consolidation through the centre inside the pooled round: six loads picked up around the centre within the
 * same hour, all going ~100 km the same way. One big truck waits at the centre, small trucks near each load.
 * The big truck cannot collect them all in the hour; alone, each small truck drives the whole way. Through the
 * centre, small trucks feed and the big one carries everything on: cheaper, and the round should find it.
 */
import { describe, expect, it } from 'vitest';
import { type RouteOffer, type RoundInput, type VehicleInput } from '../../../src/matching/engine/index';
import { kstTimeOn, kstDayOf } from '../../../src/matching/engine/days';
import { runRound } from '../../helpers/matching-fixtures';

const CENTRE = { lat: 37.34, lng: 126.73 };
const now = Date.UTC(2026, 2, 2, 23, 0); // 08:00 KST
const day = kstDayOf(now);
const at = (hhmm: string) => kstTimeOn(day, hhmm);
const offset = (km: number, angle: number) => ({ lat: CENTRE.lat + (km * Math.cos(angle)) / 111.32, lng: CENTRE.lng + (km * Math.sin(angle)) / (111.32 * Math.cos((CENTRE.lat * Math.PI) / 180)) });

function scenario(overrides: { capacity?: number; fee?: number; opensAt?: string } = {}): RoundInput {
  const requests = Array.from({ length: 6 }, (_, i) => ({
    id: `R${i + 1}`,
    shipperOrgId: `S${i + 1}`,
    origin: offset(12, (i * Math.PI) / 3),
    destination: offset(100 + i, 2.4 + i * 0.01),
    weightKg: 800,
    pallets: 2,
    cargoClass: 'GENERAL' as const,
    pickupWindow: { start: at('09:00'), end: at('10:00') },
    deliveryDeadline: at('20:00'),
    maxPriceKrw: null,
  }));
  const truck = (id: string, location: { lat: number; lng: number }, big: boolean): VehicleInput => ({
    id,
    carrierOrgId: `C${id}`,
    vehicleClass: big ? 'T11' : 'T1',
    payloadKg: big ? 11_000 : 1_000,
    palletSlots: big ? 16 : 2,
    bodyType: 'CARGO',
    hazmatCertified: false,
    location,
    availability: [{ start: at('08:00'), end: at('22:00') }],
    baseFeeKrw: big ? 90_000 : 25_000,
    perKmKrw: big ? 2_000 : 1_000,
    perStopFeeKrw: 2_000,
  });
  return {
    centre: { id: 'CENTRE', location: CENTRE, handlingFeePerPalletKrw: overrides.fee ?? 2_000, crossDockCapacityPalletsPerDay: overrides.capacity ?? 100, opensAt: overrides.opensAt ?? '08:00', closesAt: '20:00' },
    requests,
    vehicles: [truck('BIG', CENTRE, true), ...requests.map((r, i) => truck(`S${i + 1}`, offset(13, (i * Math.PI) / 3), false))],
    listings: [],
    now,
  };
}

const config = { seed: 3 };
const centreStops = (routes: RouteOffer[]) => routes.flatMap((r) => r.stops.filter((s) => s.action === 'CENTRE_DROP' || s.action === 'CENTRE_PICKUP'));

describe('consolidation through the centre in the pooled round', () => {
  it('feeds loads to the centre and carries them on together when that is cheaper, each leg an offer of its own', () => {
    const input = scenario();
    const { offers, report } = runRound(input, config);
    const routes = offers.filter((o): o is RouteOffer => o.kind === 'ROUTE');
    expect(report.servedCount).toBe(6);
    expect(report.centreRequests).toBeGreaterThanOrEqual(3);
    for (const r of input.requests) {
      const legs = routes.flatMap((route) => route.shares.filter((s) => s.requestId === r.id).map((s) => ({ route, share: s })));
      if (legs.length === 1) continue;
      // Two legs: a feeder ending at the centre and a trunk starting there, on two vehicles.
      expect(legs.map((l) => l.share.centreLeg).sort()).toEqual(['FEEDER', 'TRUNK']);
      const feeder = legs.find((l) => l.share.centreLeg === 'FEEDER')!;
      const trunk = legs.find((l) => l.share.centreLeg === 'TRUNK')!;
      expect(feeder.route.vehicleId).not.toBe(trunk.route.vehicleId);
      const drop = feeder.route.stops.find((s) => s.requestId === r.id && s.action === 'CENTRE_DROP')!;
      const pick = trunk.route.stops.find((s) => s.requestId === r.id && s.action === 'CENTRE_PICKUP')!;
      expect(drop.location).toEqual(CENTRE);
      // Handled for 45 min between the hand-overs, within opening hours.
      expect(pick.startAt).toBeGreaterThanOrEqual(drop.departAt + 45 * 60_000);
      expect(drop.startAt).toBeGreaterThanOrEqual(at('08:00'));
      expect(pick.departAt).toBeLessThanOrEqual(at('20:00'));
      // Handling (2 pallets × 2,000 KRW) is on the feeder's share, and the request pays no more than alone.
      expect([feeder.share.breakdown.handlingKrw, trunk.share.breakdown.handlingKrw]).toEqual([4_000, 0]);
      expect(feeder.share.priceKrw + trunk.share.priceKrw).toBeLessThanOrEqual(feeder.share.standaloneKrw + trunk.share.standaloneKrw + 4_000);
      expect(trunk.share.baseline.transportCostKrw).toBeGreaterThan(0);
      expect(feeder.share.baseline.transportCostKrw).toBe(0);
    }
    // Cheaper than every load on a truck of its own.
    expect(report.totalCostKrw).toBeLessThan(report.assignmentCostKrw);
    // The route prices add up: handling is in the feeder routes' price.
    const handling = routes.reduce((sum, r) => sum + r.breakdown.handlingKrw, 0);
    expect(handling).toBe(report.centreRequests * 2 * 2_000);
  });

  it('takes goods awaiting a trunk at the centre on from there as a trunk leg, never through the centre again', () => {
    const input = scenario();
    // R1's trunk was given back after its feeder picked it up: it is at the centre from 10:30.
    input.requests[0] = { ...input.requests[0]!, origin: CENTRE, pickupWindow: { start: at('10:30'), end: at('19:30') }, atCentre: true };
    const routes = runRound(input, config).offers.filter((o): o is RouteOffer => o.kind === 'ROUTE');
    const legs = routes.flatMap((route) => route.shares.filter((s) => s.requestId === 'R1').map((share) => ({ route, share })));
    expect(legs.map((l) => l.share.centreLeg)).toEqual(['TRUNK']);
    const { route, share } = legs[0]!;
    const stops = route.stops.filter((s) => s.requestId === 'R1');
    expect(stops.map((s) => s.action)).toEqual(['CENTRE_PICKUP', 'DROP']);
    expect(stops[0]!.location).toEqual(CENTRE);
    expect(stops[0]!.startAt).toBeGreaterThanOrEqual(at('10:30'));
    expect(stops[1]!.departAt).toBeLessThanOrEqual(at('20:00'));
    // Its handling was paid with its feeder leg.
    expect(share.breakdown.handlingKrw).toBe(0);
  });

  it('never cross-docks more pallets a day than the centre can handle', () => {
    const { offers, report } = runRound(scenario({ capacity: 4 }), config);
    const routes = offers.filter((o): o is RouteOffer => o.kind === 'ROUTE');
    expect(report.centreRequests).toBeLessThanOrEqual(2);
    expect(centreStops(routes).filter((s) => s.action === 'CENTRE_DROP').length).toBe(report.centreRequests);
    expect(report.servedCount).toBe(6);
  });

  it('keeps to opening hours: a centre that opens after the trunk could make it is not used', () => {
    const { offers, report } = runRound(scenario({ opensAt: '17:30' }), config);
    expect(report.centreRequests).toBe(0);
    expect(centreStops(offers.filter((o): o is RouteOffer => o.kind === 'ROUTE'))).toEqual([]);
  });

  it('offers no leg through the centre as an extension of a booked route: both legs or neither, and the round completes', () => {
    // The big truck is out on a booked route: a load from the centre at 11:00, the same way. Its carrier may be
    // offered loads joining it whole, never a trunk leg (its feeder would be offered without its trunk).
    const input = scenario();
    const big = input.vehicles[0]!;
    const booked = { ...input.requests[0]!, id: 'BOOKED', shipperOrgId: 'SB', origin: CENTRE, pickupWindow: { start: at('11:00'), end: at('12:00') } };
    const round = { ...input, vehicles: input.vehicles.slice(1), bookedRoutes: [{ routeId: '9', revision: 0, stopsDone: 0, vehicle: big, requests: [{ request: booked, priceKrw: 400_000, onBoard: false }], stops: [{ requestId: 'BOOKED', action: 'PICKUP' as const }, { requestId: 'BOOKED', action: 'DROP' as const }] }] };
    for (const seed of [1, 2, 3, 4, 5]) {
      const { offers } = runRound(round, { ...config, seed });
      const routes = offers.filter((o): o is RouteOffer => o.kind === 'ROUTE');
      expect(routes.filter((r) => r.extends).flatMap((r) => r.shares.filter((s) => s.centreLeg))).toEqual([]);
      for (const r of input.requests) {
        // Two legs, one whole trip, or none (it stays OPEN for the next round).
        const legs = routes.flatMap((route) => route.shares.filter((s) => s.requestId === r.id)).map((s) => s.centreLeg);
        expect(legs.sort()).toEqual(legs.length === 2 ? ['FEEDER', 'TRUNK'] : legs.map(() => undefined));
      }
    }
  });

  it('does not offer the centre when handling costs more than it saves', () => {
    const { report } = runRound(scenario({ fee: 60_000 }), config);
    expect(report.centreRequests).toBe(0);
    expect(report.servedCount).toBe(6);
  });

  it('carries through the centre a load no truck could take alone, its legs priced in won, and the round completes', () => {
    // No truck can take it alone: the small one by it is free only until 11:00, the other small ones are too far to
    // collect it by 08:15, the big one at the centre is free from 10:30. Its price alone is no number, and with no maxPriceKrw nothing caps it: the trunk's cap
    // was then Infinity, which the price split refused, and the whole round failed on it.
    const input = scenario();
    const [load, ...others] = input.requests;
    const alone: RoundInput = {
      ...input,
      // Its companions heading the same way make the centre worth offering it.
      requests: [{ ...load!, pickupWindow: { start: at('08:00'), end: at('08:15') } }, ...others],
      vehicles: input.vehicles.map((v) =>
        // The big truck cheap enough that the trunk fits what a dedicated truck would cost.
        v.id === 'S1' ? { ...v, availability: [{ start: at('08:00'), end: at('11:00') }] } : v.id === 'BIG' ? { ...v, availability: [{ start: at('10:30'), end: at('22:00') }], perKmKrw: 900 } : v,
      ),
    };
    const { offers, report } = runRound(alone, config);
    expect(report.servedCount).toBe(6);
    const shares = offers.filter((o): o is RouteOffer => o.kind === 'ROUTE').flatMap((r) => r.shares);
    expect(shares.filter((s) => s.requestId === load!.id).map((s) => s.centreLeg).sort()).toEqual(['FEEDER', 'TRUNK']);
    for (const share of shares) {
      expect(Number.isSafeInteger(share.priceKrw)).toBe(true);
      expect(Number.isSafeInteger(share.standaloneKrw)).toBe(true);
    }
  });
});
