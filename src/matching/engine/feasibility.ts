/**
 * Hard rules: what may ride on what, what may be stored where, and when a vehicle can do a job.
 * Every refusal names its rule so tests (and operators) can see why a pair was dropped.
 */
import { CARGO_CLASSES, type BodyType, type CargoClass, type StorageClass } from '../../supply/vehicle-classes';
import { canLoad, DEFAULT_LOADING_METHOD } from '../../supply/loading-methods';
import type { RequestInput, TimeWindow } from './types';

export type RefusalReason =
  | 'EXCLUDED'
  | 'BODY'
  | 'LOADING'
  | 'HAZMAT'
  | 'PAYLOAD'
  | 'PALLETS'
  | 'WINDOW'
  | 'DEADLINE'
  | 'DRIVING'
  | 'PRICE'
  | 'STORAGE_CLASS'
  | 'STORAGE_DATES'
  | 'STORAGE_CAPACITY'
  | 'MIN_DAYS';

export interface Refusal {
  ok: false;
  reason: RefusalReason;
}

const REFUSALS: Readonly<Record<RefusalReason, Refusal>> = Object.fromEntries(
  (
    ['EXCLUDED', 'BODY', 'LOADING', 'HAZMAT', 'PAYLOAD', 'PALLETS', 'WINDOW', 'DEADLINE', 'DRIVING', 'PRICE', 'STORAGE_CLASS', 'STORAGE_DATES', 'STORAGE_CAPACITY', 'MIN_DAYS'] as const
  ).map((r) => [r, Object.freeze({ ok: false as const, reason: r })]),
) as Record<RefusalReason, Refusal>;

/** Returns the shared refusal object for `reason` (refusals are frequent: no allocation per pair). */
export function refuse(reason: RefusalReason): Refusal {
  return REFUSALS[reason];
}

/** Bodies each cargo class may ride in. Hazmat additionally needs a certified vehicle (see cargoFitsBody). */
const BODIES_FOR_CARGO: Readonly<Record<CargoClass, readonly BodyType[]>> = {
  GENERAL: ['CARGO', 'WING', 'BOX', 'REFRIGERATED', 'FROZEN', 'FLATBED'],
  CHILLED: ['REFRIGERATED', 'FROZEN'],
  FROZEN: ['FROZEN'],
  HAZMAT: ['CARGO', 'WING', 'BOX', 'REFRIGERATED', 'FROZEN', 'FLATBED'],
  OVERSIZE: ['FLATBED', 'CARGO'],
  LIQUID_BULK: ['TANK'],
};

/** Returns null when `cargo` may ride in this body, else the rule that forbids it. */
export function cargoFitsBody(cargo: CargoClass, body: BodyType, hazmatCertified: boolean): 'BODY' | 'HAZMAT' | null {
  if (!BODIES_FOR_CARGO[cargo].includes(body)) return 'BODY';
  if (cargo === 'HAZMAT' && !hazmatCertified) return 'HAZMAT';
  return null;
}

/** Whether the request's loading methods can load and unload this body (an overhead hoist cannot reach into a box). */
export function loadableAtBothEnds(request: Pick<RequestInput, 'pickupLoadingMethod' | 'deliveryLoadingMethod'>, body: BodyType): boolean {
  return canLoad(request.pickupLoadingMethod ?? DEFAULT_LOADING_METHOD, body) && canLoad(request.deliveryLoadingMethod ?? DEFAULT_LOADING_METHOD, body);
}

const FOOD: readonly CargoClass[] = ['CHILLED', 'FROZEN'];
/** Cargo that needs the truck to itself: a tank's bulk leaves no room to share safely. */
const ALONE: readonly CargoClass[] = ['LIQUID_BULK'];
/**
 * An oversize piece rides an open body (flatbed or cargo, BODIES_FOR_CARGO) and takes floor positions (its pallets)
 * and payload like any load: what it leaves free may carry general cargo or another piece (혼적 on a 카고 truck),
 * never hazmat, which is secured and segregated on its own.
 */
const OPEN_DECK = CARGO_CLASSES.filter((c) => c !== 'GENERAL' && c !== 'OVERSIZE');

/**
 * Cargo classes that may not be on board at the same time as `cargo`: hazmat never with food; bulk alone;
 * oversize only with general cargo or other oversize pieces, where body and load allow (capacity is checked apart).
 */
export function excludedAlongside(cargo: CargoClass): readonly CargoClass[] {
  if (ALONE.includes(cargo)) return CARGO_CLASSES;
  if (cargo === 'OVERSIZE') return OPEN_DECK;
  if (cargo === 'HAZMAT') return FOOD;
  if (FOOD.includes(cargo)) return ['HAZMAT'];
  return [];
}

/** Whether two cargo classes may share one vehicle at the same time. */
export function canShareVehicle(a: CargoClass, b: CargoClass): boolean {
  return !excludedAlongside(a).includes(b) && !excludedAlongside(b).includes(a);
}

/** Storage classes each cargo class may be kept in. */
const STORAGE_FOR_CARGO: Readonly<Record<CargoClass, readonly StorageClass[]>> = {
  GENERAL: ['AMBIENT', 'BONDED'],
  CHILLED: ['CHILLED'],
  FROZEN: ['FROZEN'],
  HAZMAT: ['HAZMAT'],
  OVERSIZE: ['OUTDOOR_YARD', 'AMBIENT'],
  LIQUID_BULK: ['HAZMAT', 'OUTDOOR_YARD'],
};

/** Whether a listing of class `listing` may hold `cargo` that asked for `wanted` storage. */
export function storageClassAllows(cargo: CargoClass, wanted: StorageClass, listing: StorageClass): boolean {
  return listing === wanted && STORAGE_FOR_CARGO[cargo].includes(listing);
}

export interface Schedule {
  ok: true;
  /** When the vehicle leaves its position (as late as possible without delaying the start). */
  departAt: number;
  /** When work (loading) starts at the first stop. */
  startAt: number;
  finishAt: number;
  /** Latest start that still meets every constraint in the chosen window: bounds the offer's expiry. */
  latestStartAt: number;
}

export interface ScheduleQuery {
  now: number;
  /** The vehicle's availability windows, sorted, clipped to now. */
  windows: readonly TimeWindow[];
  /** Driving time from the vehicle's position to the first stop. */
  approachMs: number;
  earliestStart: number;
  /** Latest allowed start (end of the pickup window). */
  latestStart: number;
  /** Latest start that still meets the deadline(s) (deadline - time to the constrained drop). */
  latestStartForDeadline: number;
  /** Duration from start to finish; the vehicle must be free until then. */
  workMs: number;
}

/**
 * Returns the earliest schedule that fits one availability window: reach the first stop, start within
 * [earliestStart, latestStart], meet the deadline, finish inside the window. Refuses with DEADLINE when the
 * start was reachable but the deadline was not, else WINDOW.
 */
export function schedule(q: ScheduleQuery): Schedule | Refusal {
  let missedDeadline = false;
  for (const w of q.windows) {
    const leave = Math.max(w.start, q.now);
    if (leave > w.end) continue;
    const startAt = Math.max(leave + q.approachMs, q.earliestStart);
    if (startAt > q.latestStart) continue;
    if (startAt > q.latestStartForDeadline) {
      missedDeadline = true;
      continue;
    }
    if (startAt + q.workMs > w.end) continue;
    return {
      ok: true,
      departAt: startAt - q.approachMs,
      startAt,
      finishAt: startAt + q.workMs,
      latestStartAt: Math.min(q.latestStart, q.latestStartForDeadline, w.end - q.workMs),
    };
  }
  return refuse(missedDeadline ? 'DEADLINE' : 'WINDOW');
}
