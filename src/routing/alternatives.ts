/**
 * Requests with alternatives: served directly (one pickup–delivery pair on one vehicle), or through a transfer
 * point as two pairs, a feeder to the point and a trunk from it, on two vehicles, both or neither. Each transfer
 * may draw on a shared resource (e.g. cross-dock pallets on one day) whose capacity insertion respects.
 *
 * Inside the search every leg is a pair of its own (pair r < units is request r served directly; transfer legs
 * follow), so routes keep their O(1) insertion check per pair: the legs' windows decouple them (the caller fixes
 * the hand-over time, e.g. trunk departure slots, and compile refuses windows that would let the trunk leave
 * before the feeder's load is handled). What is served, removed and reinserted is the request (the unit).
 */
import { RoutingInputError, type Plan, type RoutingProblem, type RoutingStop } from './problem';

/** A pickup–delivery pair as compiled: its request, stops, share and penalty. */
export interface Pair {
  owner: number;
  field: string;
  pickup: RoutingStop;
  delivery: RoutingStop;
  maxShare: number | undefined;
  penalty: number;
}

export interface Transfers {
  /** Pair → its request. */
  readonly owner: Int32Array;
  /** Pair → the other leg of its transfer (-1 for a direct pair). */
  readonly partner: Int32Array;
  /** Pair → index of its transfer in the request's `transfers` (-1 for a direct pair). */
  readonly option: Int32Array;
  /** The feeder pairs of request r: feeders[feederStart[r] .. feederStart[r + 1]); each trunk is its feeder + 1. */
  readonly feederStart: Int32Array;
  readonly feeders: Int32Array;
  /** Per feeder pair: the transfer's cost, its resource (-1 none) and the amount it uses. */
  readonly cost: Float64Array;
  readonly resource: Int32Array;
  readonly amount: Float64Array;
  /** Per resource: its capacity. */
  readonly capacity: Float64Array;
}

/**
 * The problem's pairs: one per request, then a feeder and a trunk per transfer. A feeder carries the request's
 * unserved penalty less the transfer's cost, its trunk none, so inserting both legs trades the penalty for the
 * cost exactly as a direct pair trades it for nothing.
 */
export function pairsOf(problem: RoutingProblem): { pairs: Pair[]; transfers: Transfers | null } {
  const reqs = problem.requests;
  const pairs: Pair[] = reqs.map((req, r) => ({ owner: r, field: `requests[${r}]`, pickup: req.pickup, delivery: req.delivery, maxShare: req.maxShare, penalty: req.unservedPenalty }));
  if (!reqs.some((req) => (req.transfers?.length ?? 0) > 0)) return { pairs, transfers: null };
  const resources = problem.resources ?? [];
  resources.forEach((c, k) => {
    if (!(c >= 0)) throw new RoutingInputError(`resources[${k}]`, 'must be ≥ 0');
  });
  const feederStart = new Int32Array(reqs.length + 1);
  const feeders: number[] = [];
  const cost: number[] = [];
  const resource: number[] = [];
  const amount: number[] = [];
  const option: number[] = reqs.map(() => -1);
  reqs.forEach((req, r) => {
    feederStart[r] = feeders.length;
    (req.transfers ?? []).forEach((t, k) => {
      const field = `requests[${r}].transfers[${k}]`;
      const handover = t.handover ?? 0;
      if (!(handover >= 0)) throw new RoutingInputError(`${field}.handover`, 'must be ≥ 0');
      if (!((t.cost ?? 0) >= 0)) throw new RoutingInputError(`${field}.cost`, 'must be ≥ 0');
      if (t.feeder.delivery.latest + t.feeder.delivery.service + handover > t.trunk.pickup.earliest + 1e-6)
        throw new RoutingInputError(`${field}.trunk.pickup.earliest`, "must be ≥ the feeder delivery's latest + service + handover, so the legs are checked on their own");
      const res = t.resource ?? -1;
      if (res !== -1 && !(Number.isInteger(res) && res >= 0 && res < resources.length)) throw new RoutingInputError(`${field}.resource`, `must be an integer in [0, ${resources.length})`);
      if (!((t.amount ?? 0) >= 0)) throw new RoutingInputError(`${field}.amount`, 'must be ≥ 0');
      feeders.push(pairs.length);
      cost.push(t.cost ?? 0, 0);
      resource.push(res, -1);
      amount.push(t.amount ?? 0, 0);
      option.push(k, k);
      pairs.push({ owner: r, field: `${field}.feeder`, ...t.feeder, maxShare: t.feeder.maxShare, penalty: req.unservedPenalty - (t.cost ?? 0) });
      pairs.push({ owner: r, field: `${field}.trunk`, ...t.trunk, maxShare: t.trunk.maxShare, penalty: 0 });
    });
  });
  feederStart[reqs.length] = feeders.length;
  const P = pairs.length;
  const owner = Int32Array.from(pairs, (p) => p.owner);
  const partner = new Int32Array(P).fill(-1);
  for (const f of feeders) {
    partner[f] = f + 1;
    partner[f + 1] = f;
  }
  // Per-pair tables are indexed by pair; only feeders' entries are read (direct pairs' stay zero).
  const perPair = (values: number[], fill: number) => {
    const out = new Float64Array(P).fill(fill);
    values.forEach((x, k) => (out[reqs.length + k] = x));
    return out;
  };
  return {
    pairs,
    transfers: {
      owner,
      partner,
      option: Int32Array.from(option),
      feederStart,
      feeders: Int32Array.from(feeders),
      cost: perPair(cost, 0),
      resource: Int32Array.from(perPair(resource, -1)),
      amount: perPair(amount, 0),
      capacity: Float64Array.from(resources),
    },
  };
}

/**
 * What the brute-force checker adds for transfers, recomputed from the problem as given: each request served
 * directly or by both legs of one transfer, the trunk's pickup at least `handover` after the feeder's delivery
 * ends, resources within capacity. `at(request, transfer, leg, action)` is the checked start of service, or
 * undefined when the plan has no such stop. Returns the violations and the transfers' cost.
 */
export function checkTransfers(
  problem: RoutingProblem,
  plan: Plan,
  at: (request: number, transfer: number, leg: 'feeder' | 'trunk', action: 'pickup' | 'delivery') => number | undefined,
): { violations: string[]; cost: number; served: Set<number> } {
  const violations: string[] = [];
  const served = new Set<number>();
  const used = (problem.resources ?? []).map(() => 0);
  let cost = 0;
  const ways = new Map<number, Set<string>>();
  for (const route of plan.routes)
    for (const stop of route.stops) {
      const way = stop.transfer === undefined ? 'direct' : `${stop.transfer}`;
      if (!ways.has(stop.request)) ways.set(stop.request, new Set());
      ways.get(stop.request)!.add(way);
    }
  for (const [r, set] of ways) {
    const req = problem.requests[r];
    if (!req) continue;
    if (set.size > 1) violations.push(`request ${r} served more than one way (${[...set].join(', ')})`);
    for (const way of set) {
      if (way === 'direct') continue;
      const k = Number(way);
      const t = req.transfers?.[k];
      if (!t) {
        violations.push(`request ${r} has no transfer ${k}`);
        continue;
      }
      const feederDrop = at(r, k, 'feeder', 'delivery');
      const trunkPick = at(r, k, 'trunk', 'pickup');
      const legs = [at(r, k, 'feeder', 'pickup'), feederDrop, trunkPick, at(r, k, 'trunk', 'delivery')];
      if (legs.some((x) => x === undefined)) {
        violations.push(`request ${r}: transfer ${k} needs both legs, picked up and delivered`);
        continue;
      }
      if (trunkPick! < feederDrop! + t.feeder.delivery.service + (t.handover ?? 0) - 1e-6)
        violations.push(`request ${r}: trunk of transfer ${k} picks up at ${trunkPick}, before the feeder's load is handed over`);
      cost += t.cost ?? 0;
      if (t.resource !== undefined) used[t.resource] = (used[t.resource] ?? 0) + (t.amount ?? 0);
      served.add(r);
    }
    if (set.has('direct')) served.add(r);
  }
  used.forEach((u, k) => {
    if (u > problem.resources![k]! + 1e-9) violations.push(`resource ${k}: ${u} used, capacity ${problem.resources![k]}`);
  });
  return { violations, cost, served };
}
