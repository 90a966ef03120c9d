/**
 * Locked work (requests already booked on a truck that is out): the search never moves, drops or reorders it,
 * the brute-force checker refuses a plan that does, loads already on board (a locked pickup at the vehicle's
 * position and time) admit no stop before them, booked windows and deadlines still hold, and the budget rule
 * leaves a new request to pay the whole extra cost of joining.
 */
import { describe, expect, it } from 'vitest';
import { checkPlan, RoutingInputError, solve, type PlanStop, type RoutingProblem } from '../../../src/routing/index';
import { compile } from '../../../src/routing/instance';
import { Route } from '../../../src/routing/route';
import { exhaustiveOptimum, randomProblem } from './fixtures';

/** A random problem whose vehicle 0 carries requests 0 and 1 as booked work (a feasible order grown by insertion). */
function withBookedRoute(seed: number, requests: number, vehicles: number): RoutingProblem | null {
  const problem = randomProblem(seed, { requests, vehicles });
  const route = new Route(compile(problem), 0);
  for (const r of [0, 1]) {
    const best = { cost: Infinity, i: 0, j: 0 };
    if (!route.bestInsertion(r, best)) return null;
    route.insert(r, best.i, best.j, null);
  }
  const stops: PlanStop[] = Array.from(route.stops.subarray(1, route.n + 1), (s) => ({ request: s >> 1, action: (s & 1) === 0 ? 'pickup' : 'delivery' }));
  return { ...problem, locked: [{ vehicle: 0, stops }] };
}

/** The first seed from `seed` on whose vehicle 0 can carry requests 0 and 1. */
function someBookedRoute(seed: number, requests: number, vehicles: number): RoutingProblem {
  for (let s = seed; ; s++) {
    const problem = withBookedRoute(s, requests, vehicles);
    if (problem) return problem;
  }
}

const lockedStops = (problem: RoutingProblem) => problem.locked![0]!.stops.map((s) => `${s.request}${s.action}`);

describe('locked work', () => {
  it('stays on its vehicle, in its order, within its windows, whatever the search does (random instances)', () => {
    let checked = 0;
    let joined = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const problem = withBookedRoute(seed, 7, 3);
      if (!problem) continue;
      const result = solve(problem, { seed, maxIterations: 400 });
      const check = checkPlan(problem, result.plan);
      expect(check.violations, `seed ${seed}`).toEqual([]);
      const route = result.plan.routes.find((r) => r.vehicle === 0)!;
      const kept = route.stops.filter((s) => s.request < 2).map((s) => `${s.request}${s.action}`);
      expect(kept, `seed ${seed}`).toEqual(lockedStops(problem));
      expect(result.unserved).not.toContain(0);
      expect(result.unserved).not.toContain(1);
      checked++;
      if (route.stops.length > 4) joined++;
    }
    expect(checked).toBeGreaterThan(30);
    // Worth something only if new requests do join booked routes.
    expect(joined).toBeGreaterThan(5);
  });

  it('is never dearer than the cheapest plan found by enumeration that keeps the locked work (tiny instances)', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const problem = withBookedRoute(seed, 3, 2);
      if (!problem) continue;
      const result = solve(problem, { seed, maxIterations: 300 });
      // Enumeration over every plan, the checker refusing those that move the locked work.
      expect(result.cost, `seed ${seed}`).toBeLessThanOrEqual(exhaustiveOptimum(problem) + 1e-6);
    }
  });

  it('the checker refuses a plan that moves, drops or reorders locked work', () => {
    const problem = someBookedRoute(2, 4, 2);
    const stops = problem.locked![0]!.stops;
    expect(checkPlan(problem, { routes: [{ vehicle: 0, stops: [...stops] }] }).violations).toEqual([]);
    expect(checkPlan(problem, { routes: [{ vehicle: 1, stops: [...stops] }] }).violations.join()).toMatch(/locked stops moved, dropped or reordered/);
    expect(checkPlan(problem, { routes: [] }).violations.join()).toMatch(/locked stops moved/);
    const swapped = [...stops].reverse().map((s) => ({ ...s, action: s.action === 'pickup' ? ('delivery' as const) : ('pickup' as const) }));
    expect(checkPlan(problem, { routes: [{ vehicle: 0, stops: swapped }] }).violations.join()).toMatch(/locked stops moved/);
  });

  // A line: the truck stands at x = 0 with A already on board (locked pickup there at time 0), A due at x = 40.
  const X = [0, 10, 20, 30, 40];
  const line = (b: { maxShare: number; pickup?: number }): RoutingProblem => ({
    locations: X.length,
    distance: X.map((p) => X.map((q) => Math.abs(p - q))),
    requests: [
      // A: on board, booked at 100 (what its route cost: the sunk part is in the fixed cost).
      { pickup: { location: 0, earliest: 0, latest: 0, service: 0 }, delivery: { location: 4, earliest: 0, latest: 45, service: 0 }, demand: [1, 1], unservedPenalty: 0, maxShare: 100 },
      { pickup: { location: b.pickup ?? 1, earliest: 0, latest: 1_000, service: 0 }, delivery: { location: 3, earliest: 0, latest: 1_000, service: 0 }, demand: [1, 1], unservedPenalty: 10_000, maxShare: b.maxShare },
    ],
    vehicles: [
      { start: 0, end: 0, capacity: [2, 2], earliest: 0, latest: 1_000, fixedCost: 60, costPerDistance: 1, costPerStop: 5 },
      // A second truck far cheaper for A alone: A still may not move to it.
      { start: 4, end: 4, capacity: [2, 2], earliest: 0, latest: 1_000, fixedCost: 0, costPerDistance: 0.1 },
    ],
    locked: [{ vehicle: 0, stops: [{ request: 0, action: 'pickup' }, { request: 0, action: 'delivery' }] }],
  });

  it('takes a new request onto the booked route only when it pays the whole extra cost itself', () => {
    // Vehicle 0 ends at x = 40 (an open route), vehicle 1 becomes a dear truck of B's own.
    const open = (p: RoutingProblem): RoutingProblem => ({ ...p, vehicles: p.vehicles.map((v, i) => (i === 0 ? { ...v, end: 4 } : { ...v, start: 0, end: 0, fixedCost: 1_000 })) });
    // A alone: 60 + 40 = 100, its booked price. B (10 → 30) on the way adds two stops: 10 more, no km.
    const cheap = solve(open(line({ maxShare: 10 })), { seed: 1, maxIterations: 200 });
    expect(cheap.unserved).toEqual([]);
    expect(cheap.plan.routes.find((r) => r.vehicle === 0)!.stops.map((s) => s.request)).toEqual([0, 1, 1, 0]);
    // B may pay only 9: joining would make A pay more, so B is left out (its own truck costs 1,000 + km here).
    const dear = solve(open(line({ maxShare: 9 })), { seed: 1, maxIterations: 200 });
    expect(dear.unserved).toEqual([1]);
    expect(checkPlan(open(line({ maxShare: 9 })), dear.plan).violations).toEqual([]);
  });

  it('inserts nothing before a load already on board (its locked pickup at the truck\'s position and time)', () => {
    const problem = line({ maxShare: 1_000, pickup: 2 });
    const inst = compile(problem);
    const route = new Route(inst, 0);
    route.insertSequence([0, 1], null);
    const positions: number[] = [];
    route.bestInsertion(1, { cost: Infinity, i: 0, j: 0 }, 0, null, (i) => positions.push(i));
    expect(positions.length).toBeGreaterThan(0);
    expect(positions).not.toContain(0);
  });

  it('refuses malformed locked work, naming the field', () => {
    const problem = line({ maxShare: 10 });
    const twice: RoutingProblem = { ...problem, locked: [...problem.locked!, { vehicle: 1, stops: [{ request: 0, action: 'pickup' }, { request: 0, action: 'delivery' }] }] };
    expect(() => solve(twice, { maxIterations: 10 })).toThrow(/locked\[1\]\.stops\[0\]: request 0 is locked twice/);
    const backwards: RoutingProblem = { ...problem, locked: [{ vehicle: 0, stops: [{ request: 0, action: 'delivery' }, { request: 0, action: 'pickup' }] }] };
    expect(() => solve(backwards, { maxIterations: 10 })).toThrow(RoutingInputError);
    const moved = { routes: [{ vehicle: 1, stops: [{ request: 1, action: 'pickup' as const }, { request: 1, action: 'delivery' as const }] }, { vehicle: 0, stops: [{ request: 0, action: 'delivery' as const }] }] };
    expect(() => solve(problem, { maxIterations: 10, initial: moved })).toThrow(/initial\.routes\[1\]: must keep its vehicle's locked stops/);
  });

  it('is deterministic for a seed', () => {
    const problem = someBookedRoute(5, 7, 3);
    const a = solve(problem, { seed: 9, maxIterations: 300 });
    const b = solve(problem, { seed: 9, maxIterations: 300 });
    expect(a.plan).toEqual(b.plan);
  });
});
