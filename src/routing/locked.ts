/**
 * Locked work: requests already booked on a vehicle (a truck out on its route). They stay on that vehicle in the
 * relative order given, whatever the search does: no operator removes them, insertion only adds stops around them.
 * A load already on board is the caller's locked pickup at the vehicle's start (its position) at its earliest time,
 * so nothing can be inserted before it. The route's price for them is their `maxShare` (what they booked), so the
 * budget rule leaves any extra cost to the requests that join.
 */
import { RoutingInputError, type Plan, type PlanRoute, type RoutingProblem } from './problem';

/** The vehicle each request is locked to, -1 for free requests. @throws RoutingInputError for malformed locked work. */
export function lockedVehicles(problem: RoutingProblem): Int32Array {
  const lockedTo = new Int32Array(problem.requests.length).fill(-1);
  const vehicles = new Set<number>();
  (problem.locked ?? []).forEach((route, k) => {
    const field = `locked[${k}]`;
    if (!Number.isInteger(route.vehicle) || route.vehicle < 0 || route.vehicle >= problem.vehicles.length)
      throw new RoutingInputError(`${field}.vehicle`, `must be an integer in [0, ${problem.vehicles.length})`);
    if (vehicles.has(route.vehicle)) throw new RoutingInputError(`${field}.vehicle`, 'a vehicle has at most one locked route');
    vehicles.add(route.vehicle);
    const open = new Set<number>();
    route.stops.forEach((stop, m) => {
      const r = stop.request;
      if (!Number.isInteger(r) || r < 0 || r >= problem.requests.length) throw new RoutingInputError(`${field}.stops[${m}].request`, `must be an integer in [0, ${problem.requests.length})`);
      if (stop.action === 'pickup') {
        if (lockedTo[r] !== -1) throw new RoutingInputError(`${field}.stops[${m}]`, `request ${r} is locked twice`);
        lockedTo[r] = route.vehicle;
        open.add(r);
      } else if (!open.delete(r)) throw new RoutingInputError(`${field}.stops[${m}]`, `request ${r} is delivered without an earlier locked pickup`);
    });
    if (open.size > 0) throw new RoutingInputError(`${field}.stops`, `requests ${[...open].join(', ')} are picked up but not delivered`);
  });
  return lockedTo;
}

/** Whether `stops` holds `locked` as a subsequence (the locked stops in their order, others between). */
function keepsOrder(stops: PlanRoute['stops'], locked: PlanRoute['stops']): boolean {
  let k = 0;
  for (const s of stops) if (k < locked.length && s.request === locked[k]!.request && s.action === locked[k]!.action) k++;
  return k === locked.length;
}

/**
 * The warm start with the locked work in it: a vehicle the start leaves out gets its locked route as it is; one it
 * plans must keep its locked stops in order.
 * @throws RoutingInputError when the start moves, reorders or drops locked work.
 */
export function withLockedWork(problem: RoutingProblem, initial: Plan | undefined): Plan | undefined {
  const locked = problem.locked ?? [];
  if (locked.length === 0) return initial;
  const routes = [...(initial?.routes ?? [])];
  for (const lockedRoute of locked) {
    const k = routes.findIndex((route) => route.vehicle === lockedRoute.vehicle);
    if (k === -1) routes.push({ vehicle: lockedRoute.vehicle, stops: [...lockedRoute.stops] });
    else if (!keepsOrder(routes[k]!.stops, lockedRoute.stops)) throw new RoutingInputError(`initial.routes[${k}]`, 'must keep its vehicle\'s locked stops, in their order');
  }
  return { routes };
}

/** What a plan does wrong with the locked work (for the brute-force checker). */
export function lockedViolations(problem: RoutingProblem, plan: Plan): string[] {
  const violations: string[] = [];
  for (const lockedRoute of problem.locked ?? []) {
    const route = plan.routes.find((r) => r.vehicle === lockedRoute.vehicle);
    if (!route || !keepsOrder(route.stops, lockedRoute.stops)) violations.push(`vehicle ${lockedRoute.vehicle}: locked stops moved, dropped or reordered`);
  }
  return violations;
}
