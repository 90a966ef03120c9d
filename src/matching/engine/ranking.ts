/**
 * Vehicles ranked per request by a lower bound on their price, handed out in batches, cheapest first.
 *
 * The bound is the exact tariff over the straight-line (chord) deadhead: base + perKm x (detour x chord + loaded).
 * The chord is within a few parts per million of the great circle at these distances, so the order is the
 * price order in practice, and it never exceeds the price, so vehicles it prices over the request's budget, and
 * vehicles that cannot reach the pickup or meet the deadline even in a straight line, are skipped without an
 * evaluation. Vehicles are grouped by (cargo mask, class) and sorted by per-km rate inside a group; a scan visits
 * groups cheapest tariff first and stops in a group (or for good) once base + rate x loaded km cannot beat the
 * bounded max-heap's largest key. Flat typed arrays, no per-pair allocation.
 */
import { CARGO_CLASSES, type CargoClass } from '../../supply/vehicle-classes';
import type { RoundContext, TransportJob, VehicleProfile } from './context';
import { cargoFitsBody } from './feasibility';

const EARTH_RADIUS_KM = 6371.0088;

export class CostRanking {
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly z: Float64Array;
  private readonly cargoMask: Int32Array;
  private readonly payload: Float64Array;
  private readonly slots: Float64Array;
  private readonly base: Float64Array;
  private readonly perKm: Float64Array;
  private readonly firstStart: Float64Array;
  private readonly lastEnd: Float64Array;
  /** Per request: the (bound, vehicle) of the last vehicle handed out; later batches continue after it. */
  private readonly lastBound: Float64Array;
  private readonly lastVehicle: Int32Array;
  private readonly exhausted: Uint8Array;
  private readonly maxChordKm: number;
  /** Vehicles grouped by (cargo mask, class): members of group g are groupMembers[groupStart[g] .. groupStart[g+1]-1]. */
  private readonly groups: { mask: number; minBase: number; minPerKm: number; maxPayload: number; maxSlots: number }[] = [];
  private readonly groupStart: Int32Array;
  private readonly groupMembers: Int32Array;
  /** The members not closed yet, in the same order: openMembers[groupStart[g] .. openEnd[g]-1]. */
  private readonly openMembers: Int32Array;
  private readonly openEnd: Int32Array;
  private readonly groupOfVehicle: Int32Array;

  constructor(
    private readonly jobs: readonly TransportJob[],
    private readonly ctx: RoundContext,
    allowed: (vehicleIndex: number) => boolean,
  ) {
    const vehicles = ctx.vehicles;
    const m = vehicles.length;
    this.x = new Float64Array(m);
    this.y = new Float64Array(m);
    this.z = new Float64Array(m);
    this.cargoMask = new Int32Array(m);
    this.payload = new Float64Array(m);
    this.slots = new Float64Array(m);
    this.base = new Float64Array(m);
    this.perKm = new Float64Array(m);
    this.firstStart = new Float64Array(m);
    this.lastEnd = new Float64Array(m);
    vehicles.forEach((p, j) => {
      const input = p.input;
      [this.x[j], this.y[j], this.z[j]] = unitVector(input.location.lat, input.location.lng);
      this.cargoMask[j] = allowed(j) && p.windows.length > 0 ? carriableMask(input.bodyType, input.hazmatCertified) : 0;
      this.payload[j] = input.payloadKg;
      this.slots[j] = input.palletSlots;
      this.base[j] = input.baseFeeKrw;
      this.perKm[j] = input.perKmKrw;
      this.firstStart[j] = p.windows[0]?.start ?? Infinity;
      this.lastEnd[j] = p.windows[p.windows.length - 1]?.end ?? -Infinity;
    });
    const groupOf = new Map<string, number>();
    const members: number[][] = [];
    for (let j = 0; j < m; j++) {
      if (this.cargoMask[j] === 0) continue;
      const key = `${this.cargoMask[j]}|${vehicles[j]!.input.vehicleClass}`;
      let g = groupOf.get(key);
      if (g === undefined) {
        g = this.groups.length;
        groupOf.set(key, g);
        this.groups.push({ mask: this.cargoMask[j]!, minBase: Infinity, minPerKm: Infinity, maxPayload: 0, maxSlots: 0 });
        members.push([]);
      }
      const group = this.groups[g]!;
      group.minBase = Math.min(group.minBase, this.base[j]!);
      group.minPerKm = Math.min(group.minPerKm, this.perKm[j]!);
      group.maxPayload = Math.max(group.maxPayload, this.payload[j]!);
      group.maxSlots = Math.max(group.maxSlots, this.slots[j]!);
      members[g]!.push(j);
    }
    // Members by per-km rate: a scan stops in a group once base + rate x loaded km cannot enter its heap.
    for (const list of members) list.sort((a, b) => this.perKm[a]! - this.perKm[b]! || a - b);
    this.groupStart = new Int32Array(members.length + 1);
    members.forEach((list, g) => (this.groupStart[g + 1] = this.groupStart[g]! + list.length));
    this.groupMembers = Int32Array.from(members.flat());
    this.openMembers = this.groupMembers.slice();
    this.openEnd = this.groupStart.slice(1);
    this.groupOfVehicle = new Int32Array(m).fill(-1);
    members.forEach((list, g) => list.forEach((j) => (this.groupOfVehicle[j] = g)));
    this.lastBound = new Float64Array(jobs.length).fill(-Infinity);
    this.lastVehicle = new Int32Array(jobs.length).fill(-1);
    this.exhausted = new Uint8Array(jobs.length);
    // Great circle <= max radius implies chord <= its chord; the chord bound only needs to keep those.
    const maxArc = ctx.config.maxSearchRadiusKm;
    this.maxChordKm = 2 * EARTH_RADIUS_KM * Math.sin(Math.min(maxArc / (2 * EARTH_RADIUS_KM), Math.PI / 2));
  }

  /** Whether every vehicle that could serve request `i` has been handed out. */
  isExhausted(i: number): boolean {
    return this.exhausted[i] === 1;
  }

  /** Returns up to `count` further vehicles for request `i` in increasing price bound (ties by index). */
  next(i: number, count: number): Int32Array {
    if (this.exhausted[i] === 1 || count <= 0) return new Int32Array(0);
    const out = this.scan(i, count, this.lastBound[i]!, this.lastVehicle[i]!, false, null, null);
    const n = out.values.length;
    if (n < count) this.exhausted[i] = 1;
    if (n > 0) {
      this.lastBound[i] = out.keys[n - 1]!;
      this.lastVehicle[i] = out.values[n - 1]!;
    }
    return out.values;
  }

  /**
   * Returns up to `count` of the cheapest vehicles for request `i` among those with usable[j] = 1 and not
   * `skip`ped, regardless of what next() handed out.
   */
  cheapestAmong(i: number, count: number, usable: Uint8Array, skip: (j: number) => boolean): Int32Array {
    return this.scan(i, count, -Infinity, -1, false, usable, skip).values;
  }

  /** Like cheapestAmong, among the vehicles not closed. */
  cheapestOpen(i: number, count: number, skip: (j: number) => boolean): Int32Array {
    return this.scan(i, count, -Infinity, -1, true, null, skip).values;
  }

  /** Leaves vehicle `j` out of cheapestOpen from now on. */
  close(j: number): void {
    const g = this.groupOfVehicle[j]!;
    if (g === -1) return;
    const start = this.groupStart[g]!;
    const end = this.openEnd[g]!;
    const slot = this.openMembers.subarray(start, end).indexOf(j);
    if (slot === -1) return;
    this.openMembers.copyWithin(start + slot, start + slot + 1, end);
    this.openEnd[g] = end - 1;
  }

  /** The `count` smallest (bound, vehicle) after (afterBound, afterVehicle) that pass every filter. */
  private scan(i: number, count: number, afterBound: number, afterVehicle: number, openOnly: boolean, usable: Uint8Array | null, skip: ((j: number) => boolean) | null): { keys: Float64Array; values: Int32Array } {
    const job = this.jobs[i]!;
    const r = job.request;
    const { detourFactor, averageSpeedKmh } = this.ctx.config;
    const msPerKm = 3_600_000 / averageSpeedKmh;
    const [ox, oy, oz] = unitVector(job.origin.lat, job.origin.lng);
    const bit = 1 << CARGO_INDEX[r.cargoClass];
    // Slack: the price rounds its distance part once (0.5 KRW), and float noise between chord and haversine.
    const budget = job.transportBudgetKrw + 1;
    const latestStart = r.pickupWindow.end + 1;
    const finishBy = job.deadlineMs + 1;
    const heap = new BoundedMaxHeap(count);
    const { x, y, z, payload, slots, base, perKm, firstStart, lastEnd, maxChordKm } = this;
    const { weightKg, pallets } = r;
    const { loadedKm, workMs } = job;
    const earliestStart = r.pickupWindow.start;
    // Groups in increasing order of their tariff bound; once the heap is full, a group whose bound exceeds its
    // largest key (and every later group) cannot contribute.
    const order = this.groups
      .map((g, k) => ({ k, minBase: g.minBase, bound: g.minBase + g.minPerKm * loadedKm, usable: (g.mask & bit) !== 0 && g.maxPayload >= weightKg && g.maxSlots >= pallets }))
      .filter((g) => g.usable)
      .sort((a, b) => a.bound - b.bound);
    const { groupStart } = this;
    const memberList = openOnly ? this.openMembers : this.groupMembers;
    const memberEnd = openOnly ? this.openEnd : this.groupStart.subarray(1);
    // (limitKey, limitVehicle): the largest pair kept once the heap is full; only smaller pairs can enter.
    let limitKey = Infinity;
    let limitVehicle = 0x7fffffff;
    for (const { k, minBase, bound: groupBound } of order) {
      if (groupBound > limitKey) break;
      const end = memberEnd[k]!;
      for (let n = groupStart[k]!; n < end; n++) {
        const j = memberList[n]!;
        const rate = perKm[j]!;
        if (minBase + rate * loadedKm > limitKey) break;
        if (payload[j]! < weightKg || slots[j]! < pallets || (usable !== null && usable[j] === 0)) continue;
        // The tariff without deadhead already bounds the price: most vehicles stop here, before the square root.
        if (base[j]! + rate * loadedKm > limitKey) continue;
        const dx = x[j]! - ox;
        const dy = y[j]! - oy;
        const dz = z[j]! - oz;
        const chordKm = EARTH_RADIUS_KM * Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (chordKm > maxChordKm) continue;
        const minRoadKm = detourFactor * chordKm;
        const bound = base[j]! + rate * (minRoadKm + loadedKm);
        if (bound > budget || bound > limitKey || (bound === limitKey && j > limitVehicle)) continue;
        if (bound < afterBound || (bound === afterBound && j <= afterVehicle)) continue;
        const arrive = firstStart[j]! + minRoadKm * msPerKm;
        if (arrive > latestStart || (arrive > earliestStart ? arrive : earliestStart) + workMs > (finishBy < lastEnd[j]! + 1 ? finishBy : lastEnd[j]! + 1)) continue;
        if (skip !== null && skip(j)) continue;
        heap.push(bound, j);
        if (heap.isFull()) {
          limitKey = heap.maxKey();
          limitVehicle = heap.maxValue();
        }
      }
    }
    return heap.drainAscending();
  }

}

/** Keeps the `capacity` smallest (key, value) pairs seen, ordered by key then value. */
class BoundedMaxHeap {
  private readonly keys: Float64Array;
  private readonly values: Int32Array;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity);
  }

  isFull(): boolean {
    return this.size === this.capacity;
  }

  /** The largest key kept (meaningful when the heap is not empty). */
  maxKey(): number {
    return this.keys[0]!;
  }

  /** The value of the largest pair kept (meaningful when the heap is not empty). */
  maxValue(): number {
    return this.values[0]!;
  }

  push(key: number, value: number): void {
    const { keys, values } = this;
    if (this.size < this.capacity) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!greater(key, value, keys[parent]!, values[parent]!)) break;
        keys[i] = keys[parent]!;
        values[i] = values[parent]!;
        i = parent;
      }
      keys[i] = key;
      values[i] = value;
      return;
    }
    this.siftDownFromRoot(key, value, this.size);
  }

  /** Empties the heap; returns its pairs in increasing order. */
  drainAscending(): { keys: Float64Array; values: Int32Array } {
    const n = this.size;
    const keys = new Float64Array(n);
    const values = new Int32Array(n);
    for (let k = n - 1; k >= 0; k--) {
      keys[k] = this.keys[0]!;
      values[k] = this.values[0]!;
      this.size--;
      if (this.size > 0) this.siftDownFromRoot(this.keys[this.size]!, this.values[this.size]!, this.size);
    }
    return { keys, values };
  }

  private siftDownFromRoot(key: number, value: number, n: number): void {
    const { keys, values } = this;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && greater(keys[child + 1]!, values[child + 1]!, keys[child]!, values[child]!)) child++;
      if (!greater(keys[child]!, values[child]!, key, value)) break;
      keys[i] = keys[child]!;
      values[i] = values[child]!;
      i = child;
    }
    keys[i] = key;
    values[i] = value;
  }
}

function greater(ka: number, va: number, kb: number, vb: number): boolean {
  return ka > kb || (ka === kb && va > vb);
}

const CARGO_INDEX = Object.fromEntries(CARGO_CLASSES.map((c, i) => [c, i])) as Record<CargoClass, number>;

/** Bitmask of the cargo classes a body may carry. */
export function carriableMask(body: VehicleProfile['input']['bodyType'], hazmatCertified: boolean): number {
  let mask = 0;
  CARGO_CLASSES.forEach((c, i) => {
    if (cargoFitsBody(c, body, hazmatCertified) === null) mask |= 1 << i;
  });
  return mask;
}

/** Returns the cargo class's bit in carriableMask. */
export function cargoBit(cargo: CargoClass): number {
  return 1 << CARGO_INDEX[cargo];
}

export function unitVector(lat: number, lng: number): [number, number, number] {
  const phi = (lat * Math.PI) / 180;
  const lambda = (lng * Math.PI) / 180;
  return [Math.cos(phi) * Math.cos(lambda), Math.cos(phi) * Math.sin(lambda), Math.sin(phi)];
}
