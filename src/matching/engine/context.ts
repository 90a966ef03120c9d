/**
 * Per-round derived data shared by the phases: vehicle profiles with resolved defaults, declined pairs as sets,
 * and counters for the report.
 */
import type { LatLng } from '../../geo/distance';
import { vehicleClass } from '../../supply/vehicle-classes';
import { travelMs, type MatchingConfig } from './config';
import { kstDayOf, kstTimeOn } from './days';
import type { CentreInput, ExcludedPair, RequestInput, TimeWindow, VehicleInput } from './types';

export interface VehicleProfile {
  index: number;
  input: VehicleInput;
  co2GPerKmLoaded: number;
  co2GPerKmEmpty: number;
  /** Availability windows sorted by start, already clipped to `now`, each with the driving left to a route in it. */
  windows: DrivingWindow[];
}

/** Time a vehicle is free, and the most driving a route planned in it may take (minutes). */
export interface DrivingWindow extends TimeWindow {
  drivingMinutes: number;
}

/** A request ready for transport: its loaded route is fixed (door to door, or door to its warehouse(s)). */
export interface TransportJob {
  /** Position in the round's job list (rows of the assignment). */
  index: number;
  /** Position of the request in RoundInput.requests. */
  requestIndex: number;
  request: RequestInput;
  origin: LatLng;
  /** Drop points in visiting order; the last drop's arrival is what the deadline constrains. */
  drops: LatLng[];
  loadedKm: number;
  /** Loading at the origin + driving + unloading at every drop. */
  workMs: number;
  /** Loading at the origin, and unloading at each drop, by the request's loading methods. */
  pickupServiceMs: number;
  dropServiceMs: number[];
  /** Unloading may not start before this (a warehouse's opening time); -Infinity when any time will do. */
  dropEarliestMs: number;
  /** The last drop must be unloaded by this: the request's deadline, or earlier when a warehouse closes first. */
  deadlineMs: number;
  /** Storage already committed for this request, counted against its maximum price. */
  storageCostKrw: number;
  /** What transport may cost at most: maxPrice - storage, or Infinity. */
  transportBudgetKrw: number;
}

export interface RoundCounters {
  pairsEvaluated: number;
  feasiblePairs: number;
}

export interface RoundContext {
  config: MatchingConfig;
  now: number;
  centre: CentreInput;
  vehicles: VehicleProfile[];
  counters: RoundCounters;
  isVehicleExcluded(requestId: string, vehicleId: string): boolean;
  isListingExcluded(requestId: string, listingId: string): boolean;
}

/** Returns the context for one round: profiles for `vehicles` and lookups for `excludedPairs`. */
export function createContext(
  config: MatchingConfig,
  now: number,
  centre: CentreInput,
  vehicles: readonly VehicleInput[],
  excludedPairs: readonly ExcludedPair[] = [],
): RoundContext {
  const vehiclePairs = new Set<string>();
  const listingPairs = new Set<string>();
  for (const p of excludedPairs) {
    if (p.vehicleId !== undefined) vehiclePairs.add(`${p.requestId}\u0000${p.vehicleId}`);
    if (p.listingId !== undefined) listingPairs.add(`${p.requestId}\u0000${p.listingId}`);
  }
  return {
    config,
    now,
    centre,
    vehicles: vehicles.map((input, index) => profileOf(input, index, now, config)),
    counters: { pairsEvaluated: 0, feasiblePairs: 0 },
    isVehicleExcluded: (r, v) => vehiclePairs.size > 0 && vehiclePairs.has(`${r}\u0000${v}`),
    isListingExcluded: (r, l) => listingPairs.size > 0 && listingPairs.has(`${r}\u0000${l}`),
  };
}

function profileOf(input: VehicleInput, index: number, now: number, config: MatchingConfig): VehicleProfile {
  const defaults = vehicleClass(input.vehicleClass);
  const windows = input.availability
    .filter((w) => w.end >= now && w.end >= w.start)
    .map((w) => ({ start: Math.max(w.start, now), end: w.end }))
    .sort((a, b) => a.start - b.start)
    .flatMap((w) => drivingWindows(w, input, config));
  return {
    index,
    input,
    co2GPerKmLoaded: input.co2GPerKmLoaded ?? defaults.co2GPerKmLoaded,
    co2GPerKmEmpty: input.co2GPerKmEmpty ?? defaults.co2GPerKmEmpty,
    windows,
  };
}

/**
 * `window` with the driving a route in it may take: the day's allowance less what the truck's booked routes drive
 * that day (Asia/Seoul), by the day the window starts. A window starting on a day with driving booked ends at that
 * day's midnight, and the rest is a window of its own with the next day's allowance: planned in the first, a route
 * must be done by midnight; in the second, it has the whole day's driving.
 */
function drivingWindows(window: TimeWindow, vehicle: VehicleInput, config: MatchingConfig): DrivingWindow[] {
  const day = kstDayOf(window.start);
  const midnight = kstTimeOn(day + 1, '00:00');
  const drivingMinutes = drivingLeft(vehicle, window.start, config);
  if (drivingMinutes === config.dailyDrivingMinutes || window.end <= midnight) return [{ ...window, drivingMinutes }];
  return [{ start: window.start, end: midnight, drivingMinutes }, ...drivingWindows({ start: midnight, end: window.end }, vehicle, config)];
}

/** Minutes of driving the truck's booked routes leave it on the Asia/Seoul day of `at`, counted as the search counts a route's. */
export function drivingLeft(vehicle: VehicleInput, at: number, config: MatchingConfig): number {
  const day = kstDayOf(at);
  const km = vehicle.bookedKmByDay?.find((d) => d.day === day)?.km ?? 0;
  return Math.max(0, config.dailyDrivingMinutes - travelMs(km, config) / 60_000);
}

