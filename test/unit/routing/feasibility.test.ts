/**
 * The O(1)-per-position insertion check against the brute-force checker: on hundreds of seeded random routes
 * (capacity in two dimensions, windows, service times, stop, duration and driving limits, cargo tags, vehicle
 * requirements, stops sharing a site), the set of feasible insertions and their costs must be exactly what simulating
 * each plan gives.
 */
import { describe, expect, it } from 'vitest';
import { checkPlan, type PlanStop, type RoutingProblem } from '../../../src/routing/index';
import { compile } from '../../../src/routing/instance';
import { seededRandom } from '../../../src/routing/random';
import { Route } from '../../../src/routing/route';
import { randomProblem } from './fixtures';

/** The route's stops with request r's pickup after position i and delivery after position j (0 = the start). */
function withInsertion(stops: PlanStop[], r: number, i: number, j: number): PlanStop[] {
  return [...stops.slice(0, i), { request: r, action: 'pickup' }, ...stops.slice(i, j), { request: r, action: 'delivery' }, ...stops.slice(j)];
}

function routeCost(problem: RoutingProblem, vehicle: number, stops: PlanStop[]): number | null {
  if (stops.length === 0) return 0;
  const check = checkPlan(problem, { routes: [{ vehicle, stops }] });
  if (!check.feasible) return null;
  const route = check.routes[0]!;
  const veh = problem.vehicles[vehicle]!;
  const service = stops.reduce((sum, s) => sum + problem.requests[s.request]![s.action].service, 0);
  const waiting = route.arrival - route.departure - route.driving - service;
  // One paid stop per place stopped at in turn: a stop at the same location as the one before it is not another.
  const at = stops.map((s) => problem.requests[s.request]![s.action].location);
  const places = at.filter((loc, k) => k === 0 || loc !== at[k - 1]).length;
  return veh.fixedCost + (veh.costPerStop ?? 0) * Math.max(0, places - 2) + veh.costPerDistance * check.distance + (veh.costPerWaiting ?? 0) * waiting;
}

/** Brute force: every position pair, simulated. */
function bruteInsertions(problem: RoutingProblem, vehicle: number, stops: PlanStop[], r: number): Map<string, number> {
  const base = routeCost(problem, vehicle, stops)!;
  const out = new Map<string, number>();
  for (let i = 0; i <= stops.length; i++)
    for (let j = i; j <= stops.length; j++) {
      const cost = routeCost(problem, vehicle, withInsertion(stops, r, i, j));
      if (cost !== null) out.set(`${i},${j}`, cost - base);
    }
  return out;
}

function fastInsertions(route: Route, r: number): Map<string, number> {
  const out = new Map<string, number>();
  route.bestInsertion(r, { cost: Infinity, i: 0, j: 0 }, 0, null, (i, j, cost) => out.set(`${i},${j}`, cost));
  return out;
}

describe('insertion feasibility', () => {
  it('agrees with the brute-force checker on random routes, position by position', () => {
    let compared = 0;
    let feasibleSeen = 0;
    let infeasibleSeen = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const problem = randomProblem(seed, { requests: 6, vehicles: 1, rules: seed % 2 === 0, sharedSites: seed % 3 === 0 });
      const inst = compile(problem);
      const route = new Route(inst, 0);
      const rand = seededRandom(seed * 7919);
      let stops: PlanStop[] = [];
      // Grow a random feasible route, checking every request against it at each size.
      for (const r of [0, 1, 2, 3, 4, 5].sort(() => rand() - 0.5)) {
        const fast = fastInsertions(route, r);
        const brute = bruteInsertions(problem, 0, stops, r);
        expect([...fast.keys()].sort(), `seed ${seed}, request ${r}, route ${JSON.stringify(stops)}`).toEqual([...brute.keys()].sort());
        for (const [at, cost] of brute) expect(fast.get(at)!).toBeCloseTo(cost, 6);
        compared += (stops.length + 1) * (stops.length + 2) / 2;
        feasibleSeen += brute.size;
        infeasibleSeen += (stops.length + 1) * (stops.length + 2) / 2 - brute.size;
        const options = [...brute.keys()];
        if (options.length === 0) continue;
        const [i, j] = options[Math.floor(rand() * options.length)]!.split(',').map(Number) as [number, number];
        stops = withInsertion(stops, r, i, j);
        route.insert(r, i, j, null);
        expect(route.feasible()).toBe(true);
      }
    }
    // The property is only worth something if both outcomes occur often.
    expect(compared).toBeGreaterThan(5_000);
    expect(feasibleSeen).toBeGreaterThan(1_000);
    expect(infeasibleSeen).toBeGreaterThan(1_000);
  });

  it("prices a removal as the checker does, stops at one site counted once (waiting aside)", () => {
    let compared = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const random = randomProblem(seed, { requests: 6, vehicles: 1, sharedSites: true });
      const problem = { ...random, vehicles: [{ ...random.vehicles[0]!, costPerStop: 10, costPerWaiting: 0 }] };
      const route = new Route(compile(problem), 0);
      let stops: PlanStop[] = [];
      for (let r = 0; r < 6; r++) {
        const best = { cost: Infinity, i: 0, j: 0 };
        if (!route.bestInsertion(r, best)) continue;
        stops = withInsertion(stops, r, best.i, best.j);
        route.insert(r, best.i, best.j, null);
      }
      const onRoute = [...new Set(stops.map((s) => s.request))];
      for (const r of onRoute) {
        const p = stops.findIndex((s) => s.request === r) + 1;
        const q = stops.length - [...stops].reverse().findIndex((s) => s.request === r);
        const without = stops.filter((s) => s.request !== r);
        // Removing a stop never breaks a window here (no waiting cost, triangle inequality), so both are priced.
        expect(route.removalSaving(p, q)).toBeCloseTo(routeCost(problem, 0, stops)! - routeCost(problem, 0, without)!, 6);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('returns the cheapest feasible insertion as its best', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const problem = randomProblem(seed, { requests: 5, vehicles: 1, sharedSites: seed % 2 === 0 });
      const inst = compile(problem);
      const route = new Route(inst, 0);
      const stops: PlanStop[] = [];
      for (let r = 0; r < 4; r++) {
        const best = { cost: Infinity, i: 0, j: 0 };
        const found = route.bestInsertion(r, best);
        const brute = bruteInsertions(problem, 0, stops, r);
        expect(found).toBe(brute.size > 0);
        if (!found) continue;
        expect(best.cost).toBeCloseTo(Math.min(...brute.values()), 6);
        stops.splice(0, stops.length, ...withInsertion(stops, r, best.i, best.j));
        route.insert(r, best.i, best.j, null);
      }
    }
  });
});
