/**
 * A round extending a booked route, over plain data: the booked truck takes a new load on its way when that is
 * cheaper than a truck of its own; the booked request keeps its stops in order, its window and deadline and pays
 * nothing more; the joining request pays the extra, within its own truck's price and its maximum price.
 */
import { describe, expect, it } from 'vitest';
import { type BookedRouteInput, type RequestInput, type RouteOffer, type VehicleInput } from '../../../src/matching/engine/index';
import { kstDayOf } from '../../../src/matching/engine/days';
import { createContext, resolveConfig } from '../../../src/matching/engine/index';
import { addBookedRoutes, bookedVehicles, extensionOffer, fitsBeside } from '../../../src/matching/engine/booked-routes';
import { buildJob } from '../../../src/matching/engine/jobs';
import { scheduleRoute } from '../../../src/matching/engine/route-offers';
import { roadKm, travelMs } from '../../../src/matching/engine/config';
import { haversineKm } from '../../../src/geo/distance';
import { baseRequest, CENTRE, H, NOW, runRound } from '../../helpers/matching-fixtures';

const truck = (id: string, over: Partial<VehicleInput> = {}): VehicleInput => ({
  id,
  carrierOrgId: `K-${id}`,
  vehicleClass: 'T5',
  payloadKg: 5_000,
  palletSlots: 10,
  bodyType: 'WING',
  hazmatCertified: false,
  location: { lat: 37.33, lng: 126.74 },
  availability: [{ start: NOW, end: NOW + 14 * H }],
  baseFeeKrw: 60_000,
  perKmKrw: 1_600,
  ...over,
});

/** A booked to Seoul on truck BOOKED, nothing served yet (or A on board), booked at `priceKrw`. */
const bookedRoute = (a: RequestInput, priceKrw: number, onBoard = false): BookedRouteInput => ({
  routeId: '7',
  revision: 0,
  stopsDone: onBoard ? 1 : 0,
  vehicle: truck('BOOKED', onBoard ? { location: a.origin, availability: [{ start: NOW + H, end: NOW + 14 * H }] } : {}),
  requests: [{ request: a, priceKrw, onBoard }],
  stops: onBoard ? [{ requestId: a.id, action: 'DROP' }] : [{ requestId: a.id, action: 'PICKUP' }, { requestId: a.id, action: 'DROP' }],
});

const A = baseRequest({ id: 'A', shipperOrgId: 'SA' });
// B: next door to A's gate, bound for a point near Seoul City Hall, the same hours.
const B = baseRequest({ id: 'B', shipperOrgId: 'SB', origin: { lat: 37.322, lng: 126.745 }, destination: { lat: 37.56, lng: 126.97 }, weightKg: 800, pallets: 3 });
// A's price alone on that truck, as the round that booked it would have priced it (about 60 km).
const A_PRICE = 160_000;

function extensionOf(offers: { kind: string }[]): RouteOffer | undefined {
  return (offers as RouteOffer[]).find((o) => o.kind === 'ROUTE' && o.extends);
}

describe('extending booked routes in a round', () => {
  for (const onBoard of [false, true]) {
    it(`offers the booked truck's carrier B on its way${onBoard ? ' (A already on board)' : ''}: A's stops in order and in time, B paying the extra`, () => {
      const free = truck('FREE', { location: { lat: 37.35, lng: 126.8 } });
      const { offers, report } = runRound({ centre: CENTRE, requests: [B], vehicles: [free], listings: [], now: NOW, bookedRoutes: [bookedRoute(A, A_PRICE, onBoard)] });
      const extension = extensionOf(offers)!;
      expect(extension).toBeDefined();
      expect(report).toMatchObject({ servedCount: 1, routes: 1, extensions: 1 });
      expect(extension).toMatchObject({ vehicleId: 'BOOKED', extends: { routeId: '7', revision: 0, stopsDone: onBoard ? 1 : 0 } });
      expect(extension.shares.map((s) => s.requestId)).toEqual(['B']);
      const share = extension.shares[0]!;
      expect(share.priceKrw).toBe(extension.priceKrw);
      expect(share.priceKrw).toBeLessThanOrEqual(share.standaloneKrw);
      // A's stops: its pickup (unless served already) before its drop, within its window and deadline.
      const aStops = extension.stops.filter((s) => s.requestId === 'A');
      expect(aStops.map((s) => s.action)).toEqual(onBoard ? ['DROP'] : ['PICKUP', 'DROP']);
      if (!onBoard) expect(aStops[0]!.startAt).toBeLessThanOrEqual(A.pickupWindow.end);
      expect(aStops.at(-1)!.departAt).toBeLessThanOrEqual(A.deliveryDeadline);
      // The load on board counts A from the start when it is on board.
      expect(extension.stops[0]!.kgAfter).toBe(onBoard ? A.weightKg + B.weightKg : extension.stops[0]!.requestId === 'A' ? A.weightKg : B.weightKg);
    });
  }

  it('leaves B to a truck of its own when its maximum price cannot pay for the detour', () => {
    const { offers } = runRound({ centre: CENTRE, requests: [{ ...B, maxPriceKrw: 5_000 }], vehicles: [], listings: [], now: NOW, bookedRoutes: [bookedRoute(A, A_PRICE)] });
    expect(extensionOf(offers)).toBeUndefined();
  });

  it("extends a truck's morning and afternoon routes in one round only where the extensions do not overlap", () => {
    // The truck's morning route (A, done by NOW + 6 h) and its afternoon route (A2 at NOW + 6 h, the truck free from
    // NOW + 3 h where A is dropped), each with a load it could take on.
    const A2 = baseRequest({ id: 'A2', shipperOrgId: 'SA', pickupWindow: { start: NOW + 6 * H, end: NOW + 7 * H }, deliveryDeadline: NOW + 12 * H });
    const morning = { ...bookedRoute(A, A_PRICE), vehicle: truck('BOOKED', { availability: [{ start: NOW, end: NOW + 6 * H }] }) };
    const afternoon = { ...bookedRoute(A2, A_PRICE), routeId: '8', vehicle: truck('BOOKED', { location: A.destination, availability: [{ start: NOW + 3 * H, end: NOW + 14 * H }] }) };
    const extensionsFor = (requests: RequestInput[]) =>
      (runRound({ centre: CENTRE, requests, vehicles: [], listings: [], now: NOW, bookedRoutes: [morning, afternoon] }).offers as RouteOffer[]).filter((o) => o.kind === 'ROUTE' && o.extends);
    // B late in the morning keeps the morning route out until after the afternoon one has to leave for B2.
    const late = extensionsFor([
      { ...B, pickupWindow: { start: NOW + 4 * H, end: NOW + 4.5 * H }, deliveryDeadline: NOW + 5.8 * H },
      { ...B, id: 'B2', pickupWindow: { start: NOW + 5 * H, end: NOW + 5.5 * H }, deliveryDeadline: NOW + 12 * H },
    ]);
    expect(late).toHaveLength(1);
    // B early in the morning, B2 in the afternoon: both extensions, one after the other.
    const apart = extensionsFor([B, { ...B, id: 'B2', pickupWindow: A2.pickupWindow, deliveryDeadline: A2.deliveryDeadline }]);
    expect(apart.map((o) => o.extends!.routeId).sort()).toEqual(['7', '8']);
    const [first, second] = apart.sort((x, y) => x.startAt - y.startAt);
    expect(first!.endAt).toBeLessThanOrEqual(second!.startAt);
  });

  it("plans tomorrow's booked route with tomorrow's driving, not with what today's routes leave of today", () => {
    // Today the truck drives 500 km elsewhere (11 of its 13 hours); A is booked for tomorrow morning, B beside it goes to Daejeon.
    const tomorrow = (h: number) => NOW + (24 + h) * H;
    const a = { ...A, pickupWindow: { start: tomorrow(1), end: tomorrow(3) }, deliveryDeadline: tomorrow(12) };
    const b = { ...B, destination: { lat: 36.35, lng: 127.38 }, pickupWindow: a.pickupWindow, deliveryDeadline: tomorrow(12) };
    const today = kstDayOf(NOW);
    const booked = { ...bookedRoute(a, A_PRICE), vehicle: truck('BOOKED', { availability: [{ start: NOW, end: tomorrow(14) }], bookedKmByDay: [{ day: today, km: 500 }] }) };
    const { offers } = runRound({ centre: CENTRE, requests: [b], vehicles: [], listings: [], now: NOW, bookedRoutes: [booked] });
    expect(extensionOf(offers)?.shares.map((s) => s.requestId)).toEqual(['B']);
  });

  it('an evening extension may run past midnight, with the driving its day leaves the truck', () => {
    // Today (NOW is 08:00 in Seoul) the truck drives 200 km elsewhere and A at 19:00; B at 22:30 reaches Daejeon after midnight.
    const a = { ...A, pickupWindow: { start: NOW + 11 * H, end: NOW + 12 * H }, deliveryDeadline: NOW + 15 * H };
    const b = { ...B, destination: { lat: 36.35, lng: 127.38 }, pickupWindow: { start: NOW + 14.5 * H, end: NOW + 15 * H }, deliveryDeadline: NOW + 22 * H };
    const booked = { ...bookedRoute(a, A_PRICE), vehicle: truck('BOOKED', { availability: [{ start: NOW, end: NOW + 30 * H }], bookedKmByDay: [{ day: kstDayOf(NOW), km: 200 }] }) };
    const extension = extensionOf(runRound({ centre: CENTRE, requests: [b], vehicles: [], listings: [], now: NOW, bookedRoutes: [booked] }).offers)!;
    expect(extension.shares.map((s) => s.requestId)).toEqual(['B']);
    expect(kstDayOf(extension.endAt)).toBe(kstDayOf(NOW) + 1);
  });

  it('a large round weighs the booked route in the cluster of the load beside it, whatever the cluster spans', () => {
    // 129 chilled loads no truck here can carry, heading between south-east and north-east of the centre (65) and
    // west (64); B, heading to Seoul as A does, sorts into the second cluster, whose other loads head away from Seoul.
    const toward = (angle: number) => ({ lat: CENTRE.location.lat + 0.3 * Math.sin(angle), lng: CENTRE.location.lng + (0.3 * Math.cos(angle)) / Math.cos((37.4 * Math.PI) / 180) });
    const filler = (n: number, angle: number) => ({ ...B, id: `F${n}`, shipperOrgId: `SF${n}`, destination: toward(angle), cargoClass: 'CHILLED' as const });
    const fillers = [...Array.from({ length: 65 }, (_, n) => filler(n, -0.6 + (1.4 * n) / 64)), ...Array.from({ length: 64 }, (_, n) => filler(65 + n, 2.4 + (0.6 * n) / 63))];
    const { offers } = runRound({ centre: CENTRE, requests: [...fillers, B], vehicles: [], listings: [], now: NOW, bookedRoutes: [bookedRoute(A, A_PRICE)] });
    expect(extensionOf(offers)?.shares.map((s) => s.requestId)).toEqual(['B']);
  });

  it('extends a booked feeder or trunk with a direct load, its hand-over at the centre kept', () => {
    // F goes to Daejeon through the centre: its feeder hands over by NOW + 3 h, its trunk loads at NOW + 4 h.
    const F = baseRequest({ id: 'F', shipperOrgId: 'SF', destination: { lat: 36.35, lng: 127.38 }, pickupWindow: { start: NOW + H, end: NOW + 2 * H }, deliveryDeadline: NOW + 12 * H });
    const leg = (action: 'CENTRE_DROP' | 'CENTRE_PICKUP', at: number): BookedRouteInput => ({
      ...bookedRoute(F, action === 'CENTRE_DROP' ? 60_000 : 400_000),
      stops: action === 'CENTRE_DROP' ? [{ requestId: 'F', action: 'PICKUP' }, { requestId: 'F', action, at }] : [{ requestId: 'F', action, at }, { requestId: 'F', action: 'DROP' }],
      vehicle: truck('BOOKED', action === 'CENTRE_PICKUP' ? { location: CENTRE.location } : {}),
    });
    // Beside F's pickup, to just past the centre (on the feeder's way); and from beside the centre towards Daejeon (on the trunk's).
    const nearFeeder = { ...B, origin: { lat: 37.321, lng: 126.741 }, destination: { lat: 37.33, lng: 126.76 }, pickupWindow: F.pickupWindow };
    const nearTrunk = { ...B, origin: { lat: 37.327, lng: 126.752 }, destination: { lat: 36.4, lng: 127.35 }, pickupWindow: { start: NOW + 3.5 * H, end: NOW + 5 * H }, deliveryDeadline: NOW + 12 * H };
    for (const [action, at, joining] of [['CENTRE_DROP', NOW + 3 * H, nearFeeder], ['CENTRE_PICKUP', NOW + 4 * H, nearTrunk]] as const) {
      const extension = extensionOf(runRound({ centre: CENTRE, requests: [joining], vehicles: [], listings: [], now: NOW, bookedRoutes: [leg(action, at)] }).offers)!;
      expect(extension.shares.map((s) => s.requestId)).toEqual(['B']);
      const handOver = extension.stops.find((s) => s.requestId === 'F' && s.action === action)!;
      expect(handOver.location).toEqual(CENTRE.location);
      if (action === 'CENTRE_DROP') expect(handOver.startAt).toBeLessThanOrEqual(at);
      else expect(handOver.startAt).toBe(at);
      expect(extension.stops.filter((s) => s.requestId === 'F').map((s) => s.action)).toEqual(action === 'CENTRE_DROP' ? ['PICKUP', 'CENTRE_DROP'] : ['CENTRE_PICKUP', 'DROP']);
    }
  });

  it('takes goods awaiting a trunk on after its feeder hands over at the centre, by a hand-over time stored in whole ms', () => {
    // F on board since its pickup; its feeder's hand-over at the centre was planned at the arrival, stored truncated to
    // the millisecond as booked times are (planned again, the arrival passes it by a fraction of one).
    const F = baseRequest({ id: 'F', shipperOrgId: 'SF', destination: { lat: 36.35, lng: 127.38 }, deliveryDeadline: NOW + 12 * H });
    const config = resolveConfig({});
    const arrival = NOW + H + travelMs(roadKm(haversineKm(F.origin, CENTRE.location), config), config);
    expect(arrival % 1).not.toBe(0);
    const feeder: BookedRouteInput = {
      ...bookedRoute(F, 60_000, true),
      stops: [{ requestId: 'F', action: 'CENTRE_DROP', at: Math.floor(arrival) }],
    };
    // G waits at the centre for a trunk (its own was given back), bound the same way.
    const G = { ...B, id: 'G', origin: CENTRE.location, destination: { lat: 36.4, lng: 127.35 }, pickupWindow: { start: NOW + 2 * H, end: NOW + 6 * H }, deliveryDeadline: NOW + 12 * H, atCentre: true };
    const extension = extensionOf(runRound({ centre: CENTRE, requests: [G], vehicles: [], listings: [], now: NOW, bookedRoutes: [feeder] }).offers)!;
    expect(extension).toBeDefined();
    expect(extension.shares.map((s) => [s.requestId, s.centreLeg])).toEqual([['G', 'TRUNK']]);
    expect(extension.stops.map((s) => [s.requestId, s.action])).toEqual([['F', 'CENTRE_DROP'], ['G', 'CENTRE_PICKUP'], ['G', 'DROP']]);
    expect(extension.shares[0]!.pickupAt).toBe(extension.stops[1]!.startAt);
  });

  describe('a booked truck with a fresh route after its booked one in the same round', () => {
    // The truck's shift is A's (until NOW + 6 h); from NOW + 6 h it is free again, where A is dropped, with A's 60 km
    // booked today. B beside A, bound for Suwon (a detour of about 34 km); C from beside A's drop, back to the
    // complex, in the afternoon: only a fresh route can take it.
    const today = kstDayOf(NOW);
    const toSuwon = { ...B, destination: { lat: 37.2636, lng: 127.0286 } };
    const C = baseRequest({ id: 'C', shipperOrgId: 'SC', origin: { lat: 37.55, lng: 126.95 }, destination: { lat: 37.33, lng: 126.74 }, pickupWindow: { start: NOW + 6.5 * H, end: NOW + 8 * H }, deliveryDeadline: NOW + 12 * H });
    const morning = { ...bookedRoute(A, A_PRICE), vehicle: truck('BOOKED', { availability: [{ start: NOW, end: NOW + 6 * H }] }) };
    const roundWith = (bookedKm: number) => {
      const afternoon = truck('BOOKED', { location: A.destination, availability: [{ start: NOW + 6 * H, end: NOW + 14 * H }], bookedKmByDay: [{ day: today, km: bookedKm }] });
      return runRound({ centre: CENTRE, requests: [toSuwon, C], vehicles: [afternoon], listings: [], now: NOW, bookedRoutes: [morning] });
    };

    it('is offered both its extension and its fresh route when the extension is done in time and the day holds both', () => {
      const { offers, report } = roundWith(60);
      const routes = offers as RouteOffer[];
      expect(report).toMatchObject({ servedCount: 2, routes: 2, extensions: 1 });
      const extension = extensionOf(routes)!;
      const fresh = routes.find((o) => !o.extends)!;
      expect(extension).toMatchObject({ vehicleId: 'BOOKED', extends: { routeId: '7' } });
      expect(extension.shares.map((s) => s.requestId)).toEqual(['B']);
      expect(fresh.vehicleId).toBe('BOOKED');
      expect(fresh.shares.map((s) => s.requestId)).toEqual(['C']);
      expect(extension.endAt).toBeLessThanOrEqual(fresh.startAt);
    });

    it('does not keep an extension still driving when a fresh route has the truck leave (as the search may plan them)', () => {
      // In the search the booked truck and its free time are two vehicles: in a large round each may take loads of
      // another cluster. Here, the extension of the first round (done about NOW + 3.7 h) and, from a round where the
      // truck is free from NOW + 2 h, a fresh route leaving before that for C picked up from NOW + 2.5 h.
      const extension = extensionOf(roundWith(60).offers)!;
      const early = truck('BOOKED', { location: A.destination, availability: [{ start: NOW + 2 * H, end: NOW + 14 * H }], bookedKmByDay: [{ day: today, km: 60 }] });
      const soon = { ...C, pickupWindow: { start: NOW + 2.5 * H, end: NOW + 3 * H } };
      const fresh = runRound({ centre: CENTRE, requests: [soon], vehicles: [early], listings: [], now: NOW }).offers[0] as RouteOffer;
      expect(fresh.startAt).toBeLessThan(extension.endAt);
      const ctx = createContext(resolveConfig(), NOW, CENTRE, [early]);
      expect(fitsBeside(extension, [fresh], ctx)).toBe(false);
      // The same fresh route in the afternoon (after the extension, with the drive from Suwon) fits.
      const later = runRound({ centre: CENTRE, requests: [C], vehicles: [early], listings: [], now: NOW }).offers[0] as RouteOffer;
      expect(fitsBeside(extension, [later], ctx)).toBe(true);
    });

    it("keeps only the fresh route when the extension's km would take the day's driving past the cap", () => {
      // 480 km booked leave 80 minutes today: C's route alone (about 44 km, 59 minutes) fits, not with B's 34 km more.
      const { offers, report } = roundWith(480);
      expect(extensionOf(offers)).toBeUndefined();
      expect((offers as RouteOffer[]).map((o) => o.shares.map((s) => s.requestId))).toEqual([['C']]);
      expect(report.unserved.map((u) => u.requestId)).toEqual(['B']);
    });
  });

  it('extends nothing when the booked route already costs more than it was booked at', () => {
    const { offers } = runRound({ centre: CENTRE, requests: [B], vehicles: [], listings: [], now: NOW, bookedRoutes: [bookedRoute(A, 1_000)] });
    expect(extensionOf(offers)).toBeUndefined();
  });

  describe('a joining load pays at least the truck’s per-stop fee for its handling', () => {
    /** The extension of A's booked route by `joining` (picked up after A, dropped after A), priced with `aloneKrw`. */
    function extend(joining: RequestInput, aloneKrw = 100_000, vehicle: Partial<VehicleInput> = {}) {
      const config = resolveConfig({});
      const input = { ...bookedRoute(A, A_PRICE), vehicle: truck('BOOKED', vehicle) };
      const ctx = createContext(config, NOW, CENTRE, bookedVehicles({ bookedRoutes: [input] }));
      const jobs = [buildJob(0, 0, joining, config)];
      const [booked] = addBookedRoutes([input], jobs, ctx, 0);
      const a = booked!.jobs[0]!;
      const route = { vehicleIndex: 0, window: booked!.window, extends: booked!, stops: [{ job: a, action: 'PICKUP' as const, drop: 0 }, { job: 0, action: 'PICKUP' as const, drop: 0 }, { job: a, action: 'DROP' as const, drop: 0 }, { job: 0, action: 'DROP' as const, drop: 0 }] };
      const parts = (job: { request: { pallets: number } }) => [job.request.pallets];
      const extraKrw = scheduleRoute(route, jobs, ctx, parts).costKrw - scheduleRoute({ ...route, stops: booked!.stops }, jobs, ctx, parts).costKrw;
      return { extraKrw, result: extensionOffer(route, booked!, jobs, ctx, () => aloneKrw), floorKrw: vehicle.perStopFeeKrw ?? config.perStopFeeKrw };
    }
    // B2: A's twin, from A's dock to A's address in A's hours: no km more, and no stop more (the same places).
    const B2 = { ...A, id: 'B2', shipperOrgId: 'SB2', weightKg: 1_170, pallets: 2 };

    it('a load from a booked load’s dock to its address costs the route nothing more, yet pays the fee, on the stops line', () => {
      const { extraKrw, result, floorKrw } = extend(B2);
      expect(extraKrw).toBe(0);
      const { offer } = result as { offer: RouteOffer };
      expect(offer.priceKrw).toBe(floorKrw);
      expect(offer.breakdown).toEqual({ baseKrw: 0, distanceKrw: 0, storageKrw: 0, handlingKrw: 0, stopsKrw: floorKrw, waitingKrw: 0 });
      expect(offer.shares.map((s) => [s.requestId, s.priceKrw, s.breakdown.stopsKrw])).toEqual([['B2', floorKrw, floorKrw]]);
    });

    it('a round offers the booked truck’s carrier such a load for the fee, not for ₩0', () => {
      const { offers } = runRound({ centre: CENTRE, requests: [B2], vehicles: [], listings: [], now: NOW, bookedRoutes: [bookedRoute(A, A_PRICE)] });
      const extension = extensionOf(offers)!;
      expect(extension.shares.map((s) => [s.requestId, s.priceKrw])).toEqual([['B2', resolveConfig({}).perStopFeeKrw]]);
      expect(extension.priceKrw).toBe(resolveConfig({}).perStopFeeKrw);
    });

    it('the fee is the truck’s own when its rate card sets one', () => {
      const { result } = extend(B2, 100_000, { perStopFeeKrw: 15_000 });
      expect((result as { offer: RouteOffer }).offer.priceKrw).toBe(15_000);
    });

    it('a load whose caps are below the fee leaves the extension, as one whose caps are below its split does', () => {
      expect(extend({ ...B2, maxPriceKrw: 9_999 }).result).toEqual({ drop: 0 });
      expect(extend(B2, 9_999).result).toEqual({ drop: 0 });
    });

    it('a load whose extra cost is above the fee pays that extra, as before', () => {
      const { extraKrw, result, floorKrw } = extend(B, 200_000);
      expect(extraKrw).toBeGreaterThan(floorKrw);
      const { offer } = result as { offer: RouteOffer };
      expect(offer.priceKrw).toBe(extraKrw);
      expect(offer.shares[0]!.priceKrw).toBe(extraKrw);
    });
  });
});
