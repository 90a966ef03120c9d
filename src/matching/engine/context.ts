/**
 * Per-round derived data shared by the phases: vehicle profiles with resolved defaults, declined pairs as sets,
 * and counters for the report.
 */
import type { LatLng } from '../../geo/distance';
import { vehicleClass } from '../../supply/vehicle-classes';
import type { MatchingConfig } from './config';
import type { CentreInput, ExcludedPair, RequestInput, TimeWindow, VehicleInput } from './types';

export interface VehicleProfile {
  index: number;
  input: VehicleInput;
  co2GPerKmLoaded: number;
  co2GPerKmEmpty: number;
  /** Availability windows sorted by start, already clipped to `now`. */
  windows: TimeWindow[];
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
    vehicles: vehicles.map((input, index) => profileOf(input, index, now)),
    counters: { pairsEvaluated: 0, feasiblePairs: 0 },
    isVehicleExcluded: (r, v) => vehiclePairs.size > 0 && vehiclePairs.has(`${r}\u0000${v}`),
    isListingExcluded: (r, l) => listingPairs.size > 0 && listingPairs.has(`${r}\u0000${l}`),
  };
}

function profileOf(input: VehicleInput, index: number, now: number): VehicleProfile {
  const defaults = vehicleClass(input.vehicleClass);
  const windows = input.availability
    .filter((w) => w.end >= now && w.end >= w.start)
    .map((w) => ({ start: Math.max(w.start, now), end: w.end }))
    .sort((a, b) => a.start - b.start);
  return {
    index,
    input,
    co2GPerKmLoaded: input.co2GPerKmLoaded ?? defaults.co2GPerKmLoaded,
    co2GPerKmEmpty: input.co2GPerKmEmpty ?? defaults.co2GPerKmEmpty,
    windows,
  };
}
