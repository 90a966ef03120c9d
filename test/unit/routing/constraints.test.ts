/**
 * Each constraint refused when violated: by the brute-force checker, by the warm-start check, and by the search
 * (which serves less rather than break it). Stops lie on a line at x = 0, 10, 20, 30, 40 (distance = travel time);
 * request A goes 10 → 30 and B 20 → 40 with B due at 40, so one vehicle serves both only with both on board
 * between x = 20 and 30 (A+ B+ A− B− or A+ B+ B− A−).
 */
import { describe, expect, it } from 'vitest';
import { checkPlan, RoutingInputError, solve, type Plan, type RoutingProblem, type RoutingRequest, type RoutingVehicle } from '../../../src/routing/index';

const X = [0, 10, 20, 30, 40];

function scenario(a: Partial<RoutingRequest> = {}, b: Partial<RoutingRequest> = {}, vehicles: Partial<RoutingVehicle>[] = [{}]): RoutingProblem {
  const stop = (location: number, latest = 1_000) => ({ location, earliest: 0, latest, service: 0 });
  return {
    locations: X.length,
    distance: X.map((p) => X.map((q) => Math.abs(p - q))),
    requests: [
      { pickup: stop(1), delivery: stop(3, 60), demand: [4, 1], unservedPenalty: 1_000_000, ...a },
      { pickup: stop(2), delivery: stop(4, 40), demand: [4, 1], unservedPenalty: 1_000_000, ...b },
    ],
    vehicles: vehicles.map((v) => ({ start: 0, end: 0, capacity: [10, 2], earliest: 0, latest: 1_000, fixedCost: 0, costPerDistance: 1, ...v })),
  };
}

const both: Plan = {
  routes: [
    {
      vehicle: 0,
      stops: [
        { request: 0, action: 'pickup' },
        { request: 1, action: 'pickup' },
        { request: 0, action: 'delivery' },
        { request: 1, action: 'delivery' },
      ],
    },
  ],
};

function served(problem: RoutingProblem, initial?: Plan) {
  const result = solve(problem, { seed: 3, maxIterations: 300, ...(initial ? { initial } : {}) });
  const check = checkPlan(problem, result.plan);
  expect(check.violations).toEqual([]);
  return result;
}

describe('constraints', () => {
  it('serves both when nothing is violated (the scenario is feasible as built)', () => {
    const problem = scenario();
    expect(checkPlan(problem, both).feasible).toBe(true);
    expect(served(problem).unserved).toEqual([]);
  });

  const cases: { name: string; problem: RoutingProblem; violation: RegExp; unserved: number }[] = [
    { name: 'capacity in kg at every point', problem: scenario({ demand: [6, 1] }, { demand: [6, 1] }), violation: /load 12 in dimension 0/, unserved: 1 },
    { name: 'capacity in pallets at every point', problem: scenario({ demand: [1, 2] }, { demand: [1, 1] }), violation: /load 3 in dimension 1/, unserved: 1 },
    { name: 'time windows', problem: scenario({}, { delivery: { location: 4, earliest: 0, latest: 39, service: 0 } }), violation: /after 39/, unserved: 1 },
    { name: 'maximum stops', problem: scenario({}, {}, [{ maxStops: 2 }]), violation: /stops at 4 places, at most 2/, unserved: 1 },
    { name: 'maximum duration', problem: scenario({}, {}, [{ maxDuration: 75 }]), violation: /duration 80, at most 75/, unserved: 1 },
    { name: 'maximum driving', problem: scenario({}, {}, [{ maxDriving: 75 }]), violation: /driving 80, at most 75/, unserved: 1 },
    // Alone, A costs 60 and B 80: neither fits its share either.
    { name: 'what its requests may be charged', problem: scenario({ maxShare: 39 }, { maxShare: 40 }), violation: /costs 80, more than its requests' maxShare 79/, unserved: 2 },
    {
      name: 'cargo compatibility on board',
      problem: scenario({ tags: ['HAZMAT'], excludes: ['CHILLED'] }, { tags: ['CHILLED'] }),
      violation: /request 1 on board with incompatible request 0/,
      unserved: 1,
    },
    { name: 'vehicle requirements', problem: scenario({}, { requires: ['REFRIGERATED'] }), violation: /requires REFRIGERATED/, unserved: 1 },
  ];

  for (const c of cases)
    it(`refuses a violated ${c.name}`, () => {
      const check = checkPlan(c.problem, both);
      expect(check.feasible).toBe(false);
      expect(check.violations.join('\n')).toMatch(c.violation);
      expect(() => solve(c.problem, { maxIterations: 10, initial: both })).toThrow(RoutingInputError);
      expect(served(c.problem).unserved).toHaveLength(c.unserved);
    });

  it('refuses a delivery before its pickup', () => {
    const problem = scenario();
    const reversed: Plan = { routes: [{ vehicle: 0, stops: [{ request: 0, action: 'delivery' }, { request: 0, action: 'pickup' }] }] };
    expect(checkPlan(problem, reversed).violations.join()).toMatch(/request 0 delivered without being on board/);
    expect(() => solve(problem, { maxIterations: 10, initial: reversed })).toThrow(/delivered without an earlier pickup/);
    const split: Plan = { routes: [{ vehicle: 0, stops: [{ request: 0, action: 'pickup' }] }, { vehicle: 1, stops: [{ request: 0, action: 'delivery' }] }] };
    expect(() => solve(scenario({}, {}, [{}, {}]), { maxIterations: 10, initial: split })).toThrow(RoutingInputError);
  });

  it('lets incompatible cargo share a vehicle one after the other', () => {
    const problem = scenario({ tags: ['HAZMAT'], excludes: ['CHILLED'], delivery: { location: 3, earliest: 0, latest: 1_000, service: 0 } }, { tags: ['CHILLED'], delivery: { location: 4, earliest: 0, latest: 1_000, service: 0 } });
    const result = served(problem);
    expect(result.unserved).toEqual([]);
    expect(result.vehicles).toBe(1);
  });

  it('puts a request on the one vehicle that may carry it', () => {
    const problem = scenario({}, { requires: ['REFRIGERATED'] }, [{}, { tags: ['REFRIGERATED'] }]);
    const result = served(problem);
    expect(result.unserved).toEqual([]);
    const carrier = result.plan.routes.find((r) => r.stops.some((s) => s.request === 1))!;
    expect(carrier.vehicle).toBe(1);
  });

  it('names the field of a malformed problem', () => {
    expect(() => solve(scenario({ demand: [1] }), { maxIterations: 1 })).toThrow(/requests\[0\]\.demand: must have 2 dimensions/);
    expect(() => solve(scenario({}, {}, [{ start: 9 }]), { maxIterations: 1 })).toThrow(/vehicles\[0\]\.start/);
    expect(() => solve(scenario(), {})).toThrow(/options: give maxIterations, or deadline with now/);
  });
});
