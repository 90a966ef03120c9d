/**
 * Entry point of a matching round: storage legs, then the exact one-request-per-truck assignment, then the pooled
 * search that starts from it (pooling.ts over the routing core) and lets a truck carry several requests, then
 * each route priced and split among its shippers (route-offers.ts). Pure: no I/O; the clock is read only for
 * the search's time budget and the report's timeMs.
 */
import { placesInTurn, placesOf } from '../../geo/same-place';
import { resolveConfig, type ConfigOverrides, type MatchingConfig } from './config';
import { baselineFor } from './baseline';
import { addBookedRoutes, bookedVehicles, extensionOffer, fitsBeside } from './booked-routes';
import { createContext, type RoundContext, type TransportJob } from './context';
import { ZERO_BREAKDOWN } from './cost';
import { buildJob, dropPallets } from './jobs';
import { poolRoutes, type PlannedRoute, type RouteStopRef } from './pooling';
import { routeOffer } from './route-offers';
import { planStorage, type StoragePlan } from './storage';
import { assignTransport } from './transport';
import type { Offer, RouteOffer, RoundInput, RoundReport, RoundResult, StorageOffer } from './types';
import type { RefusalReason } from './feasibility';
import { whyUnserved, type UnservedRequest } from './unserved';

/** Jobs of a round plus their storage plans (exported for the benchmark's unpruned reference). */
export interface PreparedRound {
  ctx: RoundContext;
  jobs: TransportJob[];
  storagePlans: Map<number, StoragePlan>;
  /** Why no warehouse took a request's storage, by its index in the input (it has no job). */
  storageRefusals: Map<number, RefusalReason>;
}

/** Returns the context and transport jobs of `input` after the storage phase (storage capacity is reserved). */
export function prepareRound(input: RoundInput, config: MatchingConfig): PreparedRound {
  const ctx = createContext(config, input.now, input.centre, [...input.vehicles, ...bookedVehicles(input)], input.excludedPairs);
  const storage = planStorage(input.requests, input.listings, ctx);
  const storagePlans = new Map<number, StoragePlan>();
  const storageRefusals = new Map<number, RefusalReason>();
  const jobs: TransportJob[] = [];
  input.requests.forEach((request, i) => {
    const plan = storage.get(i);
    if (plan && !plan.ok) storageRefusals.set(i, plan.reason);
    if (request.storage && !plan?.ok) return;
    if (plan?.ok) storagePlans.set(i, plan);
    jobs.push(buildJob(jobs.length, i, request, config, plan?.ok ? plan : undefined, input.listings));
  });
  return { ctx, jobs, storagePlans, storageRefusals };
}

export interface RoundOptions {
  /** True once the round must end now (the service stopping): its search stops and the round offers its best plan so far. */
  cut?: () => boolean;
}

/**
 * Runs one matching round over plain data and returns its offers and report.
 * `config` may be a full MatchingConfig or overrides of DEFAULT_CONFIG.
 * @throws Error only on malformed input (e.g. non-integer or negative rate cards producing invalid costs).
 */
export function runRound(input: RoundInput, config: ConfigOverrides = {}, { cut }: RoundOptions = {}): RoundResult {
  const startedAt = performance.now();
  const settings = resolveConfig(config);
  const { ctx, jobs, storagePlans, storageRefusals } = prepareRound(input, settings);
  const assignment = assignTransport(jobs, ctx, { prune: true });
  // A request's stand-alone option is its truck in the one-request-per-truck assignment of this round, or, when
  // the assignment left it out, its cheapest feasible truck.
  const standalone = (job: TransportJob) => assignment.plans[job.index]?.costKrw ?? assignment.cheapestKrw[job.index]!;
  // Booked routes' requests join the jobs after the assignment: only their own truck carries them.
  const booked = addBookedRoutes(input.bookedRoutes ?? [], jobs, ctx, input.vehicles.length);
  const pooled = poolRoutes(jobs, ctx, assignment, { deadline: startedAt + settings.roundSeconds * 1000, cut, seed: settings.seed, standaloneKrw: standalone, booked });
  const parts = (job: TransportJob) => dropPallets(job.request, storagePlans.get(job.requestIndex));
  // A request through the centre is offered both its legs or neither: when one leg loses it (its route cannot
  // pay for it, waits for companions, or its truck's extension is not offered), the routes are priced again without it.
  const lost = new Set<number>();
  // A booked leg through the centre stays on its route: only a new request's legs are offered together or lost.
  const bookedJobs = new Set(booked.flatMap((b) => b.jobs));
  let routes: RouteOffer[] = [];
  let served = new Set<number>();
  let held = new Set<number>();
  for (let changed = true; changed; ) {
    changed = false;
    routes = [];
    served = new Set<number>();
    held = new Set<number>();
    const lose = (stops: readonly RouteStopRef[]) => {
      for (const s of stops)
        if (s.centre && !lost.has(s.job) && !bookedJobs.has(s.job)) {
          lost.add(s.job);
          changed = true;
        }
    };
    /** Offers `planned` (less lost jobs), shedding the job its pricing names until the rest pays; null: not offered. */
    const offer = (planned: PlannedRoute, price: (route: PlannedRoute) => { offer: RouteOffer } | { drop: number } | null) => {
      let route: PlannedRoute = { ...planned, stops: planned.stops.filter((s) => !lost.has(s.job)) };
      for (;;) {
        const priced = route.stops.length > 0 ? price(route) : null;
        if (!priced) return lose(route.stops);
        if ('offer' in priced) {
          routes.push(priced.offer);
          for (const stop of route.stops) if (!planned.extends?.jobs.includes(stop.job)) served.add(stop.job);
          return;
        }
        lose(route.stops.filter((s) => s.job === priced.drop));
        route = { ...route, stops: route.stops.filter((s) => s.job !== priced.drop) };
      }
    };
    // A route not due for a while waits for companions in later rounds: a lone load for `holdAloneMinutes`, a shared route for `holdPooledMinutes`.
    const waits = (offer: RouteOffer, route: PlannedRoute) => {
      const hold = offer.shares.length === 1 ? settings.holdAloneMinutes : settings.holdPooledMinutes;
      const waiting = hold > 0 && jobs[route.stops[0]!.job]!.request.pickupWindow.start - input.now > hold * 60_000;
      if (waiting) for (const stop of route.stops) held.add(stop.job);
      return waiting;
    };
    for (const planned of pooled.routes)
      if (!planned.extends)
        offer(planned, (route) => {
          const priced = routeOffer(route, jobs, ctx, standalone, parts);
          return 'offer' in priced && waits(priced.offer, route) ? null : priced;
        });
    // Extensions, where they fit before the fresh routes their trucks got this round (planned from where and when the
    // booked route ended: fitsBeside), and not over the hours of an extension of another of the truck's routes: its
    // morning route extended later and its afternoon route earlier could overlap.
    const fresh = [...routes];
    const overlaps = (o: RouteOffer) => routes.some((r) => r.extends && r.vehicleId === o.vehicleId && r.startAt < o.endAt && o.startAt < r.endAt);
    for (const planned of pooled.routes) {
      const extended = planned.extends;
      if (!extended) continue;
      offer(planned, (route) => {
        const priced = extensionOffer(route, extended, jobs, ctx, standalone);
        return priced && 'offer' in priced && (overlaps(priced.offer) || !fitsBeside(priced.offer, fresh, ctx)) ? null : priced;
      });
    }
  }

  const offers: Offer[] = [...routes, ...storageOffers(input, jobs, routes, served, storagePlans)];
  const servedIds = new Set([...served].map((k) => jobs[k]!.request.id));
  const unserved = whyUnserved(input.requests, servedIds, jobs, held, storageRefusals, ctx);
  const report = buildReport(input, ctx, jobs, served, unserved, routes, offers, assignment.totalCostKrw, performance.now() - startedAt);
  return { offers, report };
}

/** The storage parts of every served request that needs storage; they lapse with its route's offer. */
function storageOffers(input: RoundInput, jobs: TransportJob[], routes: RouteOffer[], served: ReadonlySet<number>, storagePlans: Map<number, StoragePlan>): StorageOffer[] {
  const expiryOf = new Map(routes.flatMap((r) => r.shares.map((s) => [s.requestId, r.expiresAt] as const)));
  const offers: StorageOffer[] = [];
  for (const k of served) {
    const job = jobs[k]!;
    for (const part of storagePlans.get(job.requestIndex)?.parts ?? []) {
      const listing = input.listings[part.listingIndex]!;
      offers.push({
        kind: 'STORAGE',
        requestId: job.request.id,
        listingId: listing.id,
        pallets: part.pallets,
        fromDay: part.fromDay,
        toDay: part.toDay,
        priceKrw: part.breakdown.storageKrw,
        breakdown: { ...ZERO_BREAKDOWN, storageKrw: part.breakdown.storageKrw },
        deadheadKm: 0,
        loadedKm: 0,
        co2Kg: 0,
        expiresAt: expiryOf.get(job.request.id)!,
      });
    }
  }
  return offers;
}

function buildReport(
  input: RoundInput,
  ctx: RoundContext,
  jobs: TransportJob[],
  served: ReadonlySet<number>,
  unserved: UnservedRequest[],
  routes: RouteOffer[],
  offers: Offer[],
  assignmentCostKrw: number,
  timeMs: number,
): RoundReport {
  let totalCostKrw = 0;
  let deadheadKm = 0;
  let loadedKm = 0;
  let co2 = 0;
  for (const o of offers) {
    totalCostKrw += o.priceKrw;
    deadheadKm += o.deadheadKm;
    loadedKm += o.loadedKm;
    co2 += o.co2Kg;
  }
  let baselineCostKrw = 0;
  let baselineCo2Kg = 0;
  for (const k of served) {
    const b = baselineFor(jobs[k]!);
    baselineCostKrw += b.costKrw;
    baselineCo2Kg += b.co2Kg;
  }
  let peakKgPct = 0;
  let peakPalletsPct = 0;
  let kgKm = 0;
  let kgCapacityKm = 0;
  let palletKm = 0;
  let palletCapacityKm = 0;
  let stops = 0;
  const vehicleOf = new Map(ctx.vehicles.map((v) => [v.input.id, v.input]));
  for (const route of routes) {
    const vehicle = vehicleOf.get(route.vehicleId)!;
    const km = route.deadheadKm + route.loadedKm;
    peakKgPct += route.peakKg / vehicle.payloadKg;
    peakPalletsPct += route.peakPallets / vehicle.palletSlots;
    kgKm += route.kgKm;
    kgCapacityKm += vehicle.payloadKg * km;
    palletKm += route.palletKm;
    palletCapacityKm += vehicle.palletSlots * km;
    stops += placesInTurn(route.stops.map((s) => s.location), placesOf(ctx));
  }
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  const pct = (part: number, whole: number) => (whole > 0 ? round3((part / whole) * 100) : 0);
  // Pooled (혼적) as insights count it and statements mark it: several shippers' goods on the truck, booked ones
  // included for an extension; one shipper's loads together are not.
  const shipperOf = new Map([...input.requests, ...(input.bookedRoutes ?? []).flatMap((b) => b.requests.map((r) => r.request))].map((r) => [r.id, r.shipperOrgId]));
  const pooled = routes.filter((r) => new Set(r.stops.map((s) => shipperOf.get(s.requestId))).size > 1);
  const trips = routes.length - routes.filter((r) => r.extends).length;
  return {
    requestsConsidered: input.requests.length,
    servedCount: served.size,
    unserved,
    routes: routes.length,
    extensions: routes.filter((r) => r.extends).length,
    pooledRoutes: pooled.length,
    // Every request on a pooled route's stops: an extension's shares are only the joining ones, its truck carries the booked too.
    pooledRequests: pooled.reduce((sum, r) => sum + new Set(r.stops.map((s) => s.requestId)).size, 0),
    centreRequests: new Set(routes.flatMap((r) => r.shares.filter((s) => s.centreLeg).map((s) => s.requestId))).size,
    // A request through the centre makes two trips; an extension is no new trip: its requests ride a truck already out.
    requestsPerTrip: trips > 0 ? round3(routes.reduce((sum, r) => sum + r.shares.length, 0) / trips) : 0,
    stopsPerRoute: routes.length > 0 ? round3(stops / routes.length) : 0,
    loadFactorKgPeakPct: pct(peakKgPct, routes.length),
    loadFactorPalletsPeakPct: pct(peakPalletsPct, routes.length),
    loadFactorKgKmPct: pct(kgKm, kgCapacityKm),
    loadFactorPalletsKmPct: pct(palletKm, palletCapacityKm),
    assignmentCostKrw,
    totalCostKrw,
    baselineCostKrw,
    savingsPct: baselineCostKrw > 0 ? round3(((baselineCostKrw - totalCostKrw) / baselineCostKrw) * 100) : 0,
    deadheadKm: round3(deadheadKm),
    loadedKm: round3(loadedKm),
    emptyKmShare: deadheadKm + loadedKm > 0 ? round3(deadheadKm / (deadheadKm + loadedKm)) : 0,
    co2Kg: round3(co2),
    baselineCo2Kg: round3(baselineCo2Kg),
    candidatePairsEvaluated: ctx.counters.pairsEvaluated,
    feasiblePairs: ctx.counters.feasiblePairs,
    timeMs: Math.round(timeMs * 10) / 10,
  };
}
