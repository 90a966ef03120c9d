/**
 * Independent PDPTW solution checker: recomputes a solution from the instance file's own data (not the routing
 * core's code): every task visited once, each pickup before its delivery on the same route, load within
 * [0, capacity] after every stop, service started within every window (waiting allowed), back at the depot by its
 * closing time, no more vehicles than the fleet. Times are compared with a 1e-6 tolerance for float rounding.
 */
import type { PdptwInstance } from './files';

export interface CheckResult {
  feasible: boolean;
  errors: string[];
  vehicles: number;
  /** Total distance (Li & Lim) or travel time (Sartori & Buriol), service excluded. */
  cost: number;
}

const TOLERANCE = 1e-6;

export function checkSolution(instance: PdptwInstance, routes: number[][]): CheckResult {
  const errors: string[] = [];
  const { nodes, capacity, cost } = instance;
  const depot = nodes[0]!;
  const seen = new Map<number, number>();
  let total = 0;
  routes.forEach((route, k) => {
    let load = 0;
    let time = depot.earliest;
    let at = 0;
    const onBoard = new Set<number>();
    for (const id of route) {
      const n = nodes[id];
      if (!n || id === 0) {
        errors.push(`route ${k + 1}: unknown node ${id}`);
        return;
      }
      if (seen.has(id)) errors.push(`node ${id} visited twice`);
      seen.set(id, k);
      total += cost(at, id);
      time = Math.max(time + cost(at, id), n.earliest);
      if (time > n.latest + TOLERANCE) errors.push(`route ${k + 1}: node ${id} served at ${time.toFixed(3)} after ${n.latest}`);
      time += n.service;
      load += n.demand;
      if (load > capacity + TOLERANCE || load < -TOLERANCE) errors.push(`route ${k + 1}: load ${load} out of [0, ${capacity}] after node ${id}`);
      if (n.delivery > 0) onBoard.add(id);
      else if (n.pickup > 0 && !onBoard.delete(n.pickup)) errors.push(`route ${k + 1}: node ${id} delivered before its pickup ${n.pickup} on this route`);
      at = id;
    }
    total += cost(at, 0);
    time += cost(at, 0);
    if (time > depot.latest + TOLERANCE) errors.push(`route ${k + 1}: back at the depot at ${time.toFixed(3)} after ${depot.latest}`);
    if (onBoard.size > 0) errors.push(`route ${k + 1}: pickups ${[...onBoard].join(', ')} never delivered`);
  });
  for (const n of nodes) if (n.id !== 0 && !seen.has(n.id)) errors.push(`node ${n.id} not visited`);
  if (instance.fleet !== null && routes.length > instance.fleet) errors.push(`${routes.length} vehicles, the fleet has ${instance.fleet}`);
  return { feasible: errors.length === 0, errors, vehicles: routes.length, cost: total };
}
