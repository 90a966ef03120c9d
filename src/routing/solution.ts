/** A plan in the search's working form: one route per vehicle (most may be empty) and where each request is. */
import type { Instance } from './instance';
import { RoutingInputError, type Plan, type PlanStop } from './problem';
import { BUDGET_WEIGHT, Route } from './route';

export class Solution {
  readonly routes: Route[];
  /** Vehicle serving each pair (a request directly, or one leg of a transfer), -1 when unserved. */
  readonly routeOf: Int32Array;
  /** Position of each stop in its route. */
  readonly pos: Int32Array;
  /** Per request (unit): the pair serving it (itself, or the feeder of a transfer), -1 when unserved. */
  readonly via: Int32Array;
  /** Use of each shared resource by the transfers in the plan. */
  readonly resourceUse: Float64Array;
  penalties = 0;

  constructor(readonly inst: Instance) {
    this.routes = Array.from({ length: inst.vehicles }, (_, v) => new Route(inst, v, 8));
    this.routeOf = new Int32Array(inst.requests).fill(-1);
    this.pos = new Int32Array(2 * inst.requests);
    this.via = new Int32Array(inst.units).fill(-1);
    this.resourceUse = new Float64Array(inst.transfers?.capacity.length ?? 0);
    for (let r = 0; r < inst.units; r++) this.penalties += inst.penalty[r]!;
  }

  /** The objective: fixed and distance costs of the vehicles used plus the penalties of the unserved. */
  cost(): number {
    let total = this.penalties;
    for (const route of this.routes) total += route.cost + route.emptyCost() + (this.inst.mode.strictBudgets ? 0 : BUDGET_WEIGHT * route.excess());
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
    for (let r = 0; r < this.inst.units; r++) if (this.via[r] === -1) count++;
    return count;
  }

  /** Puts pair r (a request served directly, or one leg of a transfer) after positions i and j of route v. */
  insert(r: number, v: number, i: number, j: number): void {
    this.routes[v]!.insert(r, i, j, this.pos);
    this.routeOf[r] = v;
    this.penalties -= this.inst.penalty[r]!;
    const t = this.inst.transfers;
    if (t === null) this.via[r] = r;
    else {
      // A transfer's feeder comes first in pair order: the request is served by it (its trunk follows at once).
      if (t.partner[r]! === -1 || t.partner[r]! > r) this.via[t.owner[r]!] = r;
      if (t.resource[r]! >= 0) this.resourceUse[t.resource[r]!]! += t.amount[r]!;
    }
  }

  /** Takes pair r off its route (use removeUnit to take a request off with every leg). */
  remove(r: number): void {
    const v = this.routeOf[r]!;
    this.routes[v]!.removeAt(this.pos[2 * r]!, this.pos[2 * r + 1]!, this.pos);
    this.routeOf[r] = -1;
    this.penalties += this.inst.penalty[r]!;
    const t = this.inst.transfers;
    if (t === null) this.via[r] = -1;
    else {
      this.via[t.owner[r]!] = -1;
      if (t.resource[r]! >= 0) this.resourceUse[t.resource[r]!]! -= t.amount[r]!;
    }
  }

  /** Takes request u off the plan, both legs of a transfer; the vehicles whose routes changed go to `touched`. */
  removeUnit(u: number, touched: number[] | null = null): void {
    const p = this.via[u]!;
    if (p === -1) return;
    const partner = this.inst.transfers?.partner[p] ?? -1;
    if (touched) touched.push(this.routeOf[p]!);
    this.remove(p);
    if (partner !== -1 && this.routeOf[partner] !== -1) {
      if (touched) touched.push(this.routeOf[partner]!);
      this.remove(partner);
    }
  }

  /** The request of pair p. */
  unitOf(p: number): number {
    return this.inst.transfers?.owner[p] ?? p;
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
          const excess = this.routes[v]!.removalSaving(this.pos[s]!, this.pos[s + 1]!) - this.inst.maxShare[s >> 1]!;
          if (excess > worstExcess) {
            worstExcess = excess;
            worst = s >> 1;
          }
        }
        // Only locked work left: it was within its budget as booked, so this holds only on a malformed input.
        if (worst === -1) break;
        const unit = this.unitOf(worst);
        this.removeUnit(unit);
        removed.push(unit);
      }
    }
  }

  /** Cost saved by removing request u with all its legs (it must be served). */
  removalSaving(u: number): number {
    const p = this.via[u]!;
    const saving = (r: number) => this.routes[this.routeOf[r]!]!.removalSaving(this.pos[2 * r]!, this.pos[2 * r + 1]!);
    const t = this.inst.transfers;
    if (t === null || t.partner[p] === -1) return saving(p);
    return saving(p) + saving(t.partner[p]!) + t.cost[p]!;
  }

  /** Copies `other`; with `vehicles`, only those routes differ (the rest already match). */
  copyFrom(other: Solution, vehicles?: Iterable<number>): void {
    if (vehicles) for (const v of vehicles) this.routes[v]!.copyFrom(other.routes[v]!);
    else this.routes.forEach((route, v) => route.copyFrom(other.routes[v]!));
    this.routeOf.set(other.routeOf);
    this.pos.set(other.pos);
    this.via.set(other.via);
    this.resourceUse.set(other.resourceUse);
    this.penalties = other.penalties;
  }

  toPlan(): Plan {
    return {
      routes: this.routes
        .filter((route) => route.n > 0)
        .map((route) => ({
          vehicle: route.vehicle,
          stops: Array.from(route.stops.subarray(1, route.n + 1), (s) => this.planStop(s)),
        })),
    };
  }

  private planStop(s: number): PlanStop {
    const p = s >> 1;
    const action = (s & 1) === 0 ? ('pickup' as const) : ('delivery' as const);
    const t = this.inst.transfers;
    if (t === null || t.partner[p] === -1) return { request: p, action };
    return { request: t.owner[p]!, action, transfer: t.option[p]!, leg: t.partner[p]! > p ? 'feeder' : 'trunk' };
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
        const r = pairOf(inst, stop, `${field}.stops[${m}]`);
        if (stop.action === 'pickup') {
          if (solution.routeOf[r] !== -1) throw new RoutingInputError(`${field}.stops[${m}]`, `request ${stop.request} is picked up twice`);
          solution.routeOf[r] = v;
          solution.penalties -= inst.penalty[r]!;
          picked.add(r);
          stops.push(2 * r);
        } else {
          if (!picked.delete(r)) throw new RoutingInputError(`${field}.stops[${m}]`, `request ${stop.request} is delivered without an earlier pickup on this route`);
          stops.push(2 * r + 1);
        }
      });
      if (picked.size > 0) throw new RoutingInputError(`${field}.stops`, `requests ${[...picked].join(', ')} are picked up but not delivered`);
      route.insertSequence(stops, solution.pos);
      if (!route.feasible()) throw new RoutingInputError(field, 'breaks a time window, capacity, compatibility, stop, duration or driving limit');
    });
    // Which way each request goes: one way only, a transfer with both legs, resources within capacity.
    const t = inst.transfers;
    for (let p = 0; p < inst.requests; p++) {
      if (solution.routeOf[p] === -1) continue;
      const u = solution.unitOf(p);
      const partner = t?.partner[p] ?? -1;
      if (partner !== -1 && solution.routeOf[partner] === -1) throw new RoutingInputError('initial.routes', `request ${u} has one leg of a transfer without the other`);
      if (partner !== -1 && partner < p) continue;
      if (solution.via[u] !== -1) throw new RoutingInputError('initial.routes', `request ${u} is served more than one way`);
      solution.via[u] = p;
      if (t && t.resource[p]! >= 0) solution.resourceUse[t.resource[p]!]! += t.amount[p]!;
    }
    solution.resourceUse.forEach((use, k) => {
      if (use > t!.capacity[k]! + 1e-9) throw new RoutingInputError('initial.routes', `resource ${k} used ${use}, capacity ${t!.capacity[k]}`);
    });
    return solution;
  }
}

/** The pair of a plan's stop: its request, or one leg of one of its transfers. */
function pairOf(inst: Instance, stop: PlanStop, field: string): number {
  const r = stop.request;
  if (!Number.isInteger(r) || r < 0 || r >= inst.units) throw new RoutingInputError(`${field}.request`, `must be an integer in [0, ${inst.units})`);
  if (stop.transfer === undefined) return r;
  const t = inst.transfers;
  const count = t ? t.feederStart[r + 1]! - t.feederStart[r]! : 0;
  if (!Number.isInteger(stop.transfer) || stop.transfer < 0 || stop.transfer >= count) throw new RoutingInputError(`${field}.transfer`, `request ${r} has ${count} transfers`);
  if (stop.leg !== 'feeder' && stop.leg !== 'trunk') throw new RoutingInputError(`${field}.leg`, "must be 'feeder' or 'trunk'");
  return t!.feeders[t!.feederStart[r]! + stop.transfer]! + (stop.leg === 'trunk' ? 1 : 0);
}
