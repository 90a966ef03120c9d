/**
 * A planned route becomes an offer: its schedule stop by stop (the truck leaves just in time for its first
 * pickup), the load on board after each stop, its km empty and loaded, its price on the vehicle's rate card
 * (base fee + per-km × every km + extra-stop fees + waiting past the free allowance), and the fair split of that
 * price among its shippers (fair-split.ts). Requests whose caps the route cannot meet are taken off it, dearest
 * first, and stay OPEN for the next round.
 */
import { haversineKm, type LatLng } from '../../geo/distance';
import { placesInTurn, placesOf } from '../../geo/same-place';
import { offerBaselineFor } from './baseline';
import { roadKm, travelMs } from './config';
import type { RoundContext, TransportJob } from './context';
import { co2Kg } from './cost';
import { fairSplit, type SplitShare } from './fair-split';
import type { PlannedRoute, RouteStopRef } from './pooling';
import type { CostBreakdown, RouteOffer, RouteShare, RouteStop, VehicleInput } from './types';

const HOUR = 3_600_000;
/** A feeder leg's baseline: the request's is on its trunk leg, so it counts once. */
const NO_BASELINE = { transportCostKrw: 0, co2Kg: 0, deadheadKm: 0, loadedKm: 0 };

interface Leg {
  job: TransportJob;
  ref: RouteStopRef;
  location: LatLng;
  kg: number;
  pallets: number;
}

/** The signed load change of each stop: a pickup loads the whole request, each drop its part. */
function legsOf(route: PlannedRoute, jobs: readonly TransportJob[], parts: (job: TransportJob) => number[], centre: LatLng): Leg[] {
  return route.stops.map((ref) => {
    const job = jobs[ref.job]!;
    const { weightKg, pallets } = job.request;
    if (ref.action === 'PICKUP') return { job, ref, location: job.origin, kg: weightKg, pallets };
    if (ref.action === 'CENTRE_PICKUP') return { job, ref, location: centre, kg: weightKg, pallets };
    if (ref.action === 'CENTRE_DROP') return { job, ref, location: centre, kg: -weightKg, pallets: -pallets };
    const share = parts(job);
    const total = share.reduce((a, b) => a + b, 0);
    const fraction = total > 0 ? share[ref.drop]! / total : 1 / share.length;
    const last = ref.drop === job.drops.length - 1;
    // Drops of a split stay unload their part; the last drop empties what is left of the request.
    const before = total > 0 ? share.slice(0, ref.drop).reduce((a, b) => a + b, 0) / total : ref.drop / share.length;
    const kg = last ? -(weightKg - Math.round(weightKg * before)) : -Math.round(weightKg * fraction);
    const palletsOff = last ? -(pallets - Math.round(pallets * before)) : -Math.round(pallets * fraction);
    return { job, ref, location: job.drops[ref.drop]!, kg, pallets: palletsOff };
  });
}

/** A route's schedule stop by stop and its cost on the vehicle's rate card. */
export interface RouteSchedule {
  stops: RouteStop[];
  breakdown: CostBreakdown;
  costKrw: number;
  deadheadKm: number;
  loadedKm: number;
  kgKm: number;
  palletKm: number;
  peakKg: number;
  peakPallets: number;
  /** When the truck leaves, finishes, and how much later it could have left without missing a window or deadline (negative: it misses one). */
  leaveAt: number;
  endAt: number;
  slackMs: number;
  /** Km the search did not see: the route's km between its stops' own coordinates beyond those between their places'. */
  unseenKm: number;
}

/** Schedules `route` (the truck leaves just in time for its first stop) and prices it. */
export function scheduleRoute(route: PlannedRoute, jobs: readonly TransportJob[], ctx: RoundContext, parts: (job: TransportJob) => number[]): RouteSchedule {
  const { config, now } = ctx;
  const profile = ctx.vehicles[route.vehicleIndex]!;
  const vehicle = profile.input;
  const legs = legsOf(route, jobs, parts, ctx.centre.location);
  // Hand-overs at the centre keep to their trunk departure and the centre's opening hours (centre-legs.ts).
  const atCentre = (leg: Leg) => leg.ref.action === 'CENTRE_DROP' || leg.ref.action === 'CENTRE_PICKUP';
  const earliestOf = (leg: Leg) =>
    leg.ref.action === 'PICKUP' ? leg.job.request.pickupWindow.start : atCentre(leg) ? leg.ref.centre!.earliestMs : Math.max(now, leg.job.dropEarliestMs);
  const serviceOf = (leg: Leg) => (leg.ref.action === 'PICKUP' ? leg.job.pickupServiceMs : atCentre(leg) ? leg.ref.centre!.serviceMs : leg.job.dropServiceMs[leg.ref.drop]!);
  const latestOf = (leg: Leg) =>
    leg.ref.action === 'PICKUP' ? leg.job.request.pickupWindow.end : atCentre(leg) ? leg.ref.centre!.latestMs : leg.job.deadlineMs - serviceOf(leg);

  // Leave just in time for the first pickup (never before the window opens or now).
  const approachKm = roadKm(haversineKm(vehicle.location, legs[0]!.location), config);
  const leaveAt = Math.max(now, route.window.start, earliestOf(legs[0]!) - travelMs(approachKm, config));
  let clock = leaveAt;
  let here = vehicle.location;
  let onKg = 0;
  let onPallets = 0;
  let deadheadKm = 0;
  let loadedKm = 0;
  let kgKm = 0;
  let palletKm = 0;
  let waitingMs = 0;
  let slackMs = Infinity;
  let peakKg = 0;
  let peakPallets = 0;
  const stops: RouteStop[] = legs.map((leg) => {
    const km = roadKm(haversineKm(here, leg.location), config);
    if (onKg > 0 || onPallets > 0) loadedKm += km;
    else deadheadKm += km;
    kgKm += onKg * km;
    palletKm += onPallets * km;
    const arriveAt = clock + travelMs(km, config);
    const startAt = Math.max(arriveAt, earliestOf(leg));
    waitingMs += Math.max(0, startAt - arriveAt - config.freeWaitingMinutes * 60_000);
    slackMs = Math.min(slackMs, latestOf(leg) - startAt);
    clock = startAt + serviceOf(leg);
    here = leg.location;
    onKg += leg.kg;
    onPallets += leg.pallets;
    peakKg = Math.max(peakKg, onKg);
    peakPallets = Math.max(peakPallets, onPallets);
    // Goods waiting at the centre are loaded there, as a trunk leg's (a booked route then plans it as one).
    const action = leg.ref.action === 'PICKUP' && leg.job.request.atCentre ? 'CENTRE_PICKUP' : leg.ref.action;
    return { requestId: leg.job.request.id, action, location: leg.location, arriveAt, startAt, departAt: clock, kgAfter: onKg, palletsAfter: onPallets };
  });

  // A stop at the same place as the one before it (a second load at the same dock, its coordinate a few metres off)
  // is no extra stop (경유지): the round's places, as the search counted them (pooling.ts), and measured them.
  const placeOf = placesOf(ctx);
  const places = placesInTurn(stops.map((s) => s.location), placeOf);
  const at = (p: LatLng) => placeOf.at(placeOf.of(p));
  const placesKm = legs.reduce((sum, leg, k) => sum + roadKm(haversineKm(at(k === 0 ? vehicle.location : legs[k - 1]!.location), at(leg.location)), config), 0);
  const extraStops = Math.max(0, places - 2);
  const breakdown: CostBreakdown = {
    baseKrw: vehicle.baseFeeKrw,
    distanceKrw: Math.round(vehicle.perKmKrw * (deadheadKm + loadedKm)),
    storageKrw: 0,
    // A feeder leg's route collects its request's handling at the centre.
    handlingKrw: legs.reduce((sum, leg) => sum + (leg.ref.action === 'CENTRE_DROP' ? leg.ref.centre!.handlingKrw : 0), 0),
    stopsKrw: extraStops * (vehicle.perStopFeeKrw ?? config.perStopFeeKrw),
    waitingKrw: Math.round((waitingMs / HOUR) * (vehicle.waitingFeePerHourKrw ?? config.waitingFeePerHourKrw)),
  };
  const costKrw = breakdown.baseKrw + breakdown.distanceKrw + breakdown.stopsKrw + breakdown.waitingKrw;
  const unseenKm = Math.max(0, deadheadKm + loadedKm - placesKm);
  return { stops, breakdown, costKrw, deadheadKm, loadedKm, kgKm, palletKm, peakKg, peakPallets, leaveAt, endAt: clock, slackMs, unseenKm };
}

/**
 * Returns the offer for `route`, or the jobs that must leave it (their caps cannot be met) when it cannot be
 * offered as it is. `standaloneKrw(job)` is the job's cheapest truck of its own in this round.
 */
export function routeOffer(
  route: PlannedRoute,
  jobs: readonly TransportJob[],
  ctx: RoundContext,
  standaloneKrw: (job: TransportJob) => number,
  parts: (job: TransportJob) => number[],
): { offer: RouteOffer } | { drop: number } {
  const { config, now } = ctx;
  const profile = ctx.vehicles[route.vehicleIndex]!;
  const vehicle = profile.input;
  const { stops, breakdown, costKrw, deadheadKm, loadedKm, kgKm, palletKm, peakKg, peakPallets, leaveAt, endAt, slackMs, unseenKm } = scheduleRoute(route, jobs, ctx, parts);

  const onRoute = [...new Set(route.stops.map((s) => s.job))];
  const legOf = new Map(route.stops.filter((s) => s.centre).map((s) => [s.job, s.centre!]));
  const weights = onRoute.map((k) => {
    const job = jobs[k]!;
    // A leg through the centre weighs and may pay its part of the request's stand-alone price (centre-legs.ts).
    const leg = legOf.get(k);
    if (leg) return { weightKrw: Math.max(1, leg.capKrw), capKrw: leg.capKrw };
    const alone = standaloneKrw(job);
    return { weightKrw: Number.isFinite(alone) ? alone : offerBaselineFor(job).transportCostKrw, capKrw: job.transportBudgetKrw };
  });
  // Identical requests pay the same, though the assignment may have priced them on different trucks: each weighs
  // their mean stand-alone price and is capped by the lowest, so none pays more than its own.
  const ownKrw = weights.map((w) => w.weightKrw);
  const twins = new Map<string, number[]>();
  onRoute.forEach((k, i) => {
    if (legOf.has(k)) return;
    const key = identityOf(jobs[k]!);
    twins.set(key, [...(twins.get(key) ?? []), i]);
  });
  for (const group of twins.values()) {
    if (group.length < 2) continue;
    const weightKrw = group.reduce((sum, i) => sum + weights[i]!.weightKrw, 0) / group.length;
    const capKrw = Math.min(...group.map((i) => Math.min(weights[i]!.weightKrw, weights[i]!.capKrw)));
    for (const i of group) weights[i] = { weightKrw, capKrw };
  }
  // The search kept the route within its shippers' caps; whole-won rounding may overshoot by under a won each.
  const shared = fairSplit(chargedKrw(costKrw, weights, weights.length + placeToleranceKrw(route, vehicle, unseenKm)), weights);
  // Handling is the request's own: added to its share, not split.
  const split = shared?.map((x, i) => x + (legOf.get(onRoute[i]!)?.handlingKrw ?? 0)) ?? null;
  if (!split) {
    // The dearest request relative to what it may pay leaves the route.
    let worst = 0;
    onRoute.forEach((_, i) => {
      const cap = (w: (typeof weights)[number]) => Math.min(w.weightKrw, w.capKrw);
      if (cap(weights[i]!) < cap(weights[worst]!)) worst = i;
    });
    return { drop: onRoute[worst]! };
  }

  const priceKrw = split.reduce((a, b) => a + b, 0);
  const routeCostKrw = costKrw + breakdown.handlingKrw;
  const co2 = co2Kg(deadheadKm, profile.co2GPerKmEmpty, loadedKm, profile.co2GPerKmLoaded);
  const shares: RouteShare[] = onRoute.map((k, i) => {
    const job = jobs[k]!;
    const part = priceKrw > 0 ? split[i]! / priceKrw : 1 / onRoute.length;
    const pickup = stops.find((s) => s.requestId === job.request.id && (s.action === 'PICKUP' || s.action === 'CENTRE_PICKUP'))!;
    const lastDrop = [...stops].reverse().find((s) => s.requestId === job.request.id && (s.action === 'DROP' || s.action === 'CENTRE_DROP'))!;
    const leg = legOf.get(k);
    return {
      ...(leg ? { centreLeg: leg.kind } : job.request.atCentre ? { centreLeg: 'TRUNK' as const } : {}),
      requestId: job.request.id,
      shipperOrgId: job.request.shipperOrgId,
      priceKrw: split[i]!,
      // Its own handling, and its part of the rest of the route in proportion.
      breakdown: { ...shareOf({ ...breakdown, handlingKrw: 0 }, costKrw, split[i]! - (leg?.handlingKrw ?? 0)), handlingKrw: leg?.handlingKrw ?? 0 },
      // A leg's part of the request's stand-alone price (handling included on the feeder): the legs' sum is the whole.
      standaloneKrw: leg ? Math.round(leg.capKrw + leg.handlingKrw) : ownKrw[i]!,
      co2Kg: Math.round(co2 * part * 1000) / 1000,
      deadheadKm: deadheadKm * part,
      loadedKm: loadedKm * part,
      pickupAt: pickup.startAt,
      deliverAt: lastDrop.departAt,
      baseline: leg?.kind === 'FEEDER' ? NO_BASELINE : offerBaselineFor(job),
    };
  });
  // The offer lapses when the truck could no longer leave in time for every stop, or after the TTL.
  const expiresAt = Math.max(now, Math.min(now + config.offerTtlMs, leaveAt + slackMs));
  return {
    offer: {
      kind: 'ROUTE',
      vehicleId: vehicle.id,
      stops,
      shares,
      priceKrw,
      // The fractions of a won dropped from the shares come off the distance charge.
      breakdown: { ...breakdown, distanceKrw: breakdown.distanceKrw - (routeCostKrw - priceKrw) },
      deadheadKm,
      loadedKm,
      co2Kg: co2,
      expiresAt,
      startAt: leaveAt,
      endAt,
      peakKg,
      peakPallets,
      kgKm,
      palletKm,
    },
  };
}

/**
 * What a route's shippers are charged for `costKrw`: the sum of their caps when it passes them by no more than
 * `toleranceKrw`, which the carrier forgoes (the search kept the route within them; see unseenKrw), else `costKrw`.
 */
export function chargedKrw(costKrw: number, weights: readonly SplitShare[], toleranceKrw: number): number {
  const capsKrw = weights.reduce((sum, w) => sum + Math.min(w.weightKrw, w.capKrw), 0);
  return costKrw > capsKrw && costKrw <= capsKrw + toleranceKrw ? capsKrw : costKrw;
}

/**
 * How far a route's price on its stops' own coordinates may pass its caps because the search measured it between
 * places (pooling.ts): what the search allowed its requests for that, and the km it did not see (RouteSchedule.unseenKm).
 */
export const placeToleranceKrw = (route: PlannedRoute, vehicle: VehicleInput, unseenKm: number) => (route.placeSlackKrw ?? 0) + Math.ceil(vehicle.perKmKrw * Math.max(0, unseenKm));

const KEYS = ['baseKrw', 'distanceKrw', 'storageKrw', 'handlingKrw', 'stopsKrw', 'waitingKrw'] as const;

/** A share's breakdown: each component in the share's proportion, rounded down, the remainder on distance. */
export function shareOf(route: CostBreakdown, routeCostKrw: number, shareKrw: number): CostBreakdown {
  const part = routeCostKrw > 0 ? shareKrw / routeCostKrw : 0;
  const out = Object.fromEntries(KEYS.map((k) => [k, Math.floor(route[k] * part)])) as unknown as CostBreakdown;
  out.distanceKrw += shareKrw - KEYS.reduce((sum, k) => sum + out[k], 0);
  return out;
}

/** What makes two requests the same for pricing: everything the route's cost and the shipper's caps depend on. */
function identityOf(job: TransportJob): string {
  const r = job.request;
  return JSON.stringify([job.origin, job.drops, r.weightKg, r.pallets, r.cargoClass, r.pickupWindow, job.deadlineMs, job.dropEarliestMs, r.pickupLoadingMethod, r.deliveryLoadingMethod, job.transportBudgetKrw]);
}
