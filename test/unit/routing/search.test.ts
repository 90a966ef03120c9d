/**
 * The search: on tiny instances it finds the optimum found by enumerating every plan; it is never worse than its
 * warm start; the same seed gives the same plan; it stops at the caller's deadline.
 */
import { describe, expect, it } from 'vitest';
import { checkPlan, solve, type Plan } from '../../../src/routing/index';
import { exhaustiveOptimum, randomProblem } from './fixtures';

describe('search', () => {
  it('finds nothing cheaper by exhaustive enumeration on tiny instances', () => {
    let servedSome = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const problem = randomProblem(seed, { requests: seed % 2 === 0 ? 2 : 3, vehicles: 1 + (seed % 2), rules: seed % 3 === 0 });
      const optimum = exhaustiveOptimum(problem);
      const result = solve(problem, { seed, maxIterations: 1_000 });
      const check = checkPlan(problem, result.plan);
      expect(check.violations).toEqual([]);
      expect(check.cost).toBeCloseTo(result.cost, 6);
      expect(result.cost, `seed ${seed}`).toBeCloseTo(optimum, 6);
      if (result.unserved.length < problem.requests.length) servedSome++;
    }
    expect(servedSome).toBeGreaterThan(80);
  });

  it('is never worse than the warm start, and improves a one-request-per-vehicle start', () => {
    let improved = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const problem = randomProblem(seed, { requests: 12, vehicles: 12 });
      // One request per vehicle where it fits alone; the rest unserved.
      const initial: Plan = { routes: [] };
      problem.requests.forEach((_, r) => {
        const route = { vehicle: r, stops: [{ request: r, action: 'pickup' as const }, { request: r, action: 'delivery' as const }] };
        if (checkPlan(problem, { routes: [route] }).feasible) initial.routes.push(route);
      });
      const start = checkPlan(problem, initial).cost;
      const result = solve(problem, { seed, maxIterations: 5, initial });
      expect(result.startCost).toBeCloseTo(start, 6);
      expect(result.cost).toBeLessThanOrEqual(start + 1e-9);
      expect(checkPlan(problem, result.plan).feasible).toBe(true);
      if (result.cost < start - 1e-6) improved++;
    }
    expect(improved).toBeGreaterThan(15);
  });

  it('keeps a warm start that is already optimal', () => {
    const problem = randomProblem(5, { requests: 3, vehicles: 2 });
    const first = solve(problem, { seed: 1, maxIterations: 300 });
    for (let seed = 1; seed <= 10; seed++) expect(solve(problem, { seed, maxIterations: 20, initial: first.plan }).cost).toBeLessThanOrEqual(first.cost + 1e-9);
  });

  it('gives the same plan for the same seed', () => {
    const problem = randomProblem(11, { requests: 25, vehicles: 6, rules: true });
    const a = solve(problem, { seed: 42, maxIterations: 400 });
    const b = solve(problem, { seed: 42, maxIterations: 400 });
    expect(b.plan).toEqual(a.plan);
    expect(b.cost).toBe(a.cost);
  });

  it('restarts from the best when it stalls, and the restarted run is the same for the same seed', () => {
    const problem = randomProblem(11, { requests: 25, vehicles: 6, rules: true });
    const a = solve(problem, { seed: 7, maxIterations: 3000 });
    const b = solve(problem, { seed: 7, maxIterations: 3000 });
    expect(a.restarts).toBeGreaterThan(0);
    expect(b.plan).toEqual(a.plan);
    expect(b.restarts).toBe(a.restarts);
    expect(checkPlan(problem, a.plan).feasible).toBe(true);
    expect(solve(problem, { seed: 7, maxIterations: 3000, restartPatience: Infinity }).restarts).toBe(0);
    expect(() => solve(problem, { seed: 7, maxIterations: 10, restartPatience: 0 })).toThrow(/restartPatience/);
  });

  it('with restarts ends no worse, over seeds, than one annealing run of the same budget (identical fleet, as in the benchmarks)', () => {
    let withRestarts = 0;
    let without = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const problem = randomProblem(100 + seed, { requests: 30, vehicles: 8, identical: true });
      withRestarts += solve(problem, { seed, maxIterations: 2000 }).cost;
      without += solve(problem, { seed, maxIterations: 2000, restartPatience: Infinity }).cost;
    }
    expect(withRestarts).toBeLessThanOrEqual(without + 1e-6);
  });

  it('weighs empty distance in the objective only: still the exhaustive optimum, and the nearer dearer truck wins', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = randomProblem(seed, { requests: seed % 2 === 0 ? 2 : 3, vehicles: 2, rules: seed % 3 === 0 });
      const problem = { ...random, vehicles: random.vehicles.map((v, i) => ({ ...v, costPerEmptyDistance: (seed % 4) * (i + 1) * 0.5 })) };
      const result = solve(problem, { seed, maxIterations: 1_000 });
      expect(checkPlan(problem, result.plan).cost).toBeCloseTo(result.cost, 6);
      expect(result.cost, `seed ${seed}`).toBeCloseTo(exhaustiveOptimum(problem), 6);
    }
    // One load 10 from pickup to delivery; the far truck (40 empty, 1 per unit) costs 50, the near one (5 empty, 4 per unit) 60.
    const distance = [
      [0, 0, 0, 40, 50],
      [0, 0, 0, 5, 15],
      [0, 0, 0, 0, 0],
      [40, 5, 0, 0, 10],
      [50, 15, 0, 10, 0],
    ];
    const truck = { end: 2, capacity: [10], earliest: 0, latest: 1_000, fixedCost: 0 };
    const request = { pickup: { location: 3, earliest: 0, latest: 1_000, service: 0 }, delivery: { location: 4, earliest: 0, latest: 1_000, service: 0 }, demand: [1], unservedPenalty: 1_000 };
    const problem = (weight: number) => ({
      locations: 5,
      distance,
      requests: [request],
      vehicles: [
        { ...truck, start: 0, costPerDistance: 1, costPerEmptyDistance: weight },
        { ...truck, start: 1, costPerDistance: 4, costPerEmptyDistance: 4 * weight },
      ],
    });
    expect(solve(problem(0), { seed: 1, maxIterations: 50 }).plan.routes.map((r) => r.vehicle)).toEqual([0]);
    const weighed = solve(problem(1), { seed: 1, maxIterations: 50 });
    expect(weighed.plan.routes.map((r) => r.vehicle)).toEqual([1]);
    expect(weighed.cost).toBeCloseTo(60 + 4 * 5, 6);
  });

  it('stops at the deadline of the injected clock', () => {
    const problem = randomProblem(12, { requests: 25, vehicles: 6 });
    let ticks = 0;
    const result = solve(problem, { seed: 1, now: () => ticks++, deadline: 200 });
    expect(result.iterations).toBeGreaterThan(10);
    expect(result.iterations).toBeLessThan(200);
    expect(checkPlan(problem, result.plan).feasible).toBe(true);
  });

  it('ends when cut, mid-search or before it starts, with its best plan so far', () => {
    const problem = randomProblem(12, { requests: 25, vehicles: 6 });
    // A budget far beyond where the cut comes: only the cut ends these searches.
    const budget = { seed: 1, maxIterations: 20_000, now: () => 0, deadline: 1 };
    let asked = 0;
    const midway = solve(problem, { ...budget, cut: () => ++asked > 500 });
    expect(midway.iterations).toBeGreaterThan(10);
    expect(midway.iterations).toBeLessThan(500);
    expect(checkPlan(problem, midway.plan).feasible).toBe(true);
    const before = solve(problem, { ...budget, cut: () => true });
    expect(before.iterations).toBe(0);
    expect(before.cost).toBeLessThanOrEqual(before.startCost + 1e-9);
    expect(checkPlan(problem, before.plan).feasible).toBe(true);
  });
});
