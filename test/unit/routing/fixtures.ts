/** Seeded random small routing problems and an exhaustive solver for the routing core's tests. */
import { checkPlan, type Plan, type PlanStop, type RoutingProblem, type RoutingRequest, type RoutingVehicle } from '../../../src/routing/index';
import { seededRandom } from '../../../src/routing/random';

export interface RandomProblemOptions {
  requests: number;
  vehicles: number;
  /** Add stop limits, duration and driving limits, cargo tags and vehicle requirements. */
  rules?: boolean;
  /** Every vehicle like the first (the literature's homogeneous fleet). */
  identical?: boolean;
  /** Pickups at two sites and deliveries at two others, so consecutive stops often share a location. */
  sharedSites?: boolean;
}

/** Points in a 100 × 100 square, Euclidean distance = travel time (metric), windows wide enough to be interesting. */
export function randomProblem(seed: number, options: RandomProblemOptions): RoutingProblem {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const locations = 1 + 2 * options.requests;
  const points = Array.from({ length: locations }, () => [rand() * 100, rand() * 100] as const);
  const distance = points.map(([x1, y1]) => points.map(([x2, y2]) => Math.hypot(x1 - x2, y1 - y2)));
  const horizon = 600;
  const requests: RoutingRequest[] = Array.from({ length: options.requests }, (_, r) => {
    const pickupStart = rand() * 300;
    const deliveryStart = pickupStart + rand() * 150;
    const tags = options.rules ? [pick(['DRY', 'DRY', 'HAZMAT', 'CHILLED'])] : [];
    return {
      pickup: { location: 1 + 2 * r, earliest: pickupStart, latest: pickupStart + 40 + rand() * 200, service: rand() * 10 },
      delivery: { location: 2 + 2 * r, earliest: deliveryStart, latest: deliveryStart + 60 + rand() * 250, service: rand() * 10 },
      demand: [1 + Math.floor(rand() * 6), 1 + Math.floor(rand() * 3)],
      tags,
      excludes: tags[0] === 'HAZMAT' ? ['CHILLED'] : [],
      requires: tags[0] === 'CHILLED' && rand() < 0.5 ? ['REFRIGERATED'] : [],
      unservedPenalty: 1_000,
      ...(options.rules ? { maxShare: 150 + rand() * 400 } : {}),
    };
  });
  if (options.sharedSites) {
    const site = seededRandom(seed + 1_000_000);
    requests.forEach((req) => {
      req.pickup.location = 1 + 2 * Math.floor(site() * 2);
      req.delivery.location = 2 + 2 * Math.floor(site() * 2);
    });
  }
  const vehicles: RoutingVehicle[] = Array.from({ length: options.vehicles }, () => ({
    start: 0,
    end: 0,
    capacity: [6 + Math.floor(rand() * 8), 2 + Math.floor(rand() * 4)],
    earliest: 0,
    latest: horizon,
    fixedCost: Math.floor(rand() * 100),
    costPerDistance: 1 + Math.floor(rand() * 3),
    costPerStop: Math.floor(rand() * 3) * 5,
    costPerWaiting: Math.floor(rand() * 3) * 0.5,
    ...(options.rules
      ? {
          maxStops: 2 + 2 * Math.floor(rand() * 3),
          maxDuration: 250 + rand() * 400,
          maxDriving: 150 + rand() * 300,
          tags: rand() < 0.5 ? ['REFRIGERATED'] : [],
        }
      : {}),
  }));
  return { locations, distance, requests, vehicles: options.identical ? vehicles.map(() => ({ ...vehicles[0]!, costPerStop: 0, costPerWaiting: 0 })) : vehicles };
}

/** Every order of a set of requests' stops with each pickup before its delivery. */
export function sequences(requests: number[]): PlanStop[][] {
  const out: PlanStop[][] = [];
  const walk = (prefix: PlanStop[], waiting: Set<number>, onBoard: Set<number>) => {
    if (waiting.size === 0 && onBoard.size === 0) {
      out.push(prefix);
      return;
    }
    for (const r of waiting) {
      const w = new Set(waiting);
      w.delete(r);
      walk([...prefix, { request: r, action: 'pickup' }], w, new Set([...onBoard, r]));
    }
    for (const r of onBoard) {
      const b = new Set(onBoard);
      b.delete(r);
      walk([...prefix, { request: r, action: 'delivery' }], waiting, b);
    }
  };
  walk([], new Set(requests), new Set());
  return out;
}

/** The cheapest plan by enumeration: every request to a vehicle or unserved, every stop order, checked by brute force. */
export function exhaustiveOptimum(problem: RoutingProblem): number {
  const R = problem.requests.length;
  const V = problem.vehicles.length;
  let best = Infinity;
  const assignment = new Array<number>(R).fill(-1);
  const assign = (r: number) => {
    if (r === R) {
      const perVehicle = Array.from({ length: V }, (_, v) => assignment.flatMap((a, req) => (a === v ? [req] : [])));
      const options = perVehicle.map((reqs) => (reqs.length ? sequences(reqs) : [[]]));
      const choose = (v: number, routes: Plan['routes']) => {
        if (v === V) {
          const check = checkPlan(problem, { routes });
          if (check.feasible) best = Math.min(best, check.cost);
          return;
        }
        for (const stops of options[v]!) choose(v + 1, stops.length ? [...routes, { vehicle: v, stops }] : routes);
      };
      choose(0, []);
      return;
    }
    for (let a = -1; a < V; a++) {
      assignment[r] = a;
      assign(r + 1);
    }
  };
  assign(0);
  return best;
}
