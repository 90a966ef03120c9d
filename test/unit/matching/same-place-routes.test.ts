/**
 * Loads at one place entered a few metres apart (src/geo/same-place.ts) in the engine: the search counts them as
 * one stop, and a load whose coordinate another shipper's represents keeps the truck the assignment gave it.
 */
import { describe, expect, it } from 'vitest';
import { placesOf } from '../../../src/geo/same-place';
import { addBookedRoutes, bookedVehicles, extensionOffer } from '../../../src/matching/engine/booked-routes';
import { buildJob, createContext, resolveConfig, type RouteOffer } from '../../../src/matching/engine/index';
import { routeOffer, scheduleRoute } from '../../../src/matching/engine/route-offers';
import { baseRequest, baseVehicle, CENTRE, H, NOW, runRound } from '../../helpers/matching-fixtures';

/** Degrees of latitude in a metre. */
const METRE = 180 / (Math.PI * 6_371_008.8);
const DOCK = baseRequest().origin;
const north = (metres: number) => ({ lat: DOCK.lat + metres * METRE, lng: DOCK.lng });

describe('loads at one place entered a few metres apart', () => {
  it('are one stop to the search and in the price: no extra-stop fee for three loads from one dock to one address', () => {
    const requests = [0, 3, -2].map((m, k) => baseRequest({ id: `R${k}`, shipperOrgId: `S${k}`, origin: north(m), destination: { lat: 37.5665 + (k * METRE) / 2, lng: 126.978 } }));
    const vehicles = ['V1', 'V2', 'V3'].map((id) => baseVehicle({ id }));
    const { offers, report } = runRound({ now: NOW, centre: CENTRE, requests, vehicles, listings: [] }, { maxStopsPerRoute: 2 });
    const routes = offers.flatMap((o) => (o.kind === 'ROUTE' ? [o] : []));
    expect(routes.map((r) => r.shares.length)).toEqual([3]);
    expect(routes[0]!.breakdown.stopsKrw).toBe(0);
    // The round's report counts the stops as the price does: six pickups and drops, two places.
    expect(routes[0]!.stops).toHaveLength(6);
    expect(report.stopsPerRoute).toBe(2);
    // Each stop where its own shipper said it is.
    for (const r of requests) expect(routes[0]!.stops.find((s) => s.requestId === r.id && s.action === 'PICKUP')!.location).toEqual(r.origin);
  });

  it('keeps a load alone on its truck at its own price when another shipper’s coordinate, metres off, represents its place', () => {
    // R1 today at the dock, R2 tomorrow 20 m nearer the trucks and its destination: the search measures R2 from R1's
    // coordinate, a little further, yet its truck of its own is still within its price.
    const requests = [
      baseRequest({ id: 'R1', shipperOrgId: 'S1' }),
      baseRequest({ id: 'R2', shipperOrgId: 'S2', origin: north(20), pickupWindow: { start: NOW + 25 * H, end: NOW + 27 * H }, deliveryDeadline: NOW + 32 * H }),
    ];
    const vehicles = ['V1', 'V2'].map((id) => baseVehicle({ id, availability: [{ start: NOW, end: NOW + 48 * H }] }));
    const { offers } = runRound({ now: NOW, centre: CENTRE, requests, vehicles, listings: [] });
    const shares = offers.flatMap((o) => (o.kind === 'ROUTE' ? o.shares : []));
    expect(shares.map((s) => s.requestId).sort()).toEqual(['R1', 'R2']);
    for (const s of shares) expect(s.priceKrw).toBe(s.standaloneKrw);
  });

  it('let a truck standing at the dock with a load on board take another shipper’s load there, entered 12 m off', () => {
    // A is on board the booked truck, which stands at A's gate from NOW + 1 h; B is posted from 12 m away, the same way.
    const A = baseRequest({ id: 'A', shipperOrgId: 'SA' });
    const B = baseRequest({ id: 'B', shipperOrgId: 'SB', origin: north(12), destination: { lat: 37.56, lng: 126.97 }, weightKg: 800, pallets: 3 });
    const booked = baseVehicle({ id: 'BOOKED', location: A.origin, availability: [{ start: NOW + H, end: NOW + 14 * H }] });
    const { offers } = runRound({
      now: NOW, centre: CENTRE, requests: [B], vehicles: [baseVehicle({ id: 'FREE', location: { lat: 37.35, lng: 126.8 } })], listings: [],
      bookedRoutes: [{ routeId: '7', revision: 0, stopsDone: 1, vehicle: booked, requests: [{ request: A, priceKrw: 160_000, onBoard: true }], stops: [{ requestId: 'A', action: 'DROP' }] }],
    });
    const extension = (offers as RouteOffer[]).find((o) => o.kind === 'ROUTE' && o.extends);
    expect(extension?.shares.map((s) => s.requestId)).toEqual(['B']);
    // B's pickup is where the truck stands: no extra stop for it.
    expect(extension!.stops.find((s) => s.requestId === 'B' && s.action === 'PICKUP')!.location).toEqual(B.origin);
  });

  it('offer a route the search kept within its caps between places, the carrier forgoing the metres to the own coordinates', () => {
    // The search measured the load from another shipper's coordinate 20 m nearer the truck, and found it within a cap
    // its own coordinates overshoot by a few won.
    const config = resolveConfig({});
    const vehicle = baseVehicle({ location: { lat: DOCK.lat + 0.01, lng: DOCK.lng } });
    const ctx = createContext(config, NOW, CENTRE, [vehicle]);
    placesOf(ctx).of(north(20));
    const job = buildJob(0, 0, baseRequest(), config);
    const route = { vehicleIndex: 0, window: { start: NOW, end: NOW + 12 * H, drivingMinutes: 600 }, stops: [{ job: 0, action: 'PICKUP' as const, drop: 0 }, { job: 0, action: 'DROP' as const, drop: 0 }] };
    const parts = () => [2];
    const { costKrw, unseenKm } = scheduleRoute(route, [job], ctx, parts);
    expect(unseenKm).toBeGreaterThan(0.02);
    const unseenKrw = vehicle.perKmKrw * unseenKm;
    const within = routeOffer(route, [job], ctx, () => costKrw - Math.floor(unseenKrw), parts);
    expect(within).toMatchObject({ offer: { priceKrw: costKrw - Math.floor(unseenKrw) } });
    // Beyond what those metres cost, the load leaves the route as before.
    expect(routeOffer(route, [job], ctx, () => costKrw - Math.ceil(unseenKrw) - 2, parts)).toEqual({ drop: 0 });
  });

  it('offer an extension the search kept within the joining load’s cap between places, the carrier forgoing the metres', () => {
    // A is booked from the dock; B joins from 20 m off, measured by the search from a coordinate 20 m nearer the truck.
    const config = resolveConfig({});
    const A = baseRequest({ id: 'A', shipperOrgId: 'SA' });
    const B = baseRequest({ id: 'B', shipperOrgId: 'SB', origin: north(-20), destination: { lat: 37.59, lng: 126.978 }, weightKg: 300, pallets: 1 });
    const truck = baseVehicle({ id: 'BOOKED', location: { lat: DOCK.lat + 0.01, lng: DOCK.lng } });
    const input = { routeId: '7', revision: 0, stopsDone: 0, vehicle: truck, requests: [{ request: A, priceKrw: 200_000, onBoard: false }], stops: [{ requestId: 'A', action: 'PICKUP' as const }, { requestId: 'A', action: 'DROP' as const }] };
    const ctx = createContext(config, NOW, CENTRE, bookedVehicles({ bookedRoutes: [input] }));
    placesOf(ctx).of(A.origin);
    const jobs = [buildJob(0, 0, B, config)];
    const [booked] = addBookedRoutes([input], jobs, ctx, 0);
    const a = booked!.jobs[0]!;
    const route = { vehicleIndex: 0, window: booked!.window, extends: booked!, stops: [{ job: a, action: 'PICKUP' as const, drop: 0 }, { job: 0, action: 'PICKUP' as const, drop: 0 }, { job: a, action: 'DROP' as const, drop: 0 }, { job: 0, action: 'DROP' as const, drop: 0 }] };
    const parts = (job: { request: { pallets: number } }) => [job.request.pallets];
    const extraKrw = scheduleRoute(route, jobs, ctx, parts).costKrw - scheduleRoute({ ...route, stops: booked!.stops }, jobs, ctx, parts).costKrw;
    const unseenKm = scheduleRoute(route, jobs, ctx, parts).unseenKm - scheduleRoute({ ...route, stops: booked!.stops }, jobs, ctx, parts).unseenKm;
    expect(unseenKm).toBeGreaterThan(0.02);
    const capKrw = extraKrw - Math.floor(truck.perKmKrw * unseenKm);
    expect(extensionOffer(route, booked!, jobs, ctx, () => capKrw)).toMatchObject({ offer: { priceKrw: capKrw } });
    expect(extensionOffer(route, booked!, jobs, ctx, () => extraKrw - Math.ceil(truck.perKmKrw * unseenKm) - 1)).toEqual({ drop: 0 });
  });
});
