/**
 * One vehicle's route with its schedule and the quantities that make an insertion check O(1) per position pair
 * (Savelsbergh 1992): service start times, forward time slack (how far the arrival at a position may be pushed
 * without breaking a later window), suffix sums of waiting (how much of a push reaches the end), and the load and
 * cargo tags on board after each position. Positions 0 and n + 1 are the vehicle's start and end.
 */
import type { Instance } from './instance';

/** Where and at what cost a request goes in: pickup after position i, delivery after position j (j ≥ i) of the current route. */
export interface Insertion {
  cost: number;
  i: number;
  j: number;
}

/** Called for every feasible insertion (tests compare it with the brute-force checker). */
export type InsertionVisitor = (i: number, j: number, cost: number) => void;

/**
 * Cost per unit of a route's cost above its requests' maxShare while the rule is soft (see Instance.mode). Heavy:
 * a route over budget pulls the next insertions into it until it pays for itself, and the search rarely ends
 * over budget. In bench:match's 2,000-request round a weight of 1 gave 4 % cheaper than the assignment, 100 gave
 * 8 % and 1,000 gave 10 % (300 and 500 requests: 10 and 3 % at 1, 14 and 13 % at 1,000).
 */
export const BUDGET_WEIGHT = 1_000;

const tagCount = new Int32Array(64);

/** Whether nothing is on board after position k. */
function nothingOnBoard(load: Float64Array, k: number, D: number): boolean {
  for (let d = 0; d < D; d++) if (load[k * D + d] !== 0) return false;
  return true;
}

/** 1 when two consecutive stops are at different places (each place visited is one paid stop), else 0. */
const moved = (a: number, b: number): number => (a === b ? 0 : 1);

/** The places a route's stops visit in turn (positions 1..n of `loc`): consecutive stops at one place count once. */
export function placesOf(loc: ArrayLike<number>, n: number): number {
  let places = n > 0 ? 1 : 0;
  for (let k = 2; k <= n; k++) if (loc[k] !== loc[k - 1]) places++;
  return places;
}

export class Route {
  n = 0;
  stops: Int32Array;
  loc: Int32Array;
  arrival: Float64Array;
  start: Float64Array;
  slack: Float64Array;
  waitAfter: Float64Array;
  load: Float64Array;
  cargo: Uint32Array;
  excluded: Uint32Array;
  /** emptyBefore[k]: distance driven empty (nothing on board) on the legs before position k. */
  emptyBefore: Float64Array;
  distance = 0;
  driving = 0;
  /** Service time of all stops, and time spent waiting for windows (after the first stop). */
  service = 0;
  waiting = 0;
  /** Σ maxShare of the requests on board: the route may cost at most this. */
  capSum = 0;
  /** Places stopped at (placesOf): what the stop fee and the vehicle's maxStops count. */
  places = 0;
  cost = 0;
  /** Leaving the start just in time for the first stop. */
  departure = 0;

  constructor(
    private readonly inst: Instance,
    readonly vehicle: number,
    size = 16,
  ) {
    this.stops = new Int32Array(size).fill(-1);
    this.loc = new Int32Array(size);
    this.arrival = new Float64Array(size);
    this.start = new Float64Array(size);
    this.slack = new Float64Array(size);
    this.waitAfter = new Float64Array(size);
    this.load = new Float64Array(size * inst.dims);
    this.cargo = new Uint32Array(size);
    this.excluded = new Uint32Array(size);
    this.emptyBefore = new Float64Array(size);
    this.recompute(null);
  }

  private grow(size: number): void {
    if (size <= this.stops.length) return;
    const next = Math.max(size, this.stops.length * 2);
    const widen = <T extends Int32Array | Float64Array | Uint32Array>(a: T, per = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(next * per);
      b.set(a);
      return b;
    };
    this.stops = widen(this.stops);
    this.stops.fill(-1, this.n + 2);
    this.loc = widen(this.loc);
    this.arrival = widen(this.arrival);
    this.start = widen(this.start);
    this.slack = widen(this.slack);
    this.waitAfter = widen(this.waitAfter);
    this.load = widen(this.load, this.inst.dims);
    this.cargo = widen(this.cargo);
    this.excluded = widen(this.excluded);
    this.emptyBefore = widen(this.emptyBefore);
  }

  /** Rebuilds the schedule and the slack after a change (O(n · dims)); `pos` receives each stop's position. */
  recompute(pos: Int32Array | null): void {
    const inst = this.inst;
    const v = this.vehicle;
    const n = this.n;
    const D = inst.dims;
    const { loc, arrival, start, load, cargo, excluded, stops, emptyBefore } = this;
    loc[0] = inst.startLoc[v]!;
    loc[n + 1] = inst.endLoc[v]!;
    arrival[0] = start[0] = inst.vehicleEarliest[v]!;
    for (let d = 0; d < D; d++) load[d] = 0;
    cargo[0] = excluded[0] = 0;
    let distance = 0;
    let driving = 0;
    let service = 0;
    let capSum = 0;
    let tagged = false;
    emptyBefore[0] = 0;
    for (let k = 1; k <= n + 1; k++) {
      const prev = stops[k - 1]!;
      const dep = start[k - 1]! + (prev >= 0 ? inst.stopService[prev]! : 0);
      if (k <= n) loc[k] = inst.stopLoc[stops[k]!]!;
      const t = inst.time(loc[k - 1]!, loc[k]!);
      driving += t;
      const leg = inst.dist(loc[k - 1]!, loc[k]!);
      distance += leg;
      emptyBefore[k] = emptyBefore[k - 1]! + (nothingOnBoard(load, k - 1, D) ? leg : 0);
      const a = dep + t;
      arrival[k] = a;
      if (k > n) {
        start[k] = a;
        break;
      }
      const s = stops[k]!;
      if (pos) pos[s] = k;
      service += inst.stopService[s]!;
      if ((s & 1) === 0) capSum += inst.maxShare[s >> 1]!;
      start[k] = a > inst.stopEarliest[s]! ? a : inst.stopEarliest[s]!;
      for (let d = 0; d < D; d++) load[k * D + d] = load[(k - 1) * D + d]! + inst.stopDemand[s * D + d]!;
      // Cargo tags on board after k, kept by per-bit counts (cargo bits 0..31, excluded bits 32..63).
      const r = s >> 1;
      const masks = inst.cargoMask[r]! | inst.excludeMask[r]!;
      if (masks !== 0 || tagged) {
        if (!tagged) tagCount.fill(0);
        tagged = true;
        const step = (s & 1) === 0 ? 1 : -1;
        for (let bit = 0; bit < 32; bit++) {
          if ((inst.cargoMask[r]! >>> bit) & 1) tagCount[bit]! += step;
          if ((inst.excludeMask[r]! >>> bit) & 1) tagCount[32 + bit]! += step;
        }
        let c = 0;
        let e = 0;
        for (let bit = 0; bit < 32; bit++) {
          if (tagCount[bit]! > 0) c |= 1 << bit;
          if (tagCount[32 + bit]! > 0) e |= 1 << bit;
        }
        cargo[k] = c >>> 0;
        excluded[k] = e >>> 0;
      } else cargo[k] = excluded[k] = 0;
    }
    const { slack, waitAfter } = this;
    slack[n + 1] = inst.vehicleLatest[v]! - start[n + 1]!;
    waitAfter[n + 1] = 0;
    for (let k = n; k >= 1; k--) {
      const wait = start[k]! - arrival[k]!;
      const own = inst.stopLatest[stops[k]!]! - start[k]!;
      slack[k] = wait + (own < slack[k + 1]! ? own : slack[k + 1]!);
      waitAfter[k] = wait + waitAfter[k + 1]!;
    }
    this.distance = distance;
    this.driving = driving;
    this.service = service;
    this.capSum = capSum;
    this.places = placesOf(loc, n);
    this.departure = n > 0 ? start[1]! - inst.time(loc[0]!, loc[1]!) : start[0]!;
    this.waiting = n > 0 ? start[n + 1]! - this.departure - driving - service : 0;
    this.cost = n > 0 ? inst.fixedCost[v]! + inst.costPerStop[v]! * Math.max(0, this.places - 2) + inst.costPerDistance[v]! * distance + inst.costPerWaiting[v]! * this.waiting : 0;
  }

  /**
   * The cheapest feasible insertion of request r, if cheaper than `best.cost` (updated in place). Each position
   * pair costs O(dims): the pickup's push is carried forward stop by stop, the delivery's checked against the slack.
   * `noise` (≥ 0) perturbs each candidate's cost by up to ± noise (Ropke & Pisinger's noised insertion).
   */
  bestInsertion(r: number, best: Insertion, noise = 0, rand: (() => number) | null = null, visit: InsertionVisitor | null = null): boolean {
    const inst = this.inst;
    const v = this.vehicle;
    const n = this.n;
    const D = inst.dims;
    if (inst.carry[r * inst.vehicles + v] === 0) return false;
    const { loc, start, arrival, slack, waitAfter, load, cargo, excluded, stops } = this;
    const P = 2 * r;
    const Q = P + 1;
    const locP = inst.stopLoc[P]!;
    const locQ = inst.stopLoc[Q]!;
    const eP = inst.stopEarliest[P]!;
    const lP = inst.stopLatest[P]!;
    const sP = inst.stopService[P]!;
    const eQ = inst.stopEarliest[Q]!;
    const lQ = inst.stopLatest[Q]!;
    const sQ = inst.stopService[Q]!;
    // maxStops counts places: each position's `moves` below is the places it adds (the first request's pickup is
    // one of its own). A route at the limit takes only a request whose two stops join stops at their places.
    const maxStops = inst.maxStops[v]!;
    const placesBefore = n === 0 ? 1 : this.places;
    if (placesBefore > maxStops || (n > 0 && placesBefore === maxStops && !(this.visits(locP) && this.visits(locQ)))) return false;
    const myCargo = inst.cargoMask[r]!;
    const myExcluded = inst.excludeMask[r]!;
    const perDist = inst.costPerDistance[v]!;
    const perWait = inst.costPerWaiting[v]!;
    const perEmpty = inst.costPerEmpty[v]!;
    const { emptyBefore } = this;
    // Waiting after the change = duration − driving − service: its cost follows from the new end time alone.
    const waitBase = this.waiting + this.driving + this.service + sP + sQ;
    // The route may cost at most what its requests, this one included, may be charged: beyond that the excess
    // is penalised (soft) or the insertion refused (strict).
    const budget = this.capSum + inst.maxShare[r]! - this.cost + 1e-6;
    const excessBefore = this.excess();
    const strict = inst.mode.strictBudgets;
    // Opening a vehicle pays its fixed cost; every later request pays a stop for each place it adds (a pickup or
    // delivery next to a stop at the same place is not another stop): `moves` counts the changes of place between
    // consecutive stops that the insertion adds.
    const fixed = n === 0 ? inst.fixedCost[v]! : 0;
    const perStop = n === 0 ? 0 : inst.costPerStop[v]!;
    const maxDuration = inst.maxDuration[v]!;
    const maxDriving = inst.maxDriving[v]!;
    const endArrival = arrival[n + 1]!;
    const capBase = v * D;
    const tPQ = inst.time(locP, locQ);
    const dPQ = inst.dist(locP, locQ);
    let found = false;
    const prune = visit === null && inst.triangleSlack < Infinity;
    // Waiting can only shrink to zero: an insertion saves at most the route's current waiting cost.
    // Carrying the load over legs driven empty saves at most their weight (a price the objective adds, no budget counts).
    const detourFloor = noise + perDist * inst.triangleSlack + perWait * this.waiting + perEmpty * emptyBefore[n + 1]!;
    for (let i = 0; i <= n; i++) {
      // Service starts never decrease along a route: past the pickup's or the delivery's latest start, nothing fits.
      if (start[i]! > lP) break;
      let fits = (cargo[i]! & myExcluded) === 0 && (excluded[i]! & myCargo) === 0;
      for (let d = 0; d < D && fits; d++) if (load[i * D + d]! + inst.stopDemand[P * D + d]! > inst.capacity[capBase + d]!) fits = false;
      if (!fits) continue;
      const locI = loc[i]!;
      const sI = i > 0 ? inst.stopService[stops[i]!]! : 0;
      const tIP = inst.time(locI, locP);
      const aP = start[i]! + sI + tIP;
      const bP = aP > eP ? aP : eP;
      if (bP > lP) continue;
      const dIP = inst.dist(locI, locP);
      const locNext = loc[i + 1]!;
      // Whether the leg after i was driven empty: the legs to the pickup and from the delivery then are too.
      const emptyI = perEmpty > 0 && nothingOnBoard(load, i, D);
      // Departure for the duration rule: unchanged unless the pickup becomes the first stop.
      const departure = i === 0 ? bP - tIP : this.departure;
      // j = i: delivery right after the pickup.
      {
        const aQ = bP + sP + tPQ;
        const bQ = aQ > eQ ? aQ : eQ;
        if (bQ <= lQ) {
          const tQN = inst.time(locQ, locNext);
          const push = bQ + sQ + tQN - arrival[i + 1]!;
          if (push <= slack[i + 1]!) {
            const endPush = push - waitAfter[i + 1]!;
            const end = endPush > 0 ? endArrival + endPush : endArrival;
            const dTime = tIP + tPQ + tQN - inst.time(locI, locNext);
            const moves = (i > 0 ? moved(locI, locP) : 0) + moved(locP, locQ) + (i < n ? moved(locQ, locNext) : 0) - (i > 0 && i < n ? moved(locI, locNext) : 0);
            if (end - departure <= maxDuration && this.driving + dTime <= maxDriving && placesBefore + moves <= maxStops) {
              const dDist = dIP + dPQ + inst.dist(locQ, locNext) - inst.dist(locI, locNext);
              const price = fixed + perStop * moves + perDist * dDist + perWait * (end - departure - dTime - waitBase);
              const affordable = price <= budget;
              if (visit && affordable) visit(i, i, price);
              let cost = emptyI ? price + perEmpty * (dIP + inst.dist(locQ, locNext) - inst.dist(locI, locNext)) : price;
              if (!affordable && !strict) cost += BUDGET_WEIGHT * (price - budget - excessBefore);
              if (noise > 0) cost = Math.max(0, cost + noise * (2 * rand!() - 1));
              if ((affordable || !strict) && cost < best.cost) {
                best.cost = cost;
                best.i = i;
                best.j = i;
                found = true;
              }
            }
          }
        }
      }
      // j > i: carry the pickup's push through the stops between.
      const pickupDist = dIP + inst.dist(locP, locNext) - inst.dist(locI, locNext);
      // Here loc[i + 1] is a stop (j > i); the delivery adds no fewer places than it removes.
      const pickupMoves = (i > 0 ? moved(locI, locP) - moved(locI, locNext) : 0) + moved(locP, locNext);
      if (placesBefore + pickupMoves > maxStops) continue;
      // The delivery's detour costs at least −detourFloor: this pickup position cannot beat the best so far.
      if (prune && fixed + perStop * pickupMoves + perDist * pickupDist - detourFloor >= best.cost) continue;
      const tPN = inst.time(locP, locNext);
      const pickupTime = tIP + tPN - inst.time(locI, locNext);
      let prevLoc = locP;
      let prevDep = bP + sP;
      for (let k = i + 1; k <= n; k++) {
        const s = stops[k]!;
        const locK = loc[k]!;
        const aK = prevDep + inst.time(prevLoc, locK);
        const bK = aK > inst.stopEarliest[s]! ? aK : inst.stopEarliest[s]!;
        if (bK > inst.stopLatest[s]! || bK > lQ) break;
        // The load rides past k: k must have room for it and no conflicting cargo on board.
        if ((cargo[k]! & myExcluded) !== 0 || (excluded[k]! & myCargo) !== 0) break;
        let room = true;
        for (let d = 0; d < D && room; d++) if (load[k * D + d]! + inst.stopDemand[P * D + d]! > inst.capacity[capBase + d]!) room = false;
        if (!room) break;
        const depK = bK + inst.stopService[s]!;
        const tKQ = inst.time(locK, locQ);
        const aQ = depK + tKQ;
        const bQ = aQ > eQ ? aQ : eQ;
        if (bQ <= lQ) {
          const locN = loc[k + 1]!;
          const tQN = inst.time(locQ, locN);
          const push = bQ + sQ + tQN - arrival[k + 1]!;
          if (push <= slack[k + 1]!) {
            const endPush = push - waitAfter[k + 1]!;
            const end = endPush > 0 ? endArrival + endPush : endArrival;
            const dTime = pickupTime + tKQ + tQN - inst.time(locK, locN);
            const moves = pickupMoves + moved(locK, locQ) + (k < n ? moved(locQ, locN) - moved(locK, locN) : 0);
            if (end - departure <= maxDuration && this.driving + dTime <= maxDriving && placesBefore + moves <= maxStops) {
              const dDist = pickupDist + inst.dist(locK, locQ) + inst.dist(locQ, locN) - inst.dist(locK, locN);
              const price = fixed + perStop * moves + perDist * dDist + perWait * (end - departure - dTime - waitBase);
              const affordable = price <= budget;
              if (visit && affordable) visit(i, k, price);
              let cost = price;
              // The load rides the legs from the pickup to the delivery: those driven empty before are loaded now.
              if (perEmpty > 0)
                cost +=
                  perEmpty *
                  ((emptyI ? dIP - inst.dist(locI, locNext) : 0) -
                    (emptyBefore[k]! - emptyBefore[i + 1]!) +
                    (nothingOnBoard(load, k, D) ? inst.dist(locQ, locN) - inst.dist(locK, locN) : 0));
              if (!affordable && !strict) cost += BUDGET_WEIGHT * (price - budget - excessBefore);
              if (noise > 0) cost = Math.max(0, cost + noise * (2 * rand!() - 1));
              if ((affordable || !strict) && cost < best.cost) {
                best.cost = cost;
                best.i = i;
                best.j = k;
                found = true;
              }
            }
          }
        }
        prevLoc = locK;
        prevDep = depK;
      }
    }
    return found;
  }

  /** Puts request r's pickup after position i and its delivery after position j (positions of the route before the change). */
  insert(r: number, i: number, j: number, pos: Int32Array | null): void {
    const n = this.n;
    this.grow(n + 4);
    const stops = this.stops;
    stops.copyWithin(j + 3, j + 1, n + 2);
    stops.copyWithin(i + 2, i + 1, j + 1);
    stops[i + 1] = 2 * r;
    stops[j + 2] = 2 * r + 1;
    this.n = n + 2;
    this.recompute(pos);
  }

  /** Replaces the route's stops with `stops` (stop ids, in order). */
  insertSequence(stops: readonly number[], pos: Int32Array | null): void {
    this.grow(stops.length + 2);
    this.stops.fill(-1);
    stops.forEach((s, k) => (this.stops[k + 1] = s));
    this.n = stops.length;
    this.recompute(pos);
  }

  /** Removes the stops at positions p < q (a request's pickup and delivery). */
  removeAt(p: number, q: number, pos: Int32Array | null): void {
    const n = this.n;
    const stops = this.stops;
    stops.copyWithin(p, p + 1, q);
    stops.copyWithin(q - 1, q + 1, n + 2);
    stops[n] = stops[n + 1] = -1;
    this.n = n - 2;
    this.recompute(pos);
  }

  /** The objective's weight on the distance this route drives empty (problem.ts `costPerEmptyDistance`): outside `cost` and the budget. */
  emptyCost(): number {
    return this.n > 0 ? this.inst.costPerEmpty[this.vehicle]! * this.emptyBefore[this.n + 1]! : 0;
  }

  /** How much the route costs beyond what its requests may be charged (0 when within). */
  excess(): number {
    return this.cost > this.capSum ? this.cost - this.capSum : 0;
  }

  /** Cost saved by removing the stops at positions p < q (waiting and the budget excess not counted). */
  removalSaving(p: number, q: number): number {
    const inst = this.inst;
    const loc = this.loc;
    const d = inst.dist;
    let dDist: number;
    if (q === p + 1) dDist = d(loc[p - 1]!, loc[p]!) + d(loc[p]!, loc[q]!) + d(loc[q]!, loc[q + 1]!) - d(loc[p - 1]!, loc[q + 1]!);
    else
      dDist =
        d(loc[p - 1]!, loc[p]!) + d(loc[p]!, loc[p + 1]!) - d(loc[p - 1]!, loc[p + 1]!) + d(loc[q - 1]!, loc[q]!) + d(loc[q]!, loc[q + 1]!) - d(loc[q - 1]!, loc[q + 1]!);
    if (this.n === 2) return inst.costPerDistance[this.vehicle]! * dDist + inst.fixedCost[this.vehicle]!;
    // Changes of place between stops that the removal takes away (positions 0 and n + 1 are not stops).
    const n = this.n;
    let moves: number;
    if (q === p + 1) moves = (p > 1 ? moved(loc[p - 1]!, loc[p]!) : 0) + moved(loc[p]!, loc[q]!) + (q < n ? moved(loc[q]!, loc[q + 1]!) : 0) - (p > 1 && q < n ? moved(loc[p - 1]!, loc[q + 1]!) : 0);
    else
      moves =
        (p > 1 ? moved(loc[p - 1]!, loc[p]!) - moved(loc[p - 1]!, loc[p + 1]!) : 0) + moved(loc[p]!, loc[p + 1]!) + moved(loc[q - 1]!, loc[q]!) + (q < n ? moved(loc[q]!, loc[q + 1]!) - moved(loc[q - 1]!, loc[q + 1]!) : 0);
    return inst.costPerDistance[this.vehicle]! * dDist + inst.costPerStop[this.vehicle]! * moves;
  }

  /** Whether some stop of the route is at location `at` (O(n): only for a route at its stop limit). */
  private visits(at: number): boolean {
    for (let k = 1; k <= this.n; k++) if (this.loc[k] === at) return true;
    return false;
  }

  /** Whether the whole route holds (used to accept a warm start); the insertion check keeps it so afterwards. */
  feasible(): boolean {
    const inst = this.inst;
    const v = this.vehicle;
    const D = inst.dims;
    const n = this.n;
    if (this.places > inst.maxStops[v]!) return false;
    for (let k = 1; k <= n; k++) {
      const s = this.stops[k]!;
      const r = s >> 1;
      if (inst.carry[r * inst.vehicles + v] === 0) return false;
      if (this.start[k]! > inst.stopLatest[s]!) return false;
      for (let d = 0; d < D; d++) if (this.load[k * D + d]! > inst.capacity[v * D + d]! + 1e-9) return false;
      // Each pickup's load against everything else on board until its delivery.
      if ((s & 1) === 0)
        for (let m = k + 1; m <= n && this.stops[m] !== s + 1; m++) {
          const o = this.stops[m]! >> 1;
          if ((inst.cargoMask[r]! & inst.excludeMask[o]!) !== 0 || (inst.cargoMask[o]! & inst.excludeMask[r]!) !== 0) return false;
        }
    }
    if (this.start[n + 1]! > inst.vehicleLatest[v]!) return false;
    if (this.cost > this.capSum + 1e-6) return false;
    return n === 0 || (this.start[n + 1]! - this.departure <= inst.maxDuration[v]! && this.driving <= inst.maxDriving[v]!);
  }

  copyFrom(other: Route): void {
    const m = other.n + 2;
    this.grow(m + 2);
    const D = this.inst.dims;
    this.stops.set(other.stops.subarray(0, m));
    this.stops.fill(-1, m, Math.min(this.stops.length, this.n + 2));
    this.loc.set(other.loc.subarray(0, m));
    this.arrival.set(other.arrival.subarray(0, m));
    this.start.set(other.start.subarray(0, m));
    this.slack.set(other.slack.subarray(0, m));
    this.waitAfter.set(other.waitAfter.subarray(0, m));
    this.load.set(other.load.subarray(0, m * D));
    this.cargo.set(other.cargo.subarray(0, m));
    this.excluded.set(other.excluded.subarray(0, m));
    this.emptyBefore.set(other.emptyBefore.subarray(0, m));
    this.n = other.n;
    this.distance = other.distance;
    this.driving = other.driving;
    this.service = other.service;
    this.waiting = other.waiting;
    this.capSum = other.capSum;
    this.places = other.places;
    this.cost = other.cost;
    this.departure = other.departure;
  }
}
