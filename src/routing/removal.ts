/**
 * Destroy operators of Ropke & Pisinger (2006): random, worst (the requests whose removal saves most, randomised
 * by y^p) and Shaw (requests related to a random seed by distance, time, load and usable vehicles). Each removes
 * q served requests from the solution and appends them to `removed`, and their vehicles to `touched`.
 */
import { randomInt } from './random';
import type { Solution } from './solution';

/** Ropke & Pisinger's parameters: randomness of worst and Shaw removal, relatedness weights. */
const WORST_P = 3;
const SHAW_P = 6;
const SHAW_DISTANCE = 9;
const SHAW_TIME = 3;
const SHAW_LOAD = 2;
const SHAW_VEHICLES = 5;

/** Served requests that may be removed (units: a transfer's two legs go together); locked (booked) work never is. */
function served(sol: Solution): number[] {
  const list: number[] = [];
  for (let r = 0; r < sol.inst.units; r++) if (sol.via[r] !== -1 && sol.inst.lockedTo[r] === -1) list.push(r);
  return list;
}

function take(sol: Solution, r: number, removed: number[], touched: number[]): void {
  sol.removeUnit(r, touched);
  removed.push(r);
}

export function randomRemoval(sol: Solution, q: number, rand: () => number, removed: number[], touched: number[]): void {
  const list = served(sol);
  for (let k = 0; k < q && list.length > 0; k++) {
    const idx = randomInt(rand, list.length);
    const r = list[idx]!;
    list[idx] = list[list.length - 1]!;
    list.pop();
    take(sol, r, removed, touched);
  }
}

export function worstRemoval(sol: Solution, q: number, rand: () => number, removed: number[], touched: number[]): void {
  const list = served(sol);
  const saving = new Float64Array(sol.inst.units);
  for (let k = 0; k < q && list.length > 0; k++) {
    for (const r of list) saving[r] = sol.removalSaving(r);
    list.sort((a, b) => saving[b]! - saving[a]! || a - b);
    const idx = Math.floor(Math.pow(rand(), WORST_P) * list.length);
    const r = list[idx]!;
    list.splice(idx, 1);
    take(sol, r, removed, touched);
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function shawRemoval(sol: Solution, q: number, rand: () => number, removed: number[], touched: number[]): void {
  const inst = sol.inst;
  const list = served(sol);
  if (list.length === 0) return;
  const D = inst.dims;
  // Per request: when it is picked up and finally delivered (by its trunk when it goes through a transfer).
  const time = new Float64Array(2 * inst.units);
  for (const r of list) {
    const p = sol.via[r]!;
    const last = inst.transfers?.partner[p] ?? -1;
    const q = last === -1 ? p : last;
    time[2 * r] = sol.routes[sol.routeOf[p]!]!.start[sol.pos[2 * p]!]!;
    time[2 * r + 1] = sol.routes[sol.routeOf[q]!]!.start[sol.pos[2 * q + 1]!]!;
  }
  const { carryBits, carryWords: W, carryCount, mixedCarry } = inst;
  const relatedness = (a: number, b: number): number => {
    const loc = inst.stopLoc;
    let value =
      (SHAW_DISTANCE * (inst.dist(loc[2 * a]!, loc[2 * b]!) + inst.dist(loc[2 * a + 1]!, loc[2 * b + 1]!))) / inst.maxDistance +
      (SHAW_TIME * (Math.abs(time[2 * a]! - time[2 * b]!) + Math.abs(time[2 * a + 1]! - time[2 * b + 1]!))) / inst.horizon;
    let load = 0;
    for (let d = 0; d < D; d++) if (inst.maxDemand[d]! > 0) load += Math.abs(inst.stopDemand[2 * a * D + d]! - inst.stopDemand[2 * b * D + d]!) / inst.maxDemand[d]!;
    value += (SHAW_LOAD * load) / D;
    if (mixedCarry) {
      let both = 0;
      for (let w = 0; w < W; w++) both += popcount(carryBits[a * W + w]! & carryBits[b * W + w]!);
      value += SHAW_VEHICLES * (1 - both / Math.max(1, Math.min(carryCount[a]!, carryCount[b]!)));
    }
    return value;
  };
  const chosen: number[] = [];
  const seedIdx = randomInt(rand, list.length);
  chosen.push(list[seedIdx]!);
  list.splice(seedIdx, 1);
  const score = new Float64Array(inst.units);
  while (chosen.length < q && list.length > 0) {
    const ref = chosen[randomInt(rand, chosen.length)]!;
    for (const r of list) score[r] = relatedness(ref, r);
    list.sort((a, b) => score[a]! - score[b]! || a - b);
    const idx = Math.floor(Math.pow(rand(), SHAW_P) * list.length);
    chosen.push(list[idx]!);
    list.splice(idx, 1);
  }
  for (const r of chosen) take(sol, r, removed, touched);
}

/** Empty vehicles an opening removal tries for its seed. */
const OPEN_TRIES = 8;

/**
 * Shaw removal whose seed then opens an empty vehicle (a few tried at random): the repair finds a truck already
 * paid for. Without it a mixed fleet stays on the small trucks parked by each load, since no single load is
 * cheaper on the big truck, only several together; the annealing keeps the move only when the whole is cheaper.
 */
export function openingRemoval(sol: Solution, q: number, rand: () => number, removed: number[], touched: number[]): void {
  const first = removed.length;
  shawRemoval(sol, q, rand, removed, touched);
  if (removed.length === first) return;
  const seed = removed[first]!;
  const inst = sol.inst;
  const empty: number[] = [];
  for (let v = 0; v < inst.vehicles; v++) if (sol.routes[v]!.n === 0 && inst.carry[seed * inst.vehicles + v] === 1) empty.push(v);
  const best = { cost: Infinity, i: 0, j: 0 };
  for (let tries = 0; tries < OPEN_TRIES && empty.length > 0; tries++) {
    const idx = randomInt(rand, empty.length);
    const v = empty[idx]!;
    empty[idx] = empty[empty.length - 1]!;
    empty.pop();
    best.cost = Infinity;
    if (!sol.routes[v]!.bestInsertion(seed, best)) continue;
    sol.insert(seed, v, best.i, best.j);
    removed.splice(first, 1);
    touched.push(v);
    return;
  }
}
