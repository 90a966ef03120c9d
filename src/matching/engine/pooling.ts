/**
 * The marketplace's side of pooled routing: turns a round's transport jobs and vehicles into the routing core's
 * problem (src/routing), warm-started from the exact one-request-per-truck assignment, and reads its plan back as
 * routes of jobs. Knows the marketplace's rules (bodies, cargo that may not ride together, declined pairs,
 * price ceilings, availability windows); the core knows none of them.
 *
 * Large rounds are cut into clusters that are solved one after another within the round's time budget: jobs
 * sorted by pickup day and by the bearing of their destination from the centre (loads heading the same way are
 * the ones worth pooling), each cluster with the vehicles its jobs were assigned and a share of the idle ones.
 *
 * Units inside the core: km for distance, minutes since the round's `now` for time, KRW for cost (base fee per
 * vehicle used, per-km rate, extra-stop fee). Routes are open: a truck ends where its last drop is, as the
 * one-request offers always priced it.
 */
import { haversineKm, type LatLng } from '../../geo/distance';
import { placesOf } from '../../geo/same-place';
import { checkPlan, solve, type Plan, type PlanRoute, type RoutingProblem, type RoutingRequest, type RoutingVehicle } from '../../routing';
import { offerBaselineFor } from './baseline';
import type { BookedRoute } from './booked-routes';
import { centreCandidates, centreOptions, type CentreLeg, type CentreOption } from './centre-legs';
import { roadKm, travelMs } from './config';
import type { DrivingWindow, RoundContext, TransportJob, VehicleProfile } from './context';
import { kstDayOf } from './days';
import { cargoFitsBody, excludedAlongside, loadableAtBothEnds } from './feasibility';
import type { TransportAssignment } from './transport';
import type { TimeWindow } from './types';

/** One stop of a planned route: the job (by index in the round's jobs) and what happens there. */
export interface RouteStopRef {
  job: number;
  /** CENTRE_DROP ends a feeder leg at the centre, CENTRE_PICKUP starts a trunk leg there (centre-legs.ts). */
  action: 'PICKUP' | 'DROP' | 'CENTRE_DROP' | 'CENTRE_PICKUP';
  /** For a job with several drops (split storage), which one. */
  drop: number;
  /** The leg of a job going through the centre; absent when it goes direct. */
  centre?: CentreLeg;
}

export interface PlannedRoute {
  vehicleIndex: number;
  /** The availability window the route runs in. */
  window: TimeWindow;
  stops: RouteStopRef[];
  /** A booked route's truck: the plan extends that route (its locked stops kept in order). */
  extends?: BookedRoute;
  /** What the search let its requests cost beyond their caps for the metres between their coordinates and their places'. */
  placeSlackKrw?: number;
}

export interface PoolingOptions {
  /** `performance.now()` value by which every cluster must be solved. */
  deadline: number;
  /** True once the round must end now: every cluster's search returns its best plan so far (the rest their warm start). */
  cut?: () => boolean;
  seed: number;
  /** What a job would pay on a truck of its own in this round: no route charges it more (fair-split.ts). */
  standaloneKrw: (job: TransportJob) => number;
  /** Booked routes with room: each cluster weighs extending them against new trucks. */
  booked?: readonly BookedRoute[];
}

const MINUTE = 60_000;
/** Rounding slack: prices are whole won and times whole ms, the core's arithmetic is not. */
const KRW_SLACK = 1;
const MINUTES_SLACK = 0.01;
/**
 * Requests per cluster. Each iteration of the search costs about the square of this (removed requests × routes
 * to try them in), and pooling needs iterations: in bench:match, 100–150 gave 5–9 % cheaper than the assignment
 * within 5 s at 500 and 2,000 requests, 250 gave 4 % and −1 %.
 */
const CLUSTER_SIZE = 120;
/** Booked routes a cluster may extend: each adds its locked requests and a truck to every iteration. */
const MAX_BOOKED_PER_CLUSTER = 20;
/**
 * The window a vehicle works in this round: the one its assigned job uses, else (idle) the one most of `pickups`
 * overlap, the first on a tie or when none does: its first alone would leave loads for a later day only the trucks
 * the assignment gave them. A job departing at midnight after a day with driving booked uses the day that starts
 * there, not the one that ends there.
 */
function windowOf(vehicle: VehicleProfile, assignedDepartAt: number | undefined, pickups: readonly TimeWindow[] = []): DrivingWindow | undefined {
  if (assignedDepartAt === undefined) {
    const overlapping = (w: DrivingWindow) => pickups.filter((p) => p.start < w.end && w.start < p.end).length;
    return vehicle.windows.reduce<DrivingWindow | undefined>((best, w) => (best === undefined || overlapping(w) > overlapping(best) ? w : best), undefined);
  }
  const within = (w: DrivingWindow) => w.start <= assignedDepartAt && assignedDepartAt <= w.end;
  return vehicle.windows.find((w) => within(w) && assignedDepartAt < w.end) ?? vehicle.windows.find(within);
}

/**
 * Returns the pooled routes of `jobs` and the jobs left unserved. Jobs with several drops (split storage) keep
 * their assigned truck to themselves; every other job may share.
 */
export function poolRoutes(jobs: readonly TransportJob[], ctx: RoundContext, assignment: TransportAssignment, options: PoolingOptions): { routes: PlannedRoute[]; unserved: number[] } {
  const routes: PlannedRoute[] = [];
  const unserved: number[] = [];
  // Vehicles the assignment used: each stays with its cluster (or its split-storage job); the rest are idle.
  const assigned = new Uint8Array(ctx.vehicles.length);
  for (const plan of assignment.plans) if (plan) assigned[plan.vehicleIndex] = 1;
  const poolable: number[] = [];
  const bookedJobs = new Set((options.booked ?? []).flatMap((b) => b.jobs));
  jobs.forEach((job, k) => {
    if (bookedJobs.has(k)) return;
    const plan = assignment.plans[k];
    if (job.drops.length === 1) return poolable.push(k);
    if (!plan) return unserved.push(k);
    const window = windowOf(ctx.vehicles[plan.vehicleIndex]!, plan.departAt)!;
    routes.push({ vehicleIndex: plan.vehicleIndex, window, stops: [{ job: k, action: 'PICKUP', drop: 0 }, ...job.drops.map((_, d) => ({ job: k, action: 'DROP' as const, drop: d }))] });
  });

  const clusters = clustersOf(poolable, jobs, ctx);
  // Cross-dock pallets per KST day, promised by earlier rounds and the clusters solved so far (they share the centre).
  const crossDocked = new Map((ctx.centre.crossDockedPallets ?? []).map((d) => [d.day, d.pallets]));
  const idle = ctx.vehicles
    .filter((v) => assigned[v.index] === 0 && v.windows.length > 0)
    .sort((a, b) => haversineKm(a.input.location, ctx.centre.location) - haversineKm(b.input.location, ctx.centre.location) || a.index - b.index);
  const bookedShare = bookedOfClusters(options.booked ?? [], clusters, jobs, ctx);
  const idleShare = clusters.map(() => [] as number[]);
  idle.forEach((v, i) => {
    const c = i % clusters.length;
    if (idleShare[c]!.length < Math.max(50, clusters[c]!.length)) idleShare[c]!.push(v.index);
  });

  clusters.forEach((cluster, c) => {
    const remaining = clusters.slice(c).reduce((sum, cl) => sum + cl.length, 0);
    const now = performance.now();
    const slice = Math.max(0, ((options.deadline - now) * cluster.length) / Math.max(1, remaining));
    const solved = solveCluster(cluster, idleShare[c]!, jobs, ctx, assignment, { ...options, booked: bookedShare[c]!, deadline: now + slice, seed: options.seed + c }, crossDocked);
    routes.push(...solved.routes);
    unserved.push(...solved.unserved);
  });
  return { routes, unserved };
}

/**
 * Each booked route goes to at most one cluster (it may be extended once): the one holding the job heading most its
 * way (by the bearing of its last stop) among the jobs whose pickup window meets the truck's remaining shift. A
 * cluster spans a range of bearings: judged by one job of it, a route could go to a cluster other than the one holding
 * the load beside it. A cluster takes the MAX_BOOKED_PER_CLUSTER closest in bearing (each adds its locked requests
 * and a truck to every iteration of the search).
 */
function bookedOfClusters(booked: readonly BookedRoute[], clusters: number[][], jobs: readonly TransportJob[], ctx: RoundContext): BookedRoute[][] {
  const bearing = (to: LatLng) => Math.atan2(to.lat - ctx.centre.location.lat, (to.lng - ctx.centre.location.lng) * Math.cos((to.lat * Math.PI) / 180));
  const gap = (x: number, y: number) => Math.abs(Math.atan2(Math.sin(x - y), Math.cos(x - y)));
  const heading = clusters.map((cluster) => cluster.map((k) => bearing(jobs[k]!.drops[0]!)));
  const share = clusters.map(() => [] as { b: BookedRoute; gap: number }[]);
  for (const b of booked) {
    const angle = bearing(jobs[b.stops.at(-1)!.job]!.drops[0]!);
    let best = -1;
    let bestGap = Infinity;
    clusters.forEach((cluster, c) =>
      cluster.forEach((k, i) => {
        const pickup = jobs[k]!.request.pickupWindow;
        const g = gap(heading[c]![i]!, angle);
        if (pickup.start <= b.window.end && pickup.end >= b.window.start && g < bestGap) [best, bestGap] = [c, g];
      }),
    );
    if (best !== -1) share[best]!.push({ b, gap: bestGap });
  }
  return share.map((list) => list.sort((x, y) => x.gap - y.gap).slice(0, MAX_BOOKED_PER_CLUSTER).map((x) => x.b));
}

/** Poolable jobs sorted by pickup day, then destination bearing from the centre, cut into chunks. */
function clustersOf(poolable: number[], jobs: readonly TransportJob[], ctx: RoundContext): number[][] {
  const bearing = (to: LatLng) => Math.atan2(to.lat - ctx.centre.location.lat, (to.lng - ctx.centre.location.lng) * Math.cos((to.lat * Math.PI) / 180));
  const keyed = poolable.map((k) => ({ k, day: kstDayOf(jobs[k]!.request.pickupWindow.start), angle: bearing(jobs[k]!.drops[0]!) }));
  keyed.sort((a, b) => a.day - b.day || a.angle - b.angle || a.k - b.k);
  const count = Math.max(1, Math.ceil(keyed.length / CLUSTER_SIZE));
  const size = Math.ceil(keyed.length / count);
  const clusters: number[][] = [];
  for (let i = 0; i < keyed.length; i += size) clusters.push(keyed.slice(i, i + size).map((x) => x.k));
  return clusters.length > 0 ? clusters : [[]];
}

function solveCluster(
  cluster: number[],
  idleVehicles: number[],
  jobs: readonly TransportJob[],
  ctx: RoundContext,
  assignment: TransportAssignment,
  options: PoolingOptions,
  crossDocked: Map<number, number>,
): { routes: PlannedRoute[]; unserved: number[] } {
  if (cluster.length === 0) return { routes: [], unserved: [] };
  const { config, now } = ctx;
  const booked = options.booked ?? [];
  // Each vehicle works in the window of its assigned job, an idle one in that of most of the cluster's pickups.
  const departAt = new Map<number, number>();
  for (const k of cluster) {
    const plan = assignment.plans[k];
    if (plan) departAt.set(plan.vehicleIndex, plan.departAt);
  }
  const pickups = cluster.map((k) => jobs[k]!.request.pickupWindow);
  const fleet = [...new Set([...departAt.keys(), ...idleVehicles])];
  const windows = new Map<number, DrivingWindow>();
  for (const v of fleet) {
    const window = windowOf(ctx.vehicles[v]!, departAt.get(v), pickups);
    if (window) windows.set(v, window);
  }
  const vehicles = fleet.filter((v) => windows.has(v));
  for (const b of booked) {
    vehicles.push(b.vehicleIndex);
    windows.set(b.vehicleIndex, b.window);
  }

  // Locations: 0 is the open end (free to reach from anywhere), then vehicles, origins and drops.
  const coords: LatLng[] = [{ lat: 0, lng: 0 }];
  const locationOf = new Map<number, number>();
  /**
   * Returns a place's location in the core (1-based: 0 is the open end), one per place of the round
   * (src/geo/same-place.ts): loads picked up or dropped at one site, its shippers' coordinates a few metres apart,
   * share it, so the core charges the truck's stop there once, as the offer counts it (route-offers.ts). A truck's
   * start too: a load on board is picked up where the truck stands, at no distance.
   */
  const places = placesOf(ctx);
  // The centre first: its own coordinate represents its dock.
  places.of(ctx.centre.location);
  const place = (p: LatLng) => {
    const at = places.of(p);
    let location = locationOf.get(at);
    if (location === undefined) locationOf.set(at, (location = coords.push(places.at(at)) - 1));
    return location;
  };
  const startOf = vehicles.map((v) => place(ctx.vehicles[v]!.input.location));
  const minutes = (ms: number) => (ms - now) / MINUTE;

  const routable: number[] = [];
  const ends: { origin: number; drop: number }[] = [];
  const requests: RoutingRequest[] = [];
  const unserved: number[] = [];
  /** What job k may pay for its transport: its own truck's price in this round, within its maximum price. */
  const capOf = (k: number) => Math.min(options.standaloneKrw(jobs[k]!), jobs[k]!.transportBudgetKrw);
  /**
   * What the core may count a request's route dearer than its own coordinates make it: each end moved to its place's
   * coordinate lengthens each of its two legs by at most that offset, a truck's start its first leg. Without it a load
   * alone on its truck, at a place another shipper's coordinate represents, could cost the core a few won over its own
   * price (its cap) and lose its warm start; the offer is priced on the ends' own coordinates (route-offers.ts).
   */
  const perKmKrw = Math.max(0, ...vehicles.map((v) => ctx.vehicles[v]!.input.perKmKrw));
  const startOffsetKm = Math.max(0, ...vehicles.map((v) => places.offsetKm(ctx.vehicles[v]!.input.location)));
  const placeSlackKrw = (job: TransportJob) => perKmKrw * roadKm(startOffsetKm + 2 * (places.offsetKm(job.origin) + places.offsetKm(job.drops[0]!)), config);
  /** The core's request for job k, or null when its windows are already past. */
  const requestOf = (k: number): RoutingRequest | null => {
    const job = jobs[k]!;
    const r = job.request;
    const pickupEarliest = Math.max(0, minutes(r.pickupWindow.start));
    const deliveryService = job.dropServiceMs[0]! / MINUTE;
    const deliveryLatest = minutes(job.deadlineMs) - deliveryService;
    if (minutes(r.pickupWindow.end) < 0 || deliveryLatest < Math.max(pickupEarliest, minutes(job.dropEarliestMs))) return null;
    const origin = place(job.origin);
    const drop = place(job.drops[0]!);
    return {
      pickup: { location: origin, earliest: pickupEarliest, latest: Math.max(pickupEarliest, minutes(r.pickupWindow.end)) + MINUTES_SLACK, service: job.pickupServiceMs / MINUTE },
      delivery: { location: drop, earliest: Math.max(pickupEarliest, minutes(job.dropEarliestMs)), latest: deliveryLatest + MINUTES_SLACK, service: deliveryService },
      demand: [r.weightKg, r.pallets],
      tags: [r.cargoClass],
      excludes: excludedAlongside(r.cargoClass),
      unservedPenalty: 0,
      maxShare: capOf(k) + KRW_SLACK + placeSlackKrw(job),
    };
  };
  for (const k of cluster) {
    const request = requestOf(k);
    if (!request) unserved.push(k);
    else {
      routable.push(k);
      requests.push(request);
      ends.push({ origin: request.pickup.location, drop: request.delivery.location });
    }
  }

  // The centre, as another way for loads heading the same way; each day's cross-dock pallets are one resource.
  const viaCentre = centreCandidates(routable, jobs, ctx);
  const centreOf = new Map<number, CentreOption[]>();
  const resources: number[] = [];
  const resourceDays: number[] = [];
  if (viaCentre.size > 0) {
    const centre = place(ctx.centre.location);
    const rates = vehicles.map((v) => ctx.vehicles[v]!.input);
    const aloneKrw = (km: number) => rates.reduce((best, v) => Math.min(best, v.baseFeeKrw + v.perKmKrw * km), Infinity);
    routable.forEach((k, ri) => {
      if (!viaCentre.has(k)) return;
      // Its legs' caps are their shares' weights, so they must be sums of won: a load no truck of the round could take
      // alone, with no maxPriceKrw, has no cap; through the centre it may cost what a dedicated truck would, as its
      // weight is on a direct route (route-offers.ts).
      const cap = Number.isFinite(capOf(k)) ? capOf(k) : offerBaselineFor(jobs[k]!).transportCostKrw;
      const options = centreOptions(jobs[k]!, ctx, { ...ends[ri]!, centre }, cap, aloneKrw);
      if (options.length === 0) return;
      centreOf.set(ri, options);
      requests[ri] = {
        ...requests[ri]!,
        transfers: options.map((o) => {
          let resource = resourceDays.indexOf(o.day);
          if (resource === -1) {
            resource = resourceDays.push(o.day) - 1;
            resources.push(Math.max(0, ctx.centre.crossDockCapacityPalletsPerDay - (crossDocked.get(o.day) ?? 0)));
          }
          return { ...o.transfer, resource };
        }),
      };
    });
  }

  // Serving one more request always beats any saving on the others (served first, then cost): each unserved
  // request costs more than all the cluster's requests on dedicated trucks.
  const dedicatedKrw = routable.map((k) => offerBaselineFor(jobs[k]!).transportCostKrw);
  const allDedicatedKrw = dedicatedKrw.reduce((a, b) => a + b, 0);
  requests.forEach((request, ri) => (request.unservedPenalty = allDedicatedKrw + dedicatedKrw[ri]!));

  const routingVehicles: RoutingVehicle[] = vehicles.map((v, i) => {
    const input = ctx.vehicles[v]!.input;
    const w = windows.get(v)!;
    return {
      // Objective only (config.emptyKmWeight): offers are priced on the rate card, no budget counts it.
      costPerEmptyDistance: config.emptyKmWeight * input.perKmKrw,
      start: startOf[i]!,
      end: 0,
      capacity: [input.payloadKg, input.palletSlots],
      earliest: minutes(Math.max(w.start, now)),
      latest: minutes(w.end) + MINUTES_SLACK,
      fixedCost: input.baseFeeKrw,
      costPerDistance: input.perKmKrw,
      costPerStop: input.perStopFeeKrw ?? config.perStopFeeKrw,
      // Every minute of waiting is charged here (the free allowance is left to pricing): the search avoids idle trucks.
      costPerWaiting: (input.waitingFeePerHourKrw ?? config.waitingFeePerHourKrw) / 60,
      maxStops: config.maxStopsPerRoute,
      // What the truck's booked routes leave of the day (context.ts). Rest on long legs is in the travel times
      // (travelMs), so it counts here too: a little conservative.
      maxDriving: w.drivingMinutes,
    };
  });

  // Booked routes' requests: locked on their truck at what they booked (none may be charged more).
  const lockedAt = routable.length;
  const bookedRequests = booked.map((b) => {
    const built = b.jobs.map(requestOf);
    built.forEach((request, i) => request && ((request.maxShare = b.bookedKrw[i]!), (request.unservedPenalty = 0)));
    return built;
  });

  const distance = (a: number, b: number) => (a === 0 || b === 0 || a === b ? 0 : roadKm(haversineKm(coords[a]!, coords[b]!), config));
  const travelTime = (a: number, b: number) => travelMs(distance(a, b), config) / MINUTE;
  const locked = lockBookedRoutes(booked, bookedRequests, routingVehicles, vehicles.length - booked.length, { locations: coords.length, distance, travelTime });
  for (const { b, requests: lockedRequests } of locked.kept) {
    b.jobs.forEach((k) => routable.push(k));
    requests.push(...lockedRequests);
  }
  const problem: RoutingProblem = {
    locations: coords.length,
    distance,
    travelTime,
    requests,
    vehicles: routingVehicles,
    // Booked work is the core's to keep on its truck; whether a truck may carry a new job is the marketplace's rule.
    mayCarry: (vi, ri) => ri >= lockedAt || mayCarry(jobs[routable[ri]!]!, ctx.vehicles[vehicles[vi]!]!, ctx),
    resources,
    locked: locked.routes(lockedAt),
  };

  // Warm start: the assignment, each truck with its one request (checked: the search refuses a start that breaks a rule).
  const initial: Plan = { routes: [] };
  const slot = new Map(vehicles.map((v, i) => [v, i]));
  routable.forEach((k, ri) => {
    const plan = assignment.plans[k];
    const vi = plan ? slot.get(plan.vehicleIndex) : undefined;
    if (vi === undefined) return;
    const route: PlanRoute = { vehicle: vi, stops: [{ request: ri, action: 'pickup' }, { request: ri, action: 'delivery' }] };
    if (checkPlan({ ...problem, locked: [] }, { routes: [route] }).feasible) initial.routes.push(route);
  });

  const result = solve(problem, { initial, seed: options.seed, deadline: options.deadline, now: () => performance.now(), cut: options.cut, maxIterations: 50 * lockedAt + 500 });
  const extending = new Map(locked.kept.map(({ b }) => [b.vehicleIndex, b]));
  // Booked stops come back as they were booked (a hand-over at the centre stays one, with its leg's terms).
  const bookedStop = new Map(locked.kept.flatMap(({ b }) => b.stops.map((s) => [`${s.job}:${coreAction(s)}`, s] as const)));
  const routes: PlannedRoute[] = result.plan.routes.map((route) => ({
    vehicleIndex: vehicles[route.vehicle]!,
    window: windows.get(vehicles[route.vehicle]!)!,
    stops: route.stops.map((s): RouteStopRef => {
      const job = routable[s.request]!;
      if (s.transfer === undefined) return bookedStop.get(`${job}:${s.action}`) ?? { job, action: s.action === 'pickup' ? 'PICKUP' : 'DROP', drop: 0 };
      const option = centreOf.get(s.request)![s.transfer]!;
      if (s.leg === 'feeder') return { job, action: s.action === 'pickup' ? 'PICKUP' : 'CENTRE_DROP', drop: 0, centre: option.feeder };
      return { job, action: s.action === 'pickup' ? 'CENTRE_PICKUP' : 'DROP', drop: 0, centre: option.trunk };
    }),
    ...(extending.has(vehicles[route.vehicle]!) ? { extends: extending.get(vehicles[route.vehicle]!)! } : {}),
    placeSlackKrw: [...new Set(route.stops.filter((s) => s.transfer === undefined && s.request < lockedAt).map((s) => s.request))].reduce((sum, ri) => sum + placeSlackKrw(jobs[routable[ri]!]!), 0),
  }));
  for (const route of result.plan.routes)
    for (const s of route.stops)
      if (s.leg === 'feeder' && s.action === 'pickup') {
        const day = centreOf.get(s.request)![s.transfer!]!.day;
        crossDocked.set(day, (crossDocked.get(day) ?? 0) + jobs[routable[s.request]!]!.request.pallets);
      }
  for (const ri of result.unserved) unserved.push(routable[ri]!);
  return { routes, unserved };
}

/**
 * Whether `vehicle` may carry `job` at all: body, certificate, size, a pair its user declined. Not its price alone: a
 * shipper whose limit no truck alone meets may still ride shared, within it (the request's maxShare holds it there).
 */
function mayCarry(job: TransportJob, vehicle: VehicleProfile, ctx: RoundContext): boolean {
  const r = job.request;
  const v = vehicle.input;
  if (ctx.isVehicleExcluded(r.id, v.id)) return false;
  if (cargoFitsBody(r.cargoClass, v.bodyType, v.hazmatCertified) || !loadableAtBothEnds(r, v.bodyType)) return false;
  return r.weightKg <= v.payloadKg && r.pallets <= v.palletSlots;
}

/** A locked stop's action in the core: a trunk's loading at the centre is its pickup, a feeder's hand-over its delivery. */
const coreAction = (s: RouteStopRef) => (s.action === 'PICKUP' || s.action === 'CENTRE_PICKUP' ? ('pickup' as const) : ('delivery' as const));

/**
 * The booked routes the core can take as locked work: each still feasible as booked (the truck may be running
 * late) and costing no more than it was booked at from here on. Its truck's fixed cost becomes the part of the
 * booked price its served stops took, so the route costs exactly what its shippers booked until someone joins.
 * `firstVehicle` is the core index of the first booked truck.
 */
function lockBookedRoutes(
  booked: readonly BookedRoute[],
  requests: (RoutingRequest | null)[][],
  vehicles: RoutingVehicle[],
  firstVehicle: number,
  space: Pick<RoutingProblem, 'locations' | 'distance' | 'travelTime'>,
): { kept: { b: BookedRoute; requests: RoutingRequest[] }[]; routes: (firstRequest: number) => PlanRoute[] } {
  const kept: { b: BookedRoute; requests: RoutingRequest[]; vehicle: number }[] = [];
  booked.forEach((b, i) => {
    const own = requests[i]!;
    if (own.some((r) => r === null)) return;
    const vehicle = firstVehicle + i;
    const index = new Map(b.jobs.map((k, n) => [k, n]));
    const stops = b.stops.map((s) => ({ request: index.get(s.job)!, action: coreAction(s) }));
    // What its stops ahead cost on the rate card: the objective's empty-km weight is no cost.
    const alone: RoutingProblem = { ...space, requests: own as RoutingRequest[], vehicles: [{ ...vehicles[vehicle]!, fixedCost: 0, costPerEmptyDistance: 0 }] };
    const check = checkPlan(alone, { routes: [{ vehicle: 0, stops }] });
    const servedBefore = b.bookedKrw.reduce((x, y) => x + y, 0) - check.cost - KRW_SLACK;
    if (check.violations.some((v) => !v.includes('maxShare')) || servedBefore < 0) return;
    vehicles[vehicle]!.fixedCost = servedBefore;
    kept.push({ b, requests: own as RoutingRequest[], vehicle });
  });
  // Trucks whose booked route cannot be locked take nothing new this round.
  const usable = new Set(kept.map((k) => k.vehicle));
  booked.forEach((_, i) => usable.has(firstVehicle + i) || (vehicles[firstVehicle + i]!.maxStops = 0));
  return {
    kept,
    routes: (firstRequest) => {
      let next = firstRequest;
      return kept.map(({ b, vehicle }) => {
        const index = new Map(b.jobs.map((k) => [k, next++]));
        return { vehicle, stops: b.stops.map((s) => ({ request: index.get(s.job)!, action: coreAction(s) })) };
      });
    },
  };
}
