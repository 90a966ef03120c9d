/**
 * A vehicle's maxStops counts the places it stops at, not pickups and deliveries: stops in a row at one location are
 * one stop for the driver, as the stop fee counts them. Locations lie on a line: 0 the depot, then A to F.
 */
import { describe, expect, it } from 'vitest';
import { checkPlan, solve, type PlanStop, type RoutingProblem, type RoutingRequest } from '../../../src/routing/index';
import { compile } from '../../../src/routing/instance';
import { Route } from '../../../src/routing/route';

const A = 1;
const B = 2;
const C = 3;
const X = [0, 10, 20, 30, 40, 50, 60];

function problem(ends: [number, number][], maxStops: number): RoutingProblem {
  const stop = (location: number) => ({ location, earliest: 0, latest: 10_000, service: 1 });
  const requests: RoutingRequest[] = ends.map(([from, to]) => ({ pickup: stop(from), delivery: stop(to), demand: [1], unservedPenalty: 1_000_000 }));
  return {
    locations: X.length,
    distance: X.map((p) => X.map((q) => Math.abs(p - q))),
    requests,
    vehicles: [{ start: 0, end: 0, capacity: [10], earliest: 0, latest: 10_000, fixedCost: 100, costPerDistance: 1, costPerStop: 5, maxStops }],
  };
}

const stops = (...order: [number, PlanStop['action']][]): PlanStop[] => order.map(([request, action]) => ({ request, action }));

describe('maxStops counts places', () => {
  it('fits three loads from one place to another on a vehicle of 4 stops (2 places, 6 pickups and drops)', () => {
    const result = solve(problem([[A, B], [A, B], [A, B]], 4), { seed: 1, maxIterations: 200 });
    expect(result.unserved).toEqual([]);
    expect(result.plan.routes.filter((r) => r.stops.length > 0)).toHaveLength(1);
  });

  it('fits only two loads between distinct places on it (4 places)', () => {
    const result = solve(problem([[A, B], [C, 4], [5, 6]], 4), { seed: 1, maxIterations: 200 });
    expect(result.unserved).toHaveLength(1);
  });

  it('counts an insertion between two stops at one place as splitting them (A, X, A is three places)', () => {
    // Two loads A → B on board (A, A, B, B: 2 places); a third C → B with room for one more place.
    const inst = compile(problem([[A, B], [A, B], [C, B]], 3));
    const route = new Route(inst, 0);
    route.insert(0, 0, 0, null);
    route.insert(1, 1, 2, null);
    expect(route.feasible()).toBe(true);
    const positions: string[] = [];
    route.bestInsertion(2, { cost: Infinity, i: 0, j: 0 }, 0, null, (i, j) => positions.push(`${i},${j}`));
    // C before the As or between them and the Bs, its drop among the Bs; C between the As (i = 1) or the Bs
    // (i = 3), or after them (i = 4, its drop then a second visit to B), would make four places.
    expect(positions.sort()).toEqual(['0,2', '0,3', '0,4', '2,2', '2,3', '2,4']);
  });

  it('is what the checker holds a plan to', () => {
    const p = problem([[A, B], [A, B], [A, B]], 4);
    const together = stops([0, 'pickup'], [1, 'pickup'], [2, 'pickup'], [0, 'delivery'], [1, 'delivery'], [2, 'delivery']);
    expect(checkPlan(p, { routes: [{ vehicle: 0, stops: together }] }).violations).toEqual([]);
    const backAndForth = stops([0, 'pickup'], [0, 'delivery'], [1, 'pickup'], [1, 'delivery'], [2, 'pickup'], [2, 'delivery']);
    expect(checkPlan(p, { routes: [{ vehicle: 0, stops: backAndForth }] }).violations).toEqual(['vehicle 0: stops at 6 places, at most 4']);
  });
});
