/**
 * Vehicles ranked per request by a lower bound on their price, handed out in batches, cheapest first.
 *
 * The bound is the exact tariff over the straight-line (chord) deadhead: base + perKm x (detour x chord + loaded).
 * The chord is within a few parts per million of the great circle at these distances, so the order is the
 * price order in practice, and it never exceeds the price, so vehicles it prices over the request's budget, and
 * vehicles that cannot reach the pickup or meet the deadline even in a straight line, are skipped without an
 * evaluation. A scan is one pass over flat typed arrays with a bounded max-heap: no per-pair allocation.
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
  /** Per request, for the transposed scan. */
  private readonly rowX: Float64Array;
  private readonly rowY: Float64Array;
  private readonly rowZ: Float64Array;
  private readonly rowBit: Int32Array;

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
    this.lastBound = new Float64Array(jobs.length).fill(-Infinity);
    this.lastVehicle = new Int32Array(jobs.length).fill(-1);
    this.exhausted = new Uint8Array(jobs.length);
    this.rowX = new Float64Array(jobs.length);
    this.rowY = new Float64Array(jobs.length);
    this.rowZ = new Float64Array(jobs.length);
    this.rowBit = new Int32Array(jobs.length);
    jobs.forEach((job, i) => {
      [this.rowX[i], this.rowY[i], this.rowZ[i]] = unitVector(job.origin.lat, job.origin.lng);
      this.rowBit[i] = 1 << CARGO_INDEX[job.request.cargoClass];
    });
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
    const job = this.jobs[i]!;
    const r = job.request;
    const { detourFactor, averageSpeedKmh } = this.ctx.config;
    const msPerKm = 3_600_000 / averageSpeedKmh;
    const [ox, oy, oz] = unitVector(job.origin.lat, job.origin.lng);
    const bit = 1 << CARGO_INDEX[r.cargoClass];
    // Slack: the price rounds its distance part once (0.5 KRW), and float noise between chord and haversine.
    const budget = job.transportBudgetKrw + 1;
    const latestStart = r.pickupWindow.end + 1;
    const finishBy = r.deliveryDeadline + 1;
    const afterBound = this.lastBound[i]!;
    const afterVehicle = this.lastVehicle[i]!;
    const heap = new BoundedMaxHeap(count);
    const { x, y, z, cargoMask, payload, slots, base, perKm, firstStart, lastEnd, maxChordKm } = this;
    for (let j = 0; j < x.length; j++) {
      if ((cargoMask[j]! & bit) === 0 || payload[j]! < r.weightKg || slots[j]! < r.pallets) continue;
      const dx = x[j]! - ox;
      const dy = y[j]! - oy;
      const dz = z[j]! - oz;
      const chordKm = EARTH_RADIUS_KM * Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (chordKm > maxChordKm) continue;
      const minRoadKm = detourFactor * chordKm;
      const bound = base[j]! + perKm[j]! * (minRoadKm + job.loadedKm);
      if (bound > budget) continue;
      if (bound < afterBound || (bound === afterBound && j <= afterVehicle)) continue;
      if (!heap.accepts(bound, j)) continue;
      const arrive = firstStart[j]! + minRoadKm * msPerKm;
      if (arrive > latestStart || Math.max(arrive, r.pickupWindow.start) + job.workMs > Math.min(finishBy, lastEnd[j]! + 1)) continue;
      heap.push(bound, j);
    }
    const out = heap.drainAscending();
    const n = out.values.length;
    if (n < count) this.exhausted[i] = 1;
    if (n > 0) {
      this.lastBound[i] = out.keys[n - 1]!;
      this.lastVehicle[i] = out.values[n - 1]!;
    }
    return out.values;
  }

  /**
   * Returns up to `count` requests for which vehicle `j` is the best relative deal: smallest price bound minus
   * `reference[i]` (e.g. the request's cheapest known price; Infinity leaves the request out), in increasing
   * order. Same bounds and skips as next(), seen from the vehicle.
   */
  bestRequestsFor(j: number, count: number, reference: Float64Array): Int32Array {
    const mask = this.cargoMask[j]!;
    if (mask === 0 || count <= 0) return new Int32Array(0);
    const { detourFactor, averageSpeedKmh } = this.ctx.config;
    const msPerKm = 3_600_000 / averageSpeedKmh;
    const vx = this.x[j]!;
    const vy = this.y[j]!;
    const vz = this.z[j]!;
    const payload = this.payload[j]!;
    const slots = this.slots[j]!;
    const base = this.base[j]!;
    const perKm = this.perKm[j]!;
    const firstStart = this.firstStart[j]!;
    const lastEnd = this.lastEnd[j]! + 1;
    const { rowX, rowY, rowZ, rowBit, jobs, maxChordKm } = this;
    const heap = new BoundedMaxHeap(count);
    for (let i = 0; i < jobs.length; i++) {
      const ref = reference[i]!;
      if ((rowBit[i]! & mask) === 0 || ref === Infinity) continue;
      const job = jobs[i]!;
      const r = job.request;
      if (payload < r.weightKg || slots < r.pallets) continue;
      const dx = rowX[i]! - vx;
      const dy = rowY[i]! - vy;
      const dz = rowZ[i]! - vz;
      const chordKm = EARTH_RADIUS_KM * Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (chordKm > maxChordKm) continue;
      const minRoadKm = detourFactor * chordKm;
      const bound = base + perKm * (minRoadKm + job.loadedKm);
      if (bound > job.transportBudgetKrw + 1) continue;
      const score = bound - ref;
      if (!heap.accepts(score, i)) continue;
      const arrive = firstStart + minRoadKm * msPerKm;
      if (arrive > r.pickupWindow.end + 1 || Math.max(arrive, r.pickupWindow.start) + job.workMs > Math.min(r.deliveryDeadline + 1, lastEnd)) continue;
      heap.push(score, i);
    }
    return heap.drainAscending().values;
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

  /** Whether (key, value) would be kept. */
  accepts(key: number, value: number): boolean {
    return this.size < this.capacity || greater(this.keys[0]!, this.values[0]!, key, value);
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
