/**
 * Repair: puts pending requests back into routes. Greedy (k = 1) inserts the request with the cheapest insertion
 * first; regret-k (Ropke & Pisinger 2006) the one that would lose most by waiting, Σ_{h=2..k} (c_h − c_1) over its
 * k best routes, and requests with fewer than k feasible routes go first. Best insertions are cached per request
 * and route; after an insertion only the changed route is re-evaluated. k = 0 inserts in a random order, each
 * request at its cheapest place (diversifies beyond what the greedy orders can build). Empty vehicles of one class are tried once.
 * A request with transfers (alternatives.ts) also weighs each transfer as one place: its feeder and trunk at their
 * cheapest on two different vehicles, plus the transfer's cost, within the transfer's resource.
 */
import type { Instance } from './instance';
import type { Insertion } from './route';
import type { Solution } from './solution';

export class Inserter {
  private readonly cost: Float64Array;
  private readonly at: Int32Array;
  private readonly classSeen: Int32Array;
  private readonly candidates: Int32Array;
  private readonly isCandidate: Uint8Array;
  private stamp = 0;
  private readonly top = new Float64Array(8);
  private readonly scratch: Insertion = { cost: Infinity, i: 0, j: 0 };
  /** Vehicles whose routes changed in the last call. */
  readonly touched: number[] = [];

  constructor(private readonly inst: Instance) {
    this.cost = new Float64Array(inst.requests * inst.vehicles);
    this.at = new Int32Array(inst.requests * inst.vehicles * 2);
    this.classSeen = new Int32Array(inst.vehicles);
    this.candidates = new Int32Array(inst.vehicles);
    this.isCandidate = new Uint8Array(inst.vehicles);
  }

  /** Best insertion of request u's every pair (direct, and each transfer's legs) into route v. */
  private evaluateUnit(sol: Solution, u: number, v: number, noise: number, rand: () => number): void {
    this.evaluate(sol, u, v, noise, rand);
    const t = this.inst.transfers;
    if (t === null) return;
    for (let x = t.feederStart[u]!; x < t.feederStart[u + 1]!; x++) {
      this.evaluate(sol, t.feeders[x]!, v, noise, rand);
      this.evaluate(sol, t.feeders[x]! + 1, v, noise, rand);
    }
  }

  /** The transfer's legs' best vehicles (different ones), set by transferCost. */
  private feederVehicle = -1;
  private trunkVehicle = -1;

  /**
   * Cheapest way to put both legs of the transfer whose feeder is pair f on two different candidate vehicles, or
   * Infinity when its resource has no room or a leg fits nowhere. Excludes the transfer's own cost.
   */
  private transferCost(sol: Solution, f: number, count: number, used: number, maxVehicles: number): number {
    const t = this.inst.transfers!;
    const res = t.resource[f]!;
    if (res >= 0 && sol.resourceUse[res]! + t.amount[f]! > t.capacity[res]! + 1e-9) return Infinity;
    const V = this.inst.vehicles;
    let f1 = Infinity, f2 = Infinity, fv = -1, t1 = Infinity, t2 = Infinity, tv = -1;
    for (let c = 0; c < count; c++) {
      const v = this.candidates[c]!;
      if (used >= maxVehicles && sol.routes[v]!.n === 0) continue;
      const cf = this.cost[f * V + v]!;
      if (cf < f1) [f2, f1, fv] = [f1, cf, v];
      else if (cf < f2) f2 = cf;
      const ct = this.cost[(f + 1) * V + v]!;
      if (ct < t1) [t2, t1, tv] = [t1, ct, v];
      else if (ct < t2) t2 = ct;
    }
    if (fv === -1 || tv === -1) return Infinity;
    if (fv !== tv) {
      this.feederVehicle = fv;
      this.trunkVehicle = tv;
      return f1 + t1;
    }
    // Both cheapest on one vehicle: the second best of one leg (its vehicle is then another).
    const second = (pair: number, avoid: number) => {
      let best = -1;
      for (let c = 0; c < count; c++) {
        const v = this.candidates[c]!;
        if (v === avoid || (used >= maxVehicles && sol.routes[v]!.n === 0)) continue;
        if (best === -1 || this.cost[pair * V + v]! < this.cost[pair * V + best]!) best = v;
      }
      return best;
    };
    if (f1 + t2 <= f2 + t1) {
      this.feederVehicle = fv;
      this.trunkVehicle = second(f + 1, fv);
      return f1 + t2;
    }
    this.feederVehicle = second(f, tv);
    this.trunkVehicle = tv;
    return f2 + t1;
  }

  private evaluate(sol: Solution, r: number, v: number, noise: number, rand: () => number): void {
    const best = this.scratch;
    best.cost = Infinity;
    const k = r * this.inst.vehicles + v;
    if (sol.routes[v]!.bestInsertion(r, best, noise, rand)) {
      this.at[2 * k] = best.i;
      this.at[2 * k + 1] = best.j;
    }
    this.cost[k] = best.cost;
  }

  /**
   * Inserts what it can of `pending` (emptied in place; what stays unserved is dropped from it) using at most
   * `maxVehicles` vehicles in all; k = 1 for greedy.
   * k = 0 random order. A request is left out when no route takes it or inserting costs more than its unserved penalty.
   */
  insert(sol: Solution, pending: number[], k: number, maxVehicles: number, noise: number, rand: () => number): void {
    const inst = this.inst;
    const V = inst.vehicles;
    const top = this.top;
    const keep = Math.max(1, k);
    const candidates = this.candidates;
    const isCandidate = this.isCandidate;
    this.touched.length = 0;
    let used = 0;
    // Candidates: every route in use and one empty vehicle per class (empty vehicles of a class are alike).
    const stamp = ++this.stamp;
    let count = 0;
    for (let v = 0; v < V; v++) {
      isCandidate[v] = 0;
      if (sol.routes[v]!.n > 0) used++;
      else {
        const cls = inst.vehicleClass[v]!;
        if (this.classSeen[cls] === stamp) continue;
        this.classSeen[cls] = stamp;
      }
      candidates[count++] = v;
      isCandidate[v] = 1;
    }
    if (k === 0)
      for (let idx = pending.length - 1; idx > 0; idx--) {
        const other = Math.floor(rand() * (idx + 1));
        const r = pending[idx]!;
        pending[idx] = pending[other]!;
        pending[other] = r;
      }
    const transfers = inst.transfers;
    for (const r of pending) for (let c = 0; c < count; c++) this.evaluateUnit(sol, r, candidates[c]!, noise, rand);
    while (pending.length > 0) {
      let chosen = -1;
      let chosenVehicle = -1;
      // The chosen request's transfer (its feeder pair and the legs' vehicles), -1 when it goes direct.
      let chosenFeeder = -1;
      let chosenFeederVehicle = -1;
      let chosenTrunkVehicle = -1;
      let chosenFeasible = 0;
      let chosenRegret = -Infinity;
      let chosenCost = Infinity;
      for (let idx = 0; idx < pending.length; idx++) {
        const r = pending[idx]!;
        let feasible = 0;
        let bestVehicle = -1;
        for (let c = 0; c < count; c++) {
          const v = candidates[c]!;
          const cost = this.cost[r * V + v]!;
          if (cost === Infinity) continue;
          if (used >= maxVehicles && sol.routes[v]!.n === 0) continue;
          const m = keepCheapest(top, feasible, keep, cost);
          feasible = Math.min(feasible + 1, keep);
          if (m === 0) bestVehicle = v;
        }
        let bestFeeder = -1;
        let feederVehicle = -1;
        let trunkVehicle = -1;
        if (transfers !== null)
          for (let x = transfers.feederStart[r]!; x < transfers.feederStart[r + 1]!; x++) {
            const f = transfers.feeders[x]!;
            const legs = this.transferCost(sol, f, count, used, maxVehicles);
            if (legs === Infinity) continue;
            const m = keepCheapest(top, feasible, keep, transfers.cost[f]! + legs);
            feasible = Math.min(feasible + 1, keep);
            if (m === 0) {
              bestFeeder = f;
              feederVehicle = this.feederVehicle;
              trunkVehicle = this.trunkVehicle;
            }
          }
        if (feasible === 0 || top[0]! >= inst.penalty[r]!) continue;
        if (k === 0) {
          // Random order: the first request (of the shuffled list) that fits goes in, at its cheapest place.
          chosen = idx;
          chosenVehicle = bestVehicle;
          chosenFeeder = bestFeeder;
          chosenFeederVehicle = feederVehicle;
          chosenTrunkVehicle = trunkVehicle;
          break;
        }
        let regret = 0;
        for (let h = 1; h < feasible; h++) regret += top[h]! - top[0]!;
        // Fewer feasible routes first (for k > 1), then larger regret, then cheaper.
        const better =
          chosen === -1 ||
          (k > 1 && feasible < chosenFeasible) ||
          ((k === 1 || feasible === chosenFeasible) && (regret > chosenRegret || (regret === chosenRegret && top[0]! < chosenCost)));
        if (better) {
          chosen = idx;
          chosenVehicle = bestVehicle;
          chosenFeeder = bestFeeder;
          chosenFeederVehicle = feederVehicle;
          chosenTrunkVehicle = trunkVehicle;
          chosenFeasible = feasible;
          chosenRegret = k > 1 ? regret : 0;
          chosenCost = top[0]!;
        }
      }
      if (chosen === -1) break;
      const r = pending[chosen]!;
      if (k === 0) pending.splice(chosen, 1);
      else {
        pending[chosen] = pending[pending.length - 1]!;
        pending.pop();
      }
      this.used = used;
      this.count = count;
      if (chosenFeeder === -1) this.place(sol, r, chosenVehicle, pending, noise, rand);
      else {
        // Both legs at once, on two different vehicles: the trunk's cached place is untouched by the feeder's.
        this.place(sol, chosenFeeder, chosenFeederVehicle, pending, noise, rand);
        this.place(sol, chosenFeeder + 1, chosenTrunkVehicle, pending, noise, rand);
      }
      used = this.used;
      count = this.count;
    }
    pending.length = 0;
  }

  /** Vehicles in use and candidates, shared with `place` while `insert` runs. */
  private used = 0;
  private count = 0;

  /** Inserts pair p into route v at its cached place and re-evaluates the pending requests there. */
  private place(sol: Solution, p: number, v: number, pending: number[], noise: number, rand: () => number): void {
    const inst = this.inst;
    const V = inst.vehicles;
    const key = p * V + v;
    const opened = sol.routes[v]!.n === 0;
    sol.insert(p, v, this.at[2 * key]!, this.at[2 * key + 1]!);
    this.touched.push(v);
    for (const other of pending) this.evaluateUnit(sol, other, v, noise, rand);
    if (!opened) return;
    this.used++;
    // The class's next empty vehicle becomes its candidate.
    const cls = inst.vehicleClass[v]!;
    for (let w = 0; w < V; w++)
      if (this.isCandidate[w] === 0 && inst.vehicleClass[w] === cls && sol.routes[w]!.n === 0) {
        this.candidates[this.count++] = w;
        this.isCandidate[w] = 1;
        for (const other of pending) this.evaluateUnit(sol, other, w, noise, rand);
        break;
      }
  }
}

/**
 * Keeps the `keep` cheapest costs seen in ascending top[0..keep) (insertion sort), `held` of them so far; returns the
 * slot `cost` took, or -1 when it is not among them.
 */
function keepCheapest(top: Float64Array, held: number, keep: number, cost: number): number {
  let m = held < keep ? held : keep - 1;
  if (held === keep && cost >= top[keep - 1]!) return -1;
  while (m > 0 && top[m - 1]! > cost) {
    top[m] = top[m - 1]!;
    m--;
  }
  top[m] = cost;
  return m;
}
