/**
 * Brute-force plan checker: simulates each route stop by stop from the problem as given (not the compiled tables
 * or the slack the search uses), so tests can hold the fast insertion check against it and callers can read the
 * schedule (arrival, start of service, load on board after each stop).
 */
import { checkTransfers } from './alternatives';
import { lockedViolations } from './locked';
import { matrixReader, type Plan, type PlanStop, type RoutingLeg, type RoutingProblem, type RoutingRequest } from './problem';

export interface CheckedStop {
  request: number;
  action: 'pickup' | 'delivery';
  transfer?: number;
  leg?: 'feeder' | 'trunk';
  arrival: number;
  start: number;
  /** Load on board after the stop, per dimension. */
  load: number[];
}

export interface PlanCheck {
  feasible: boolean;
  violations: string[];
  cost: number;
  vehicles: number;
  distance: number;
  unserved: number[];
  routes: { vehicle: number; departure: number; arrival: number; distance: number; driving: number; stops: CheckedStop[] }[];
}

export function checkPlan(problem: RoutingProblem, plan: Plan): PlanCheck {
  const dist = matrixReader(problem.distance, problem.locations);
  const time = matrixReader(problem.travelTime ?? problem.distance, problem.locations);
  const violations: string[] = [];
  /** Pickups seen, by leg: `r` for a direct pair, `r/k/feeder` or `r/k/trunk` for a transfer's legs. */
  const servedBy = new Map<string, number>();
  const startOf = new Map<string, number>();
  const keyOf = (s: PlanStop) => (s.transfer === undefined ? `${s.request}` : `${s.request}/${s.transfer}/${s.leg}`);
  /** The pair a stop belongs to: the request itself, or one leg of one of its transfers. */
  const pairOf = (req: RoutingRequest, s: PlanStop): RoutingLeg | undefined => (s.transfer === undefined ? req : s.leg ? req.transfers?.[s.transfer]?.[s.leg] : undefined);
  let cost = 0;
  let totalDistance = 0;
  let vehicles = 0;
  const routes: PlanCheck['routes'] = [];
  const usedVehicles = new Set<number>();
  for (const route of plan.routes) {
    const v = route.vehicle;
    const veh = problem.vehicles[v];
    if (!veh) {
      violations.push(`vehicle ${v} does not exist`);
      continue;
    }
    if (usedVehicles.has(v)) violations.push(`vehicle ${v} has two routes`);
    usedVehicles.add(v);
    if (route.stops.length === 0) continue;
    vehicles++;
    const at = `vehicle ${v}`;
    const load = veh.capacity.map(() => 0);
    const onBoard = new Set<string>();
    const stops: CheckedStop[] = [];
    let here = veh.start;
    let clock = veh.earliest;
    let distance = 0;
    let emptyDistance = 0;
    let driving = 0;
    let departure = veh.earliest;
    let service = 0;
    let maxCharge = 0;
    /** Places stopped at in turn: a stop at the same location as the one before it is not another paid stop, nor another towards maxStops. */
    let places = 0;
    route.stops.forEach((planStop, k) => {
      const req = problem.requests[planStop.request];
      if (!req) {
        violations.push(`${at}: request ${planStop.request} does not exist`);
        return;
      }
      const r = planStop.request;
      const pair = pairOf(req, planStop);
      if (!pair) {
        violations.push(`${at}: request ${r} has no transfer ${planStop.transfer} leg ${planStop.leg}`);
        return;
      }
      const key = keyOf(planStop);
      const stop = planStop.action === 'pickup' ? pair.pickup : pair.delivery;
      if (k === 0 || stop.location !== here) places++;
      const t = time(here, stop.location);
      distance += dist(here, stop.location);
      if (load.every((l) => l === 0)) emptyDistance += dist(here, stop.location);
      driving += t;
      const arrival = clock + t;
      const start = Math.max(arrival, stop.earliest);
      if (k === 0) departure = start - t;
      if (start > stop.latest) violations.push(`${at}: ${planStop.action} of request ${r} starts at ${start}, after ${stop.latest}`);
      startOf.set(`${key}/${planStop.action}`, start);
      if (planStop.action === 'pickup') {
        if (servedBy.has(key)) violations.push(`request ${r} picked up twice`);
        servedBy.set(key, v);
        const has = new Set(veh.tags ?? []);
        const missing = (req.requires ?? []).filter((tag) => !has.has(tag));
        if (missing.length > 0) violations.push(`${at}: request ${r} requires ${missing.join(', ')}`);
        if (problem.mayCarry && !problem.mayCarry(v, r)) violations.push(`${at}: may not carry request ${r}`);
        for (const otherKey of onBoard) {
          const other = Number(otherKey.split('/')[0]);
          const o = problem.requests[other]!;
          const clash = (a: RoutingRequest, b: RoutingRequest): boolean => (a.excludes ?? []).some((tag) => (b.tags ?? []).includes(tag));
          if (clash(req, o) || clash(o, req)) violations.push(`${at}: request ${r} on board with incompatible request ${other}`);
        }
        onBoard.add(key);
        req.demand.forEach((q, d) => (load[d] = load[d]! + q));
      } else {
        if (!onBoard.delete(key)) violations.push(`${at}: request ${r} delivered without being on board`);
        req.demand.forEach((q, d) => (load[d] = load[d]! - q));
      }
      load.forEach((l, d) => {
        if (l > veh.capacity[d]!) violations.push(`${at}: load ${l} in dimension ${d} after stop ${k}, capacity ${veh.capacity[d]}`);
      });
      stops.push({ ...planStop, arrival, start, load: [...load] });
      if (planStop.action === 'pickup') maxCharge += pair.maxShare ?? Infinity;
      service += stop.service;
      clock = start + stop.service;
      here = stop.location;
    });
    if (places > (veh.maxStops ?? Infinity)) violations.push(`${at}: stops at ${places} places, at most ${veh.maxStops}`);
    if (onBoard.size > 0) violations.push(`${at}: requests ${[...onBoard].join(', ')} never delivered`);
    const tEnd = time(here, veh.end);
    distance += dist(here, veh.end);
    if (load.every((l) => l === 0)) emptyDistance += dist(here, veh.end);
    driving += tEnd;
    const arrival = clock + tEnd;
    if (arrival > veh.latest) violations.push(`${at}: back at ${arrival}, after ${veh.latest}`);
    if (arrival - departure > (veh.maxDuration ?? Infinity)) violations.push(`${at}: duration ${arrival - departure}, at most ${veh.maxDuration}`);
    if (driving > (veh.maxDriving ?? Infinity)) violations.push(`${at}: driving ${driving}, at most ${veh.maxDriving}`);
    const waiting = arrival - departure - driving - service;
    const routeCost = veh.fixedCost + (veh.costPerStop ?? 0) * Math.max(0, places - 2) + veh.costPerDistance * distance + (veh.costPerWaiting ?? 0) * waiting;
    if (routeCost > maxCharge + 1e-6) violations.push(`${at}: costs ${routeCost}, more than its requests' maxShare ${maxCharge}`);
    // The weight on empty distance is the objective's, not a charge: no budget counts it.
    cost += routeCost + (route.stops.length > 0 ? (veh.costPerEmptyDistance ?? 0) * emptyDistance : 0);
    totalDistance += distance;
    routes.push({ vehicle: v, departure, arrival, distance, driving, stops });
  }
  const transfers = checkTransfers(problem, plan, (r, k, leg, action) => startOf.get(`${r}/${k}/${leg}/${action}`));
  violations.push(...transfers.violations);
  cost += transfers.cost;
  violations.push(...lockedViolations(problem, plan));
  const unserved: number[] = [];
  problem.requests.forEach((req, r) => {
    if (!servedBy.has(`${r}`) && !transfers.served.has(r)) {
      unserved.push(r);
      cost += req.unservedPenalty;
    }
  });
  return { feasible: violations.length === 0, violations, cost, vehicles, distance: totalDistance, unserved, routes };
}
