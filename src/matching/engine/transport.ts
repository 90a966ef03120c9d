/**
 * Direct transport legs: evaluate (request, vehicle) pairs and assign vehicles to requests exactly.
 *
 * Pruned mode (the engine): vehicles are ranked per request by a lower bound on their price (ranking.ts). Each
 * request gets its `candidatesPerRequest` cheapest feasible vehicles, plus as many among the vehicles that are not
 * yet candidates of that many requests (so the graph spreads over the fleet). The assignment is exact over that
 * sparse graph (~16 edges per request). Requests it leaves unserved, and the requests holding their cheapest
 * candidates, then get their cheapest free vehicles, re-solving while that adds feasible pairs.
 *
 * Optional certification (`certifyOptimality`): column generation that proves the answer optimal for the
 * *unpruned* problem. A vehicle not yet evaluated for a request costs at least base + perKm x (detour x straight-line
 * km + loaded km) and must be reachable in time; column potentials are <= 0; so if that lower bound minus the
 * vehicle's potential is not below the request's potential, the pair cannot improve the optimum (LP duality).
 * Pairs the bound cannot rule out are evaluated, added when their reduced cost is negative, and the graph is
 * re-solved until none is. Exact, but where nearby supply is scarce the duals are large and it evaluates much
 * of the matrix, so it is off by default.
 *
 * Full mode evaluates every pair (the benchmark's unpruned reference; same feasibility and cost).
 */
import { haversineKm } from '../../geo/distance';
import { roadKm, travelMs } from './config';
import type { RoundContext, TransportJob, VehicleProfile } from './context';
import { co2Kg, totalOf, transportCost } from './cost';
import { cargoFitsBody, loadableAtBothEnds, refuse, type Refusal, schedule } from './feasibility';
import { cargoBit, carriableMask, CostRanking, unitVector } from './ranking';
import { type AssignmentResult, solveAssignment, type SparseCosts } from './assignment';
import type { CostBreakdown } from './types';

export interface TransportPlan {
  ok: true;
  vehicleIndex: number;
  costKrw: number;
  breakdown: CostBreakdown;
  deadheadKm: number;
  loadedKm: number;
  co2Kg: number;
  departAt: number;
  pickupAt: number;
  deliverAt: number;
  expiresAt: number;
}

/**
 * Returns the plan and price for `vehicle` doing `job` directly, or the first rule it breaks.
 * Counts the pair in ctx.counters.
 */
export function evaluateTransport(job: TransportJob, vehicle: VehicleProfile, ctx: RoundContext, greatCircleKm?: number): TransportPlan | Refusal {
  ctx.counters.pairsEvaluated++;
  const r = job.request;
  const v = vehicle.input;
  if (ctx.isVehicleExcluded(r.id, v.id)) return refuse('EXCLUDED');
  const bodyRule = cargoFitsBody(r.cargoClass, v.bodyType, v.hazmatCertified);
  if (bodyRule) return refuse(bodyRule);
  if (!loadableAtBothEnds(r, v.bodyType)) return refuse('LOADING');
  if (r.weightKg > v.payloadKg) return refuse('PAYLOAD');
  if (r.pallets > v.palletSlots) return refuse('PALLETS');

  const { config } = ctx;
  const deadheadKm = roadKm(greatCircleKm ?? haversineKm(v.location, job.origin), config);
  // The driver's day: to the pickup and on to the drop(s), rest on long legs included (as the pooled search counts
  // it), within what the truck's booked routes leave of the day its window starts on.
  const drivingMinutes = (travelMs(deadheadKm, config) + travelMs(job.loadedKm, config)) / 60_000;
  const query = {
    now: ctx.now,
    windows: vehicle.windows.every((w) => drivingMinutes <= w.drivingMinutes) ? vehicle.windows : vehicle.windows.filter((w) => drivingMinutes <= w.drivingMinutes),
    approachMs: travelMs(deadheadKm, config),
    earliestStart: r.pickupWindow.start,
    latestStart: r.pickupWindow.end,
    latestStartForDeadline: job.deadlineMs - job.workMs,
    workMs: job.workMs,
  };
  const slot = schedule(query);
  // Refused for the time its day has left to drive, if it had the time otherwise.
  if (!slot.ok) return query.windows.length < vehicle.windows.length && schedule({ ...query, windows: vehicle.windows }).ok ? refuse('DRIVING') : slot;

  // A split storage stay drops at several warehouses: each drop beyond the first is an extra stop.
  const breakdown = { ...transportCost(v.baseFeeKrw, v.perKmKrw, deadheadKm, job.loadedKm), stopsKrw: (job.drops.length - 1) * (v.perStopFeeKrw ?? config.perStopFeeKrw) };
  const costKrw = totalOf(breakdown);
  if (costKrw > job.transportBudgetKrw) return refuse('PRICE');
  ctx.counters.feasiblePairs++;
  return {
    ok: true,
    vehicleIndex: vehicle.index,
    costKrw,
    breakdown,
    deadheadKm,
    loadedKm: job.loadedKm,
    co2Kg: co2Kg(deadheadKm, vehicle.co2GPerKmEmpty, job.loadedKm, vehicle.co2GPerKmLoaded),
    departAt: slot.departAt,
    pickupAt: slot.startAt,
    deliverAt: slot.finishAt,
    expiresAt: Math.max(ctx.now, Math.min(ctx.now + config.offerTtlMs, slot.latestStartAt - (slot.startAt - slot.departAt))),
  };
}

export interface TransportAssignment {
  /** Chosen plan per job (null = no vehicle). */
  plans: (TransportPlan | null)[];
  /** Per job, its cheapest feasible stand-alone price among the vehicles evaluated (Infinity when none). */
  cheapestKrw: number[];
  servedCount: number;
  totalCostKrw: number;
  /** Edges the final solve used (column generation's active set). */
  activeEdges: number;
  solves: number;
}

const EARTH_RADIUS_KM = 6371.0088;

/**
 * Returns the exact max-served, min-cost assignment of `jobs` to ctx.vehicles restricted to `allowed`
 * vehicles (all when omitted), exact over the candidate graph: `prune` selects the sparse engine graph
 * (exact for the unpruned problem too with certifyOptimality), else every pair is evaluated.
 */
export function assignTransport(
  jobs: readonly TransportJob[],
  ctx: RoundContext,
  options: { prune: boolean; allowed?: (vehicleIndex: number) => boolean },
): TransportAssignment {
  const vehicles = ctx.vehicles;
  const m = vehicles.length;
  const allowed = options.allowed ?? (() => true);
  const graph = new CandidateGraph(jobs.length, m);

  const consider = (i: number, j: number, activate: boolean): void => {
    graph.markEvaluated(i, j);
    const plan = evaluateTransport(jobs[i]!, vehicles[j]!, ctx);
    if (plan.ok) graph.addFeasible(i, j, plan.costKrw, activate);
  };

  const ranking = options.prune ? new CostRanking(jobs, ctx, allowed) : null;
  const perRequest = ctx.config.candidatesPerRequest;
  if (ranking) {
    // Requests near one another rank the same cheap vehicles first. So each request also gets its cheapest
    // vehicles among those that are still candidates of fewer than `candidatesPerRequest` requests: the graph
    // spreads over the fleet instead of piling onto a few vehicles.
    const claims = new Int32Array(m);
    const claim = (i: number, j: number): void => {
      const before = graph.cols[i]!.length;
      consider(i, j, true);
      if (graph.cols[i]!.length > before && ++claims[j]! === perRequest) ranking.close(j);
    };
    for (let i = 0; i < jobs.length; i++) {
      // Batches double so that a request whose cheap vehicles are mostly infeasible costs few scans.
      for (let batch = 2 * perRequest; graph.cols[i]!.length < perRequest && !ranking.isExhausted(i); batch *= 2) {
        for (const j of ranking.next(i, batch)) claim(i, j);
      }
      for (const j of ranking.cheapestOpen(i, perRequest, (j) => graph.isEvaluated(i, j))) claim(i, j);
    }
  } else {
    for (let i = 0; i < jobs.length; i++) for (let j = 0; j < m; j++) if (allowed(j)) consider(i, j, true);
  }

  let solves = 0;
  let result: AssignmentResult;
  for (;;) {
    result = solveAssignment(graph.activeCosts());
    solves++;
    if (!ranking) break;
    // Competition for the same cheap vehicles can leave a request unserved although vehicles are free. It gets its
    // cheapest free vehicles, and so do the requests holding its cheapest candidates (they may move aside):
    // augmenting paths the graph lacked. Re-solve until none is added.
    const owner = new Int32Array(m).fill(-1);
    result.rowToCol.forEach((j, i) => j >= 0 && (owner[j] = i));
    const free = Uint8Array.from(owner, (i) => (i === -1 ? 1 : 0));
    let grew = false;
    const widen = (i: number): void => {
      for (const j of ranking.cheapestAmong(i, perRequest, free, (j) => graph.isEvaluated(i, j))) {
        consider(i, j, true);
        grew = true;
      }
    };
    for (let i = 0; i < jobs.length; i++) {
      if (result.rowToCol[i] !== -1) continue;
      widen(i);
      for (const j of graph.cols[i]!.slice(0, perRequest)) if (owner[j]! >= 0) widen(owner[j]!);
    }
    if (grew) continue;
    if (!ctx.config.certifyOptimality || !pricePass(jobs, ctx, result, graph, allowed, consider)) break;
  }

  const plans = jobs.map((job, i) => {
    const j = result.rowToCol[i]!;
    if (j === -1) return null;
    const plan = evaluateTransport(job, vehicles[j]!, { ...ctx, counters: { pairsEvaluated: 0, feasiblePairs: 0 } });
    if (!plan.ok) throw new Error('unreachable: an assigned pair is feasible');
    return plan;
  });
  const cheapestKrw = graph.costs.map((costs) => Math.min(Infinity, ...costs));
  return { plans, cheapestKrw, servedCount: result.servedCount, totalCostKrw: result.totalCost, activeEdges: graph.activeCount, solves };
}

/**
 * Evaluated pairs (a bitmap), feasible pairs with their cost, and which of those the solver currently sees.
 * Column generation keeps the active set small: a feasible pair joins it only once its reduced cost is negative.
 */
class CandidateGraph {
  private readonly evaluatedBits: Uint32Array;
  readonly cols: number[][];
  readonly costs: number[][];
  readonly active: boolean[][];
  activeCount = 0;

  constructor(
    rows: number,
    private readonly width: number,
  ) {
    this.evaluatedBits = new Uint32Array(Math.ceil((rows * width) / 32));
    this.cols = Array.from({ length: rows }, () => []);
    this.costs = Array.from({ length: rows }, () => []);
    this.active = Array.from({ length: rows }, () => []);
  }

  isEvaluated(i: number, j: number): boolean {
    const bit = i * this.width + j;
    return (this.evaluatedBits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  markEvaluated(i: number, j: number): void {
    const bit = i * this.width + j;
    this.evaluatedBits[bit >>> 5]! |= 1 << (bit & 31);
  }

  addFeasible(i: number, j: number, cost: number, activate: boolean): void {
    this.cols[i]!.push(j);
    this.costs[i]!.push(cost);
    this.active[i]!.push(activate);
    if (activate) this.activeCount++;
  }

  activate(i: number, k: number): void {
    this.active[i]![k] = true;
    this.activeCount++;
  }

  activeCosts(): SparseCosts {
    const rows = this.cols.length;
    const rowStart = new Int32Array(rows + 1);
    const col = new Int32Array(this.activeCount);
    const cost = new Float64Array(this.activeCount);
    let e = 0;
    for (let i = 0; i < rows; i++) {
      const cols = this.cols[i]!;
      const costs = this.costs[i]!;
      const active = this.active[i]!;
      for (let k = 0; k < cols.length; k++) {
        if (!active[k]) continue;
        col[e] = cols[k]!;
        cost[e] = costs[k]!;
        e++;
      }
      rowStart[i + 1] = e;
    }
    return { rows, cols: this.width, rowStart, col, cost };
  }
}

/**
 * Pricing step of the column generation. Activates known feasible pairs with negative reduced cost, and
 * evaluates every unevaluated pair that a lower bound (cost from straight-line distance, reachability in time)
 * cannot rule out. Returns whether anything with negative reduced cost was added (then re-solve).
 */
function pricePass(
  jobs: readonly TransportJob[],
  ctx: RoundContext,
  result: AssignmentResult,
  graph: CandidateGraph,
  allowed: (vehicleIndex: number) => boolean,
  consider: (i: number, j: number, activate: boolean) => void,
): boolean {
  const vehicles = ctx.vehicles;
  const m = vehicles.length;
  const v = result.colPotential;
  const geo = unitVectors(vehicles.map((p) => p.input.location));
  const cargoMask = new Int32Array(m);
  const payload = new Float64Array(m);
  const slots = new Float64Array(m);
  const baseMinusV = new Float64Array(m);
  const perKm = new Float64Array(m);
  const firstStart = new Float64Array(m);
  const lastEnd = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const p = vehicles[j]!;
    const input = p.input;
    cargoMask[j] = allowed(j) && p.windows.length > 0 ? carriableMask(input.bodyType, input.hazmatCertified) : 0;
    payload[j] = input.payloadKg;
    slots[j] = input.palletSlots;
    baseMinusV[j] = input.baseFeeKrw - v[j]!;
    perKm[j] = input.perKmKrw;
    firstStart[j] = p.windows[0]?.start ?? Infinity;
    lastEnd[j] = p.windows[p.windows.length - 1]?.end ?? -Infinity;
  }
  const { detourFactor: detour, averageSpeedKmh } = ctx.config;
  const msPerKm = 3_600_000 / averageSpeedKmh;
  let improving = false;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    const ui = result.rowPotential[i]!;
    // Known feasible pairs: exact reduced cost.
    const cols = graph.cols[i]!;
    const costs = graph.costs[i]!;
    const active = graph.active[i]!;
    for (let k = 0; k < cols.length; k++) {
      if (!active[k] && costs[k]! - ui - v[cols[k]!]! < 0) {
        graph.activate(i, k);
        improving = true;
      }
    }
    const r = job.request;
    const bit = cargoBit(r.cargoClass);
    const [x, y, z] = unitVector(job.origin.lat, job.origin.lng);
    const finishBy = job.deadlineMs;
    for (let j = 0; j < m; j++) {
      if ((cargoMask[j]! & bit) === 0 || payload[j]! < r.weightKg || slots[j]! < r.pallets) continue;
      const dx = geo[3 * j]! - x;
      const dy = geo[3 * j + 1]! - y;
      const dz = geo[3 * j + 2]! - z;
      const minRoadKm = detour * EARTH_RADIUS_KM * Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (baseMinusV[j]! + Math.round(perKm[j]! * (minRoadKm + job.loadedKm)) >= ui) continue;
      const arrive = firstStart[j]! + minRoadKm * msPerKm;
      if (arrive > r.pickupWindow.end || Math.max(arrive, r.pickupWindow.start) + job.workMs > Math.min(finishBy, lastEnd[j]!)) continue;
      if (graph.isEvaluated(i, j)) continue;
      const before = graph.cols[i]!.length;
      consider(i, j, false);
      if (graph.cols[i]!.length > before) {
        const k = before;
        if (graph.costs[i]![k]! - ui - v[j]! < 0) {
          graph.activate(i, k);
          improving = true;
        }
      }
    }
  }
  return improving;
}
function unitVectors(points: readonly { lat: number; lng: number }[]): Float64Array {
  const out = new Float64Array(points.length * 3);
  points.forEach((p, k) => out.set(unitVector(p.lat, p.lng), 3 * k));
  return out;
}
