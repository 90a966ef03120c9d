/**
 * Repair: puts pending requests back into routes. Greedy (k = 1) inserts the request with the cheapest insertion
 * first; regret-k (Ropke & Pisinger 2006) the one that would lose most by waiting, Σ_{h=2..k} (c_h − c_1) over its
 * k best routes, and requests with fewer than k feasible routes go first. Best insertions are cached per request
 * and route; after an insertion only the changed route is re-evaluated. k = 0 inserts in a random order, each
 * request at its cheapest place (diversifies beyond what the greedy orders can build). Empty vehicles of one class are tried once.
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
    for (const r of pending) for (let c = 0; c < count; c++) this.evaluate(sol, r, candidates[c]!, noise, rand);
    while (pending.length > 0) {
      let chosen = -1;
      let chosenVehicle = -1;
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
          // Keep the `keep` cheapest costs in top[0..keep) (insertion sort).
          let m = feasible < keep ? feasible++ : keep;
          if (m === keep && cost >= top[keep - 1]!) continue;
          if (m === keep) m = keep - 1;
          while (m > 0 && top[m - 1]! > cost) {
            top[m] = top[m - 1]!;
            m--;
          }
          top[m] = cost;
          if (m === 0) bestVehicle = v;
        }
        if (feasible === 0 || top[0]! >= inst.penalty[r]!) continue;
        if (k === 0) {
          // Random order: the first request (of the shuffled list) that fits goes in, at its cheapest place.
          chosen = idx;
          chosenVehicle = bestVehicle;
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
      const key = r * V + chosenVehicle;
      const opened = sol.routes[chosenVehicle]!.n === 0;
      sol.insert(r, chosenVehicle, this.at[2 * key]!, this.at[2 * key + 1]!);
      this.touched.push(chosenVehicle);
      for (const other of pending) this.evaluate(sol, other, chosenVehicle, noise, rand);
      if (opened) {
        used++;
        // The class's next empty vehicle becomes its candidate.
        const cls = inst.vehicleClass[chosenVehicle]!;
        for (let v = 0; v < V; v++)
          if (isCandidate[v] === 0 && inst.vehicleClass[v] === cls && sol.routes[v]!.n === 0) {
            candidates[count++] = v;
            isCandidate[v] = 1;
            for (const other of pending) this.evaluate(sol, other, v, noise, rand);
            break;
          }
      }
    }
    pending.length = 0;
  }
}
