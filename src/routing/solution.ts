/** A plan in the search's working form: one route per vehicle (most may be empty) and where each request is. */
import type { Instance } from './instance';
import { RoutingInputError, type Plan } from './problem';
import { BUDGET_WEIGHT, Route } from './route';

export class Solution {
  readonly routes: Route[];
  /** Vehicle serving each request, -1 when unserved. */
  readonly routeOf: Int32Array;
  /** Position of each stop in its route. */
  readonly pos: Int32Array;
  penalties = 0;

  constructor(readonly inst: Instance) {
    this.routes = Array.from({ length: inst.vehicles }, (_, v) => new Route(inst, v, 8));
    this.routeOf = new Int32Array(inst.requests).fill(-1);
    this.pos = new Int32Array(2 * inst.requests);
    for (let r = 0; r < inst.requests; r++) this.penalties += inst.penalty[r]!;
  }

  /** The objective: fixed and distance costs of the vehicles used plus the penalties of the unserved. */
  cost(): number {
    let total = this.penalties;
    for (const route of this.routes) total += route.cost + (this.inst.mode.strictBudgets ? 0 : BUDGET_WEIGHT * route.excess());
    return total;
  }

  /** Whether every route costs no more than its requests may be charged. */
  withinBudgets(): boolean {
    return this.routes.every((route) => route.excess() <= 1e-6);
  }

  /** Cost without fixed costs and penalties: what the annealing temperature is scaled to. */
  variableCost(): number {
    let total = 0;
    for (const route of this.routes) if (route.n > 0) total += route.cost - this.inst.fixedCost[route.vehicle]!;
    return total;
  }

  vehiclesUsed(): number {
    let used = 0;
    for (const route of this.routes) if (route.n > 0) used++;
    return used;
  }

  unservedCount(): number {
    let count = 0;
    for (let r = 0; r < this.inst.requests; r++) if (this.routeOf[r] === -1) count++;
    return count;
  }

  insert(r: number, v: number, i: number, j: number): void {
    this.routes[v]!.insert(r, i, j, this.pos);
    this.routeOf[r] = v;
    this.penalties -= this.inst.penalty[r]!;
  }

  remove(r: number): void {
    const v = this.routeOf[r]!;
    this.routes[v]!.removeAt(this.pos[2 * r]!, this.pos[2 * r + 1]!, this.pos);
    this.routeOf[r] = -1;
    this.penalties += this.inst.penalty[r]!;
  }

  /**
   * Takes requests off the routes of `vehicles` until each costs no more than its requests' maxShare (a removal
   * may leave the others unable to pay for the route): the one whose removal saves most beyond its share first.
   */
  settleBudgets(vehicles: readonly number[], removed: number[]): void {
    for (const v of vehicles) {
      const route = this.routes[v]!;
      while (route.n > 0 && route.cost > route.capSum + 1e-6) {
        let worst = -1;
        let worstExcess = -Infinity;
        for (let k = 1; k <= route.n; k++) {
          const s = route.stops[k]!;
          if ((s & 1) === 1 || this.inst.lockedTo[s >> 1] !== -1) continue;
          const excess = this.removalSaving(s >> 1) - this.inst.maxShare[s >> 1]!;
          if (excess > worstExcess) {
            worstExcess = excess;
            worst = s >> 1;
          }
        }
        // Only locked work left: it was within its budget as booked, so this holds only on a malformed input.
        if (worst === -1) break;
        this.remove(worst);
        removed.push(worst);
      }
    }
  }

  /** Cost saved by removing request r (it must be served). */
  removalSaving(r: number): number {
    return this.routes[this.routeOf[r]!]!.removalSaving(this.pos[2 * r]!, this.pos[2 * r + 1]!);
  }

  /** Copies `other`; with `vehicles`, only those routes differ (the rest already match). */
  copyFrom(other: Solution, vehicles?: Iterable<number>): void {
    if (vehicles) for (const v of vehicles) this.routes[v]!.copyFrom(other.routes[v]!);
    else this.routes.forEach((route, v) => route.copyFrom(other.routes[v]!));
    this.routeOf.set(other.routeOf);
    this.pos.set(other.pos);
    this.penalties = other.penalties;
  }

  toPlan(): Plan {
    return {
      routes: this.routes
        .filter((route) => route.n > 0)
        .map((route) => ({
          vehicle: route.vehicle,
          stops: Array.from(route.stops.subarray(1, route.n + 1), (s) => ({ request: s >> 1, action: (s & 1) === 0 ? ('pickup' as const) : ('delivery' as const) })),
        })),
    };
  }

  /** Loads a warm start, refusing a plan that names a request twice, delivers before picking up, or breaks a constraint. */
  static fromPlan(inst: Instance, plan: Plan): Solution {
    const solution = new Solution(inst);
    const usedVehicles = new Set<number>();
    plan.routes.forEach((planRoute, k) => {
      const field = `initial.routes[${k}]`;
      const v = planRoute.vehicle;
      if (!Number.isInteger(v) || v < 0 || v >= inst.vehicles) throw new RoutingInputError(`${field}.vehicle`, `must be an integer in [0, ${inst.vehicles})`);
      if (usedVehicles.has(v)) throw new RoutingInputError(`${field}.vehicle`, 'a vehicle has at most one route');
      usedVehicles.add(v);
      const route = solution.routes[v]!;
      const picked = new Set<number>();
      const stops: number[] = [];
      planRoute.stops.forEach((stop, m) => {
        const r = stop.request;
        if (!Number.isInteger(r) || r < 0 || r >= inst.requests) throw new RoutingInputError(`${field}.stops[${m}].request`, `must be an integer in [0, ${inst.requests})`);
        if (stop.action === 'pickup') {
          if (solution.routeOf[r] !== -1) throw new RoutingInputError(`${field}.stops[${m}]`, `request ${r} is picked up twice`);
          solution.routeOf[r] = v;
          solution.penalties -= inst.penalty[r]!;
          picked.add(r);
          stops.push(2 * r);
        } else {
          if (!picked.delete(r)) throw new RoutingInputError(`${field}.stops[${m}]`, `request ${r} is delivered without an earlier pickup on this route`);
          stops.push(2 * r + 1);
        }
      });
      if (picked.size > 0) throw new RoutingInputError(`${field}.stops`, `requests ${[...picked].join(', ')} are picked up but not delivered`);
      route.insertSequence(stops, solution.pos);
      if (!route.feasible()) throw new RoutingInputError(field, 'breaks a time window, capacity, compatibility, stop, duration or driving limit');
    });
    return solution;
  }
}
