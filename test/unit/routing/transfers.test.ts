/**
 * Requests with a transfer alternative (feeder to a hub, trunk from it at a fixed slot) weighed in the same search
 * as direct service: the brute-force checker agrees with the search, legs go both or neither, the hub's shared
 * capacity is never exceeded, and enumeration on tiny instances finds nothing cheaper.
 */
import { describe, expect, it } from 'vitest';
import { checkPlan, RoutingInputError, solve, type Plan, type PlanStop, type RoutingProblem, type RoutingRequest, type RoutingVehicle } from '../../../src/routing/index';
import { seededRandom } from '../../../src/routing/random';
import { sequences } from './fixtures';

const HUB = 0;

/**
 * Points in a 100 × 100 square with the hub in the middle; each request may also go through the hub at one of
 * `slots` trunk departures, drawing its pallets from the hub's capacity of `hubPallets` (one resource).
 */
function hubProblem(seed: number, o: { requests: number; vehicles: number; slots: number; hubPallets: number; maxDriving?: number }): RoutingProblem {
  const rand = seededRandom(seed);
  const points: [number, number][] = [[50, 50]];
  for (let k = 0; k < 2 * o.requests + o.vehicles; k++) points.push([rand() * 100, rand() * 100]);
  const distance = points.map(([x1, y1]) => points.map(([x2, y2]) => Math.hypot(x1 - x2, y1 - y2)));
  const requests: RoutingRequest[] = Array.from({ length: o.requests }, (_, r) => {
    const pickupStart = rand() * 100;
    const pallets = 1 + Math.floor(rand() * 2);
    const transfers = Array.from({ length: o.slots }, (_, k) => {
      const slot = 150 + 100 * k;
      return {
        feeder: { pickup: { location: 1 + 2 * r, earliest: pickupStart, latest: pickupStart + 100, service: 5 }, delivery: { location: HUB, earliest: 0, latest: slot - 20, service: 5 }, maxShare: 300 },
        trunk: { pickup: { location: HUB, earliest: slot, latest: slot + 30, service: 5 }, delivery: { location: 2 + 2 * r, earliest: 0, latest: 700, service: 5 }, maxShare: 300 },
        handover: 15,
        cost: 4 * pallets,
        resource: 0,
        amount: pallets,
      };
    });
    return {
      pickup: { location: 1 + 2 * r, earliest: pickupStart, latest: pickupStart + 100, service: 5 },
      delivery: { location: 2 + 2 * r, earliest: 0, latest: 700, service: 5 },
      demand: [pallets * 3, pallets],
      unservedPenalty: 1_000,
      maxShare: 600,
      transfers,
    };
  });
  const vehicles: RoutingVehicle[] = Array.from({ length: o.vehicles }, (_, v) => ({
    // Half the trucks wait at the hub (trunks), half out in the field (feeders).
    start: v % 2 === 0 ? HUB : 1 + 2 * o.requests + v,
    end: v % 2 === 0 ? HUB : 1 + 2 * o.requests + v,
    capacity: [12, 4],
    earliest: 0,
    latest: 800,
    fixedCost: 20 + Math.floor(rand() * 40),
    costPerDistance: 1,
    costPerStop: 5,
    maxDriving: o.maxDriving ?? 400,
  }));
  return { locations: points.length, distance, requests, vehicles, resources: [o.hubPallets] };
}

const viaHub = (plan: Plan) => new Set(plan.routes.flatMap((r) => r.stops.filter((s) => s.transfer !== undefined).map((s) => s.request)));

describe('transfers', () => {
  it('agrees with the brute-force checker on random instances, and uses the hub where it pays', () => {
    let transferred = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const problem = hubProblem(seed, { requests: 10, vehicles: 6, slots: 2, hubPallets: 6 });
      const result = solve(problem, { seed, maxIterations: 400 });
      const check = checkPlan(problem, result.plan);
      expect(check.violations, `seed ${seed}`).toEqual([]);
      expect(check.cost).toBeCloseTo(result.cost, 6);
      expect(check.unserved).toEqual(result.unserved);
      transferred += viaHub(result.plan).size;
    }
    expect(transferred).toBeGreaterThan(10);
  });

  it('never draws more of the hub than its capacity', () => {
    for (let seed = 1; seed <= 15; seed++) {
      const problem = hubProblem(seed, { requests: 10, vehicles: 6, slots: 2, hubPallets: 2 });
      const result = solve(problem, { seed, maxIterations: 300 });
      const pallets = [...viaHub(result.plan)].reduce((sum, r) => sum + problem.requests[r]!.demand[1]!, 0);
      expect(pallets).toBeLessThanOrEqual(2);
      expect(checkPlan(problem, result.plan).violations).toEqual([]);
    }
    // The checker refuses a plan over the capacity.
    const problem = hubProblem(3, { requests: 2, vehicles: 2, slots: 1, hubPallets: 0 });
    const check = checkPlan(problem, { routes: legsPlan([0]) });
    expect(check.violations.join('; ')).toMatch(/resource 0: \d used, capacity 0/);
  });

  it('serves both legs or neither: the checker and the warm start refuse one leg alone', () => {
    const problem = hubProblem(4, { requests: 2, vehicles: 2, slots: 1, hubPallets: 10 });
    const plan: Plan = { routes: legsPlan([0]).slice(0, 1) };
    expect(checkPlan(problem, plan).violations.join('; ')).toMatch(/needs both legs/);
    expect(() => solve(problem, { seed: 1, maxIterations: 10, initial: plan })).toThrow(RoutingInputError);
    // A request served directly and through the hub at once.
    const both: Plan = { routes: [legsPlan([0])[0]!, { vehicle: 1, stops: [...legsPlan([0])[1]!.stops, { request: 0, action: 'pickup' }, { request: 0, action: 'delivery' }] }] };
    expect(checkPlan(problem, both).violations.join('; ')).toMatch(/more than one way/);
    for (let seed = 1; seed <= 10; seed++) {
      const result = solve(hubProblem(seed, { requests: 8, vehicles: 4, slots: 2, hubPallets: 8 }), { seed, maxIterations: 200 });
      const legs = result.plan.routes.flatMap((r) => r.stops.filter((s) => s.transfer !== undefined));
      for (const r of viaHub(result.plan)) expect(legs.filter((s) => s.request === r).map((s) => `${s.leg} ${s.action}`).sort()).toEqual(['feeder delivery', 'feeder pickup', 'trunk delivery', 'trunk pickup']);
    }
  });

  it('refuses windows that would let the trunk leave before the hand-over', () => {
    const problem = hubProblem(5, { requests: 1, vehicles: 2, slots: 1, hubPallets: 10 });
    const t = problem.requests[0]!.transfers![0]!;
    const bad: RoutingProblem = { ...problem, requests: [{ ...problem.requests[0]!, transfers: [{ ...t, trunk: { ...t.trunk, pickup: { ...t.trunk.pickup, earliest: t.feeder.delivery.latest } } }] }] };
    expect(() => solve(bad, { seed: 1, maxIterations: 10 })).toThrow(/transfers\[0\]\.trunk\.pickup\.earliest/);
    expect(() => solve({ ...problem, resources: [] }, { seed: 1, maxIterations: 10 })).toThrow(/transfers\[0\]\.resource/);
  });

  it('finds nothing cheaper by exhaustive enumeration on tiny instances (direct, through the hub, or unserved)', () => {
    let transferred = 0;
    for (let seed = 1; seed <= 24; seed++) {
      // Short driving limits: a truck often cannot go all the way alone, a feeder and a trunk can.
      const problem = hubProblem(seed, { requests: 2, vehicles: 3, slots: 1, hubPallets: seed % 3 === 0 ? 1 : 4, maxDriving: 170 });
      const optimum = exhaustive(problem);
      const result = solve(problem, { seed, maxIterations: 500 });
      expect(checkPlan(problem, result.plan).violations).toEqual([]);
      expect(result.cost, `seed ${seed}`).toBeCloseTo(optimum, 6);
      transferred += viaHub(result.plan).size;
    }
    expect(transferred).toBeGreaterThan(2);
  });

  it('never routes through the hub a problem without transfers', () => {
    const problem = hubProblem(6, { requests: 8, vehicles: 4, slots: 1, hubPallets: 4 });
    const plain: RoutingProblem = { ...problem, requests: problem.requests.map(({ transfers: _, ...req }) => req) };
    const result = solve(plain, { seed: 2, maxIterations: 200 });
    expect(viaHub(result.plan).size).toBe(0);
    expect(checkPlan(plain, result.plan).violations).toEqual([]);
  });
});

/** Request r's transfer 0: the feeder on vehicle 0 and the trunk on vehicle 1, for each r in `requests`. */
function legsPlan(requests: number[]): Plan['routes'] {
  const leg = (r: number, leg: 'feeder' | 'trunk', action: 'pickup' | 'delivery'): PlanStop => ({ request: r, action, transfer: 0, leg });
  return [
    { vehicle: 0, stops: requests.flatMap((r) => [leg(r, 'feeder', 'pickup'), leg(r, 'feeder', 'delivery')]) },
    { vehicle: 1, stops: requests.flatMap((r) => [leg(r, 'trunk', 'pickup'), leg(r, 'trunk', 'delivery')]) },
  ];
}

/**
 * The cheapest plan by enumeration: each request unserved, direct on a vehicle, or through the hub on a feeder and
 * a trunk vehicle (two different ones, as the search does), every stop order, checked by brute force.
 */
function exhaustive(problem: RoutingProblem): number {
  const R = problem.requests.length;
  const V = problem.vehicles.length;
  type Choice = { kind: 'none' } | { kind: 'direct'; v: number } | { kind: 'hub'; k: number; feeder: number; trunk: number };
  const choices: Choice[] = [{ kind: 'none' }];
  for (let v = 0; v < V; v++) choices.push({ kind: 'direct', v });
  for (let k = 0; k < (problem.requests[0]!.transfers?.length ?? 0); k++)
    for (let f = 0; f < V; f++) for (let t = 0; t < V; t++) if (f !== t) choices.push({ kind: 'hub', k, feeder: f, trunk: t });
  let best = Infinity;
  const picked: Choice[] = [];
  const go = (r: number) => {
    if (r === R) {
      // Pairs per vehicle: index into `pairs`, each a pickup and a delivery stop.
      const pairs: { v: number; stop: (action: 'pickup' | 'delivery') => PlanStop }[] = [];
      picked.forEach((c, req) => {
        if (c.kind === 'direct') pairs.push({ v: c.v, stop: (action) => ({ request: req, action }) });
        if (c.kind === 'hub') {
          pairs.push({ v: c.feeder, stop: (action) => ({ request: req, action, transfer: c.k, leg: 'feeder' }) });
          pairs.push({ v: c.trunk, stop: (action) => ({ request: req, action, transfer: c.k, leg: 'trunk' }) });
        }
      });
      const orders = Array.from({ length: V }, (_, v) => {
        const mine = pairs.flatMap((p, i) => (p.v === v ? [i] : []));
        return mine.length ? sequences(mine).map((seq) => seq.map((s) => pairs[s.request]!.stop(s.action))) : [[]];
      });
      const choose = (v: number, routes: Plan['routes']) => {
        if (v === V) {
          const check = checkPlan(problem, { routes });
          if (check.feasible) best = Math.min(best, check.cost);
          return;
        }
        for (const stops of orders[v]!) choose(v + 1, stops.length ? [...routes, { vehicle: v, stops }] : routes);
      };
      choose(0, []);
      return;
    }
    for (const c of choices) {
      picked[r] = c;
      go(r + 1);
    }
  };
  go(0);
  return best;
}
