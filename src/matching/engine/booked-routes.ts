/**
 * Booked routes in a round: requests keep arriving, and a truck already out with room can take some of them on
 * its way (an extension offered to its carrier). Its booked requests become locked work for the routing core
 * (src/routing/locked.ts): they stay on the truck, their stops in the carrier's order; a load already on board is a
 * locked pickup where the truck is, when it is free there. Booked shippers pay no more: each one's maxShare is
 * its booked price and the truck's fixed cost is what the booked route's stops already served cost (its booked
 * price less what its stops ahead cost), so the core's budget rule leaves any extra cost to the joining shippers,
 * each within its own stand-alone price and maximum price. Their windows and deadlines hold as before; their
 * planned times may move within them.
 */
import { haversineKm, type LatLng } from '../../geo/distance';
import { DEFAULT_LOADING_METHOD, serviceMinutes } from '../../supply/loading-methods';
import { roadKm, travelMs } from './config';
import { buildJob } from './jobs';
import { kstDayOf, kstTimeOn } from './days';
import { drivingLeft, type DrivingWindow, type RoundContext, type TransportJob } from './context';
import { fairSplit } from './fair-split';
import type { PlannedRoute, RouteStopRef } from './pooling';
import { chargedKrw, placeToleranceKrw, scheduleRoute, shareOf } from './route-offers';
import { offerBaselineFor } from './baseline';
import { co2Kg } from './cost';
import type { BookedRouteInput, CentreInput, CostBreakdown, RouteOffer, RouteShare, VehicleInput } from './types';

const MINUTE = 60_000;

export interface BookedRoute {
  input: BookedRouteInput;
  /** The truck in the round's context (listed without availability, so only its extension may use it). */
  vehicleIndex: number;
  /** Its time, and the driving its other routes leave it on the day the route runs (the route's own counts in the search). */
  window: DrivingWindow;
  /** Its booked jobs (appended to the round's jobs) and what each booked. */
  jobs: number[];
  bookedKrw: number[];
  /** The locked stops: loads on board first (picked up where the truck is), then the stops ahead in order. */
  stops: RouteStopRef[];
}

/** The booked routes' trucks as the round's context lists them: after the free fleet, with no free time. */
export function bookedVehicles(input: { bookedRoutes?: BookedRouteInput[] }): VehicleInput[] {
  return (input.bookedRoutes ?? []).map((b) => ({ ...b.vehicle, availability: [] }));
}

/**
 * Appends the booked routes' requests to `jobs` (after the assignment, which must not plan them) and returns
 * the routes the search may extend. `firstVehicle` is the context index of the first booked route's truck.
 */
export function addBookedRoutes(bookedRoutes: readonly BookedRouteInput[], jobs: TransportJob[], ctx: Pick<RoundContext, 'config' | 'centre'>, firstVehicle: number): BookedRoute[] {
  const { config, centre } = ctx;
  return bookedRoutes.flatMap((input, b) => {
    const window = input.vehicle.availability[0];
    if (!window || input.stops.length === 0) return [];
    const indexOf = new Map<string, number>();
    const bookedKrw: number[] = [];
    const stops: RouteStopRef[] = [];
    for (const { request, priceKrw, onBoard } of input.requests) {
      const handOver = input.stops.find((s) => s.requestId === request.id && s.at !== undefined);
      const built = legOf(buildJob(jobs.length, -1, request, config), handOver, centre);
      // On board: picked up where the truck is, the moment it is free there, with nothing left to load.
      const job = onBoard ? { ...built, origin: input.vehicle.location, pickupServiceMs: 0, request: { ...request, pickupWindow: { start: window.start, end: window.start } } } : built;
      indexOf.set(request.id, job.index);
      jobs.push(job);
      bookedKrw.push(priceKrw);
      if (onBoard) stops.push({ job: job.index, action: 'PICKUP', drop: 0 });
    }
    for (const stop of input.stops) {
      const job = jobs[indexOf.get(stop.requestId)!]!;
      // A hand-over at the centre keeps its leg's terms: the feeder's by its booked time, the trunk's at it.
      const handOver = stop.action === 'CENTRE_DROP' ? { earliestMs: job.dropEarliestMs, latestMs: stop.at!, serviceMs: job.dropServiceMs[0]! } : stop.action === 'CENTRE_PICKUP' ? { earliestMs: stop.at!, latestMs: stop.at!, serviceMs: job.pickupServiceMs } : null;
      const kind = stop.action === 'CENTRE_DROP' ? ('FEEDER' as const) : ('TRUNK' as const);
      stops.push({ job: job.index, action: stop.action, drop: 0, ...(handOver ? { centre: { kind, capKrw: 0, handlingKrw: 0, ...handOver } } : {}) });
    }
    // The route is driven on the day its first stop ahead falls on (its driving is booked to that day): the extension
    // runs from that day's midnight on, with what that day leaves, not with what is left of today for tomorrow's route.
    const first = jobs[stops[0]!.job]!;
    const start = Math.max(window.start, kstTimeOn(kstDayOf(first.request.pickupWindow.start), '00:00'));
    if (start >= window.end) return [];
    return [{ input, vehicleIndex: firstVehicle + b, window: { start, end: window.end, drivingMinutes: drivingLeft(input.vehicle, start, config) }, jobs: [...indexOf.values()], bookedKrw, stops }];
  });
}

/**
 * A booked leg through the centre as the job its route still drives: a feeder's ends at the centre's dock, open from
 * the centre's opening, handed over by its booked time; a trunk's starts there, loading at its booked time (the goods
 * are there by then, and its departure holds). A direct job is returned as it is.
 */
function legOf(job: TransportJob, handOver: BookedRouteInput['stops'][number] | undefined, centre: CentreInput): TransportJob {
  if (!handOver) return job;
  const dockMs = serviceMinutes(DEFAULT_LOADING_METHOD, job.request.pallets) * MINUTE;
  const at = handOver.at!;
  if (handOver.action === 'CENTRE_PICKUP') return { ...job, origin: centre.location, pickupServiceMs: dockMs, request: { ...job.request, pickupWindow: { start: at, end: at } } };
  const opens = kstTimeOn(kstDayOf(at), centre.opensAt ?? '00:00');
  return { ...job, drops: [centre.location], dropServiceMs: [dockMs], dropEarliestMs: Math.min(opens, at), deadlineMs: at + dockMs };
}

/**
 * The extension offer for `route` (a planned route of a booked truck with new jobs on it), or the new job that
 * must leave it (its caps cannot pay for what it adds), or null when nothing new is left on it. The joining
 * shippers split what the route costs more than its stops ahead did (fair-split.ts), each within its caps and
 * paying at least the truck's per-stop fee; the booked shares do not change.
 */
export function extensionOffer(
  route: PlannedRoute,
  booked: BookedRoute,
  jobs: readonly TransportJob[],
  ctx: RoundContext,
  standaloneKrw: (job: TransportJob) => number,
): { offer: RouteOffer } | { drop: number } | null {
  const lockedJobs = new Set(booked.jobs);
  const joining = [...new Set(route.stops.map((s) => s.job))].filter((k) => !lockedJobs.has(k));
  if (joining.length === 0) return null;
  // An extension carries whole requests: a leg through the centre leaves it, and round.ts takes its other leg too.
  const leg = route.stops.find((s) => s.centre && !lockedJobs.has(s.job));
  if (leg) return { drop: leg.job };
  const parts = (job: TransportJob) => [job.request.pallets];
  const before = scheduleRoute({ ...route, stops: booked.stops }, jobs, ctx, parts);
  const after = scheduleRoute(route, jobs, ctx, parts);
  const weights = joining.map((k) => {
    const job = jobs[k]!;
    const alone = standaloneKrw(job);
    return { weightKrw: Number.isFinite(alone) ? alone : offerBaselineFor(job).transportCostKrw, capKrw: job.transportBudgetKrw };
  });
  const extraKrw = Math.max(0, after.costKrw - before.costKrw);
  const profile = ctx.vehicles[route.vehicleIndex]!;
  // The search measured the extension between places: the metres more to the stops' own coordinates, the carrier forgoes.
  const toleranceKrw = placeToleranceKrw(route, profile.input, after.unseenKm - before.unseenKm);
  // Booked times are stored in whole milliseconds: a booked hand-over by its time, planned again, may pass it by a
  // fraction of one (a feeder's route then took nothing on).
  const fair = after.slackMs > -1 ? fairSplit(chargedKrw(extraKrw, weights, toleranceKrw), weights) : null;
  // A joining load is loaded and unloaded even at a dock the truck calls at anyway (no km, no stop more): it pays
  // at least a stop's fee, within its caps like any share (one that cannot pay it leaves, as below).
  const floorKrw = profile.input.perStopFeeKrw ?? ctx.config.perStopFeeKrw;
  const split = fair && weights.every((w) => Math.min(w.weightKrw, w.capKrw) >= floorKrw) ? fair.map((x) => Math.max(x, floorKrw)) : null;
  if (!split) {
    let worst = 0;
    const cap = (i: number) => Math.min(weights[i]!.weightKrw, weights[i]!.capKrw);
    joining.forEach((_, i) => (worst = cap(i) < cap(worst) ? i : worst));
    return { drop: joining[worst]! };
  }

  const priceKrw = split.reduce((a, b) => a + b, 0);
  const onBoard = new Set(booked.input.requests.filter((r) => r.onBoard).map((r) => r.request.id));
  // Loads on board were picked up on the stops already served: their pickup here is where the truck stands.
  const stops = after.stops.filter((s) => !(s.action === 'PICKUP' && onBoard.has(s.requestId)));
  const breakdown = differenceOf(after.breakdown, before.breakdown, priceKrw, priceKrw - fair!.reduce((a, b) => a + b, 0));
  // What the route drives more: a pickup on the way may turn empty km into loaded km, so empty km may go down
  // (negative here): the booked shares keep the km they booked, and the sums over all shares stay exact.
  const deadheadKm = after.deadheadKm - before.deadheadKm;
  const loadedKm = after.loadedKm - before.loadedKm;
  const co2 = co2Kg(deadheadKm, profile.co2GPerKmEmpty, loadedKm, profile.co2GPerKmLoaded);
  const shares: RouteShare[] = joining.map((k, i) => {
    const job = jobs[k]!;
    const part = priceKrw > 0 ? split[i]! / priceKrw : 1 / joining.length;
    // Goods awaiting a trunk are loaded at the centre: a trunk leg (route-offers.ts).
    const pickup = stops.find((s) => s.requestId === job.request.id && (s.action === 'PICKUP' || s.action === 'CENTRE_PICKUP'))!;
    const drop = stops.find((s) => s.requestId === job.request.id && s.action === 'DROP')!;
    return {
      ...(job.request.atCentre ? { centreLeg: 'TRUNK' as const } : {}),
      requestId: job.request.id,
      shipperOrgId: job.request.shipperOrgId,
      priceKrw: split[i]!,
      breakdown: shareOf(breakdown, priceKrw, split[i]!),
      standaloneKrw: weights[i]!.weightKrw,
      co2Kg: Math.round(co2 * part * 1000) / 1000,
      deadheadKm: deadheadKm * part,
      loadedKm: loadedKm * part,
      pickupAt: pickup.startAt,
      deliverAt: drop.departAt,
      baseline: offerBaselineFor(job),
    };
  });
  const { now, config } = ctx;
  const { routeId, revision, stopsDone } = booked.input;
  return {
    offer: {
      kind: 'ROUTE',
      vehicleId: profile.input.id,
      stops,
      shares,
      priceKrw,
      breakdown,
      deadheadKm,
      loadedKm,
      co2Kg: co2,
      expiresAt: Math.max(now, Math.min(now + config.offerTtlMs, after.leaveAt + after.slackMs)),
      startAt: after.leaveAt,
      endAt: after.endAt,
      peakKg: after.peakKg,
      peakPallets: after.peakPallets,
      kgKm: after.kgKm,
      palletKm: after.palletKm,
      extends: { routeId, revision, stopsDone },
    },
  };
}

/**
 * Whether `extension` and `fresh` (the routes its truck got this round in its free time, planned from where and when
 * its last booking ends, with the driving booked before the extension) can both be driven: the extension is done
 * before each fresh route has the truck leave, and reaches its first stop from the extension's last stop in time; and
 * each fresh route's day holds the extension's added km too (counted on that day, whichever day the extension's km
 * are booked to), with its approach from the farther of the two places. Then neither moves the other: its
 * stops keep their times, and the bookings of both hold the truck at different times.
 */
export function fitsBeside(extension: RouteOffer, fresh: readonly RouteOffer[], ctx: RoundContext): boolean {
  const { config } = ctx;
  const last = extension.stops.at(-1)!.location;
  const addedKm = Math.max(0, extension.deadheadKm + extension.loadedKm);
  return fresh.every((route) => {
    if (route.vehicleId !== extension.vehicleId) return true;
    // The free truck the fresh route was planned on (a booked route's truck is listed without free time).
    const free = ctx.vehicles.find((v) => v.input.id === route.vehicleId && v.input.availability.length > 0)!.input;
    const first = route.stops[0]!;
    const legMs = (from: LatLng, to: LatLng) => travelMs(roadKm(haversineKm(from, to), config), config);
    if (extension.endAt > route.startAt || extension.endAt + legMs(last, first.location) > first.startAt) return false;
    // The fresh route's driving as the search counts it (leg by leg), its approach from the farther start.
    let drivingMs = Math.max(legMs(free.location, first.location), legMs(last, first.location));
    route.stops.forEach((stop, k) => k > 0 && (drivingMs += legMs(route.stops[k - 1]!.location, stop.location)));
    const day = kstDayOf(route.startAt);
    const booked = free.bookedKmByDay?.find((d) => d.day === day)?.km ?? 0;
    const withExtension = { ...free, bookedKmByDay: [{ day, km: booked + addedKm }] };
    return drivingMs / MINUTE <= drivingLeft(withExtension, route.startAt, config);
  });
}

/**
 * What the extension adds, by component (none below zero), summing to `totalKrw`: the rest is distance. `floorKrw`,
 * what the per-load floor raised the shares by, is a stop's fee: on the stops line.
 */
function differenceOf(after: CostBreakdown, before: CostBreakdown, totalKrw: number, floorKrw: number): CostBreakdown {
  const stopsKrw = Math.min(totalKrw, Math.max(0, after.stopsKrw - before.stopsKrw) + floorKrw);
  const waitingKrw = Math.min(totalKrw - stopsKrw, Math.max(0, after.waitingKrw - before.waitingKrw));
  return { baseKrw: 0, distanceKrw: totalKrw - stopsKrw - waitingKrw, storageKrw: 0, handlingKrw: 0, stopsKrw, waitingKrw };
}
