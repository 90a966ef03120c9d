/**
 * Tunables of a matching round. Every field has a default; callers override any subset via resolveConfig.
 */

export interface MatchingConfig {
  /** Road km = great-circle km x this. 1.3 is a common planning value for Korean road networks. */
  detourFactor: number;
  /** Door-to-door average including urban stretches; converts road km to travel time. */
  averageSpeedKmh: number;
  /** Loading or unloading time at each stop. */
  stopMinutes: number;
  /** Each request enters the assignment with this many of its cheapest feasible vehicles (more if left unserved). */
  candidatesPerRequest: number;
  /** Vehicles further than this (great circle) from a pickup are never considered. */
  maxSearchRadiusKm: number;
  /** Prove the assignment optimal for the unpruned problem by column generation (slower; see transport.ts). */
  certifyOptimality: boolean;
  /** Listings further than this from a request's origin are not considered. */
  listingSearchRadiusKm: number;
  /** Offers expire after this long, or earlier when the vehicle could no longer make the pickup. */
  offerTtlMs: number;
  /** Most stops (pickups plus drops) on one route. */
  maxStopsPerRoute: number;
  /** Extra-stop fee for a vehicle whose rate card has none (class defaults: src/supply/vehicle-classes.ts). */
  perStopFeeKrw: number;
  /** Waiting fee per hour past the free allowance, for a vehicle whose rate card has none. */
  waitingFeePerHourKrw: number;
  /** Waiting at a stop up to this long is free. */
  freeWaitingMinutes: number;
  /** Time budget of the pooled search in one round (MATCHING_ROUND_SECONDS). */
  roundSeconds: number;
  /** Seed of the pooled search: the same round with the same seed gives the same routes when the iteration bound ends it. */
  seed: number;
}

export const DEFAULT_CONFIG: MatchingConfig = {
  detourFactor: 1.3,
  averageSpeedKmh: 45,
  stopMinutes: 15,
  candidatesPerRequest: 8,
  maxSearchRadiusKm: 60,
  certifyOptimality: false,
  listingSearchRadiusKm: 25,
  offerTtlMs: 30 * 60_000,
  maxStopsPerRoute: 12,
  perStopFeeKrw: 10_000,
  waitingFeePerHourKrw: 20_000,
  freeWaitingMinutes: 30,
  roundSeconds: 5,
  seed: 1,
};

export type ConfigOverrides = Partial<MatchingConfig>;

/** Returns DEFAULT_CONFIG with the given overrides applied. */
export function resolveConfig(overrides: ConfigOverrides = {}): MatchingConfig {
  return { ...DEFAULT_CONFIG, ...overrides };
}

/** Road km for a great-circle distance. */
export function roadKm(greatCircleKm: number, config: MatchingConfig): number {
  return greatCircleKm * config.detourFactor;
}

/** Driving time in ms for a road distance. */
export function travelMs(roadDistanceKm: number, config: MatchingConfig): number {
  return (roadDistanceKm / config.averageSpeedKmh) * 3_600_000;
}
