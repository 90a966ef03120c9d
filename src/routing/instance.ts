/**
 * The problem compiled into typed arrays for the search's inner loops. Stop ids: request r has pickup 2r and
 * delivery 2r + 1. Cargo tags become bit masks (at most 32 distinct tags), vehicle rules a request × vehicle table.
 */
import { pairsOf, type Transfers } from './alternatives';
import { lockedVehicles } from './locked';
import { matrixReader, RoutingInputError, type Matrix, type RoutingProblem, type RoutingStop } from './problem';

/** Above this many locations the matrices are read through the caller's function instead of copied. */
const MAX_TABLE_LOCATIONS = 2_500;

export interface Instance {
  /** Pickup–delivery pairs: the problem's requests (pair r is request r served directly), then transfer legs. */
  readonly requests: number;
  /** The problem's requests: what is served or not, removed and reinserted as one unit. */
  readonly units: number;
  /** Transfer legs and shared resources (alternatives.ts); null when no request has a transfer. */
  readonly transfers: Transfers | null;
  readonly vehicles: number;
  readonly dims: number;
  readonly locations: number;
  readonly dist: (a: number, b: number) => number;
  readonly time: (a: number, b: number) => number;
  readonly stopLoc: Int32Array;
  readonly stopEarliest: Float64Array;
  readonly stopLatest: Float64Array;
  readonly stopService: Float64Array;
  /** Load change at each stop, per dimension (positive at pickups). */
  readonly stopDemand: Float64Array;
  readonly cargoMask: Uint32Array;
  readonly excludeMask: Uint32Array;
  readonly penalty: Float64Array;
  readonly maxShare: Float64Array;
  readonly startLoc: Int32Array;
  readonly endLoc: Int32Array;
  readonly capacity: Float64Array;
  readonly vehicleEarliest: Float64Array;
  readonly vehicleLatest: Float64Array;
  readonly fixedCost: Float64Array;
  readonly costPerDistance: Float64Array;
  readonly costPerStop: Float64Array;
  readonly costPerWaiting: Float64Array;
  /** Objective-only weight of distance driven empty (problem.ts). */
  readonly costPerEmpty: Float64Array;
  readonly maxStops: Float64Array;
  readonly maxDuration: Float64Array;
  readonly maxDriving: Float64Array;
  /** The vehicle each pair is locked to (booked work, locked.ts; transfer legs never are), -1 when free. */
  readonly lockedTo: Int32Array;
  /** Vehicles with locked work: their routes never empty. */
  readonly hasLocked: Uint8Array;
  /** carry[r * vehicles + v] = 1 when vehicle v may carry request r. */
  readonly carry: Uint8Array;
  /** The same as bits, `carryWords` words per request, and how many vehicles may carry each request: Shaw relatedness in O(V/32). */
  readonly carryBits: Uint32Array;
  readonly carryWords: number;
  readonly carryCount: Int32Array;
  /** Whether some vehicle may not carry some request (relatedness then weighs shared vehicles). */
  readonly mixedCarry: boolean;
  /** Vehicles with the same class are interchangeable when empty (one is tried for all). */
  readonly vehicleClass: Int32Array;
  /** Largest distance between two stops' locations: scales noise and relatedness. */
  readonly maxDistance: number;
  /** Span of all time windows: scales relatedness. */
  readonly horizon: number;
  /** Largest demand per dimension: scales relatedness. */
  readonly maxDemand: Float64Array;
  /**
   * How routes over their requests' maxShare are treated: during the search the excess costs BUDGET_WEIGHT per unit
   * (a soft rule, so a route can grow through states one request could not pay for alone); `strictBudgets` makes it
   * a hard rule, for the final repair and for callers that want it.
   */
  readonly mode: { strictBudgets: boolean };
  /** Most a detour through one stop can shorten a route (0 on metric distances, Infinity when unknown). */
  readonly triangleSlack: number;
}

function reader(matrix: Matrix, size: number, field: string): (a: number, b: number) => number {
  if (Array.isArray(matrix) && matrix.length !== size) throw new RoutingInputError(field, `must have ${size} rows, one per location`);
  if (matrix instanceof Float64Array && matrix.length !== size * size) throw new RoutingInputError(field, `must hold ${size}×${size} values`);
  const read = matrixReader(matrix, size);
  if (size > MAX_TABLE_LOCATIONS) return read;
  const table = new Float64Array(size * size);
  for (let a = 0; a < size; a++)
    for (let b = 0; b < size; b++) {
      const value = read(a, b);
      if (!Number.isFinite(value) || value < 0) throw new RoutingInputError(`${field}[${a}][${b}]`, 'must be a finite number ≥ 0');
      table[a * size + b] = value;
    }
  return (a, b) => table[a * size + b]!;
}

function checkStop(stop: RoutingStop, field: string, locations: number): void {
  if (!Number.isInteger(stop.location) || stop.location < 0 || stop.location >= locations)
    throw new RoutingInputError(`${field}.location`, `must be an integer in [0, ${locations})`);
  if (!(stop.earliest <= stop.latest)) throw new RoutingInputError(`${field}.latest`, 'must be ≥ earliest');
  if (!(stop.service >= 0)) throw new RoutingInputError(`${field}.service`, 'must be ≥ 0');
}

export function compile(problem: RoutingProblem): Instance {
  const { requests: reqs, vehicles: vehs, locations } = problem;
  if (!Number.isInteger(locations) || locations < 1) throw new RoutingInputError('locations', 'must be a positive integer');
  const { pairs, transfers } = pairsOf(problem);
  const R = pairs.length;
  const V = vehs.length;
  const dims = vehs[0]?.capacity.length ?? reqs[0]?.demand.length ?? 1;
  const dist = reader(problem.distance, locations, 'distance');
  const time = problem.travelTime ? reader(problem.travelTime, locations, 'travelTime') : dist;

  const tagBits = new Map<string, number>();
  const maskOf = (tags: readonly string[] | undefined, field: string): number => {
    let mask = 0;
    for (const tag of tags ?? []) {
      let bit = tagBits.get(tag);
      if (bit === undefined) {
        if (tagBits.size === 32) throw new RoutingInputError(field, 'at most 32 distinct cargo tags');
        bit = tagBits.size;
        tagBits.set(tag, bit);
      }
      mask |= 1 << bit;
    }
    return mask >>> 0;
  };

  // Per pair: transfer legs (after the requests) are never locked.
  const lockedTo = new Int32Array(R).fill(-1);
  lockedTo.set(lockedVehicles(problem));
  const hasLocked = new Uint8Array(V);
  for (const l of lockedTo) if (l !== -1) hasLocked[l] = 1;
  const S = 2 * R;
  const stopLoc = new Int32Array(S);
  const stopEarliest = new Float64Array(S);
  const stopLatest = new Float64Array(S);
  const stopService = new Float64Array(S);
  const stopDemand = new Float64Array(S * dims);
  const cargoMask = new Uint32Array(R);
  const excludeMask = new Uint32Array(R);
  const penalty = new Float64Array(R);
  const maxShare = new Float64Array(R);
  const maxDemand = new Float64Array(dims);
  let tMin = Infinity;
  let tMax = -Infinity;
  pairs.forEach((pair, r) => {
    const req = reqs[pair.owner]!;
    const field = pair.field;
    checkStop(pair.pickup, `${field}.pickup`, locations);
    checkStop(pair.delivery, `${field}.delivery`, locations);
    if (req.demand.length !== dims) throw new RoutingInputError(`${field}.demand`, `must have ${dims} dimensions like the capacities`);
    if (!(req.unservedPenalty >= 0)) throw new RoutingInputError(`${field}.unservedPenalty`, 'must be ≥ 0');
    [pair.pickup, pair.delivery].forEach((stop, k) => {
      const s = 2 * r + k;
      stopLoc[s] = stop.location;
      stopEarliest[s] = stop.earliest;
      stopLatest[s] = stop.latest;
      stopService[s] = stop.service;
      tMin = Math.min(tMin, stop.earliest);
      tMax = Math.max(tMax, stop.latest);
    });
    req.demand.forEach((q, d) => {
      if (!(q >= 0)) throw new RoutingInputError(`${field}.demand[${d}]`, 'must be ≥ 0');
      stopDemand[2 * r * dims + d] = q;
      stopDemand[(2 * r + 1) * dims + d] = -q;
      maxDemand[d] = Math.max(maxDemand[d]!, q);
    });
    cargoMask[r] = maskOf(req.tags, `${field}.tags`);
    excludeMask[r] = maskOf(req.excludes, `${field}.excludes`);
    penalty[r] = pair.penalty;
    if (!((pair.maxShare ?? 0) >= 0)) throw new RoutingInputError(`${field}.maxShare`, 'must be ≥ 0');
    maxShare[r] = pair.maxShare ?? Infinity;
  });

  const startLoc = new Int32Array(V);
  const endLoc = new Int32Array(V);
  const capacity = new Float64Array(V * dims);
  const vehicleEarliest = new Float64Array(V);
  const vehicleLatest = new Float64Array(V);
  const fixedCost = new Float64Array(V);
  const costPerDistance = new Float64Array(V);
  const costPerStop = new Float64Array(V);
  const costPerWaiting = new Float64Array(V);
  const costPerEmpty = new Float64Array(V);
  const maxStops = new Float64Array(V);
  const maxDuration = new Float64Array(V);
  const maxDriving = new Float64Array(V);
  const carry = new Uint8Array(R * V);
  const vehicleClass = new Int32Array(V);
  const classes = new Map<string, number>();
  vehs.forEach((veh, v) => {
    const field = `vehicles[${v}]`;
    for (const key of ['start', 'end'] as const)
      if (!Number.isInteger(veh[key]) || veh[key] < 0 || veh[key] >= locations) throw new RoutingInputError(`${field}.${key}`, `must be an integer in [0, ${locations})`);
    if (veh.capacity.length !== dims) throw new RoutingInputError(`${field}.capacity`, `must have ${dims} dimensions`);
    if (!(veh.earliest <= veh.latest)) throw new RoutingInputError(`${field}.latest`, 'must be ≥ earliest');
    if (!(veh.fixedCost >= 0)) throw new RoutingInputError(`${field}.fixedCost`, 'must be ≥ 0');
    if (!(veh.costPerDistance >= 0)) throw new RoutingInputError(`${field}.costPerDistance`, 'must be ≥ 0');
    if (!((veh.costPerStop ?? 0) >= 0)) throw new RoutingInputError(`${field}.costPerStop`, 'must be ≥ 0');
    if (!((veh.costPerWaiting ?? 0) >= 0)) throw new RoutingInputError(`${field}.costPerWaiting`, 'must be ≥ 0');
    if (!((veh.costPerEmptyDistance ?? 0) >= 0)) throw new RoutingInputError(`${field}.costPerEmptyDistance`, 'must be ≥ 0');
    startLoc[v] = veh.start;
    endLoc[v] = veh.end;
    veh.capacity.forEach((c, d) => (capacity[v * dims + d] = c));
    vehicleEarliest[v] = veh.earliest;
    vehicleLatest[v] = veh.latest;
    fixedCost[v] = veh.fixedCost;
    costPerDistance[v] = veh.costPerDistance;
    costPerStop[v] = veh.costPerStop ?? 0;
    costPerWaiting[v] = veh.costPerWaiting ?? 0;
    costPerEmpty[v] = veh.costPerEmptyDistance ?? 0;
    maxStops[v] = veh.maxStops ?? Infinity;
    maxDuration[v] = veh.maxDuration ?? Infinity;
    maxDriving[v] = veh.maxDriving ?? Infinity;
    const has = new Set(veh.tags ?? []);
    let row = '';
    for (let r = 0; r < R; r++) {
      // A transfer leg may ride what its request may (the request's row is filled first); locked work only its own vehicle.
      const ok =
        r >= reqs.length
          ? carry[pairs[r]!.owner * V + v] === 1
          : (lockedTo[r] === -1 || lockedTo[r] === v) && (reqs[r]!.requires ?? []).every((t) => has.has(t)) && (problem.mayCarry?.(v, r) ?? true);
      carry[r * V + v] = ok ? 1 : 0;
      row += ok ? '1' : '0';
    }
    const key = JSON.stringify([veh.start, veh.end, veh.capacity, veh.earliest, veh.latest, veh.fixedCost, veh.costPerDistance, costPerStop[v], costPerWaiting[v], costPerEmpty[v], maxStops[v], maxDuration[v], maxDriving[v], row, hasLocked[v] ? v : -1]);
    let cls = classes.get(key);
    if (cls === undefined) classes.set(key, (cls = classes.size));
    vehicleClass[v] = cls;
  });

  const carryWords = Math.ceil(V / 32);
  const carryBits = new Uint32Array(R * carryWords);
  const carryCount = new Int32Array(R);
  let mixedCarry = false;
  for (let r = 0; r < R; r++)
    for (let v = 0; v < V; v++) {
      if (carry[r * V + v] === 0) {
        mixedCarry = true;
        continue;
      }
      carryBits[r * carryWords + (v >>> 5)]! |= 1 << (v & 31);
      carryCount[r]!++;
    }

  let maxDistance = 0;
  const locs = new Set<number>([...stopLoc, ...startLoc, ...endLoc]);
  if (locs.size <= MAX_TABLE_LOCATIONS) for (const a of locs) for (const b of locs) maxDistance = Math.max(maxDistance, dist(a, b));
  else for (let s = 1; s < S; s++) maxDistance = Math.max(maxDistance, dist(stopLoc[s - 1]!, stopLoc[s]!));

  // How far distances break the triangle inequality (0 when metric): bounds how much a detour can shorten a
  // route, so insertion can prune. Road matrices rounded to whole minutes break it a little; beyond 300 locations
  // it is not measured and insertion does not prune.
  let triangleSlack = locs.size <= 300 ? 0 : Infinity;
  if (triangleSlack === 0) {
    const used = [...locs];
    for (const x of used)
      for (const y of used) {
        const dxy = dist(x, y);
        for (const z of used) {
          const gap = dist(x, z) - dxy - dist(y, z);
          if (gap > triangleSlack) triangleSlack = gap;
        }
      }
  }

  return {
    mode: { strictBudgets: false },
    triangleSlack,
    requests: R,
    units: reqs.length,
    transfers,
    vehicles: V,
    dims,
    locations,
    dist,
    time,
    stopLoc,
    stopEarliest,
    stopLatest,
    stopService,
    stopDemand,
    cargoMask,
    excludeMask,
    penalty,
    maxShare,
    startLoc,
    endLoc,
    capacity,
    vehicleEarliest,
    vehicleLatest,
    fixedCost,
    costPerDistance,
    costPerStop,
    costPerWaiting,
    costPerEmpty,
    maxStops,
    maxDuration,
    maxDriving,
    lockedTo,
    hasLocked,
    carry,
    carryBits,
    carryWords,
    carryCount,
    mixedCarry,
    vehicleClass,
    maxDistance: maxDistance || 1,
    horizon: tMax > tMin ? tMax - tMin : 1,
    maxDemand,
  };
}
