/**
 * Tunables of a matching round. Every field has a default; callers override any subset via resolveConfig.
 */

export interface MatchingConfig {
  /** Road km = great-circle km x this. 1.3 is a common planning value for Korean road networks. */
  detourFactor: number;
  /** Door-to-door average including urban stretches; converts road km to travel time. */
  averageSpeedKmh: number;
  /** Driving a route may contain (the routing core's driving limit; breaks on the road count as driving). */
  dailyDrivingMinutes: number;
  /** After this much driving on one leg the driver rests `breakMinutes` (화물자동차 운수사업법 시행규칙: 4 h, 30 min). */
  breakAfterDrivingMinutes: number;
  breakMinutes: number;
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
  /** Most places one route stops at (routing/problem.ts maxStops): stops in a row at one address count once. */
  maxStopsPerRoute: number;
  /** Extra-stop fee for a vehicle whose rate card has none (class defaults: src/supply/vehicle-classes.ts). */
  perStopFeeKrw: number;
  /** Waiting fee per hour past the free allowance, for a vehicle whose rate card has none. */
  waitingFeePerHourKrw: number;
  /** Waiting at a stop up to this long is free. */
  freeWaitingMinutes: number;
  /**
   * A request that would travel alone is offered only when its pickup window opens within this many minutes;
   * until then it stays OPEN for later rounds, where requests posted meanwhile may share its truck (0: never wait).
   */
  holdAloneMinutes: number;
  /**
   * The same for a route several requests share: offered only when its first pickup window opens within this many
   * minutes; until then its requests stay OPEN and are planned again with those posted meanwhile (0: never wait).
   */
  holdPooledMinutes: number;
  /**
   * The search weighs each km a truck drives empty (to its first pickup, between a drop and the next pickup) at
   * this many times its per-km rate on top of the route's price, so that a plan with fewer empty km may win at a
   * slightly higher price. Offers are priced on the rate card as always; no budget counts the weight (0: none).
   */
  emptyKmWeight: number;
  /** Time budget of the pooled search in one round (MATCHING_ROUND_SECONDS). */
  roundSeconds: number;
  /** Consolidation through the centre (centre-legs.ts): cargo is handled this long between feeder and trunk. */
  centreHandlingMinutes: number;
  /** Trunks leave the centre at fixed times: every this many minutes from opening plus handling, until closing. */
  centreTrunkEveryMinutes: number;
  /** A trunk loads within this long after its departure time. */
  centreTrunkWaitMinutes: number;
  /** Trunk departures offered to one request (its first feasible ones). */
  centreSlotsPerRequest: number;
  /** The centre is offered to loads picked up within this many road km of it, going at least `centreMinTrunkKm` on. */
  centreMaxFeederKm: number;
  centreMinTrunkKm: number;
  /** And only with at least this many other such loads of the same day heading the same way. */
  centreCompanions: number;
  /** Seed of the pooled search: the same round with the same seed gives the same routes when the iteration bound ends it. */
  seed: number;
}

export const DEFAULT_CONFIG: MatchingConfig = {
  detourFactor: 1.3,
  averageSpeedKmh: 45,
  dailyDrivingMinutes: 13 * 60,
  breakAfterDrivingMinutes: 240,
  breakMinutes: 30,
  candidatesPerRequest: 8,
  maxSearchRadiusKm: 60,
  certifyOptimality: false,
  listingSearchRadiusKm: 25,
  offerTtlMs: 30 * 60_000,
  maxStopsPerRoute: 12,
  perStopFeeKrw: 10_000,
  waitingFeePerHourKrw: 20_000,
  freeWaitingMinutes: 30,
  holdAloneMinutes: 0,
  holdPooledMinutes: 0,
  emptyKmWeight: 0,
  roundSeconds: 5,
  // The consolidation pass that pooling replaced handled for 45 min and fed loads from within 12 km; trunks every
  // 3 h give a morning, midday and afternoon departure in a 9–18 h day.
  centreHandlingMinutes: 45,
  centreTrunkEveryMinutes: 180,
  centreTrunkWaitMinutes: 60,
  centreSlotsPerRequest: 1,
  centreMaxFeederKm: 25,
  centreMinTrunkKm: 40,
  centreCompanions: 1,
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

/**
 * Time in ms to drive a road distance, with the rest the driver must take on the way: `breakMinutes` after every
 * `breakAfterDrivingMinutes` of driving on the leg. Stops between legs are work, not rest, but reset nothing here:
 * a route of many short legs is bounded by `dailyDrivingMinutes` instead.
 */
export function travelMs(roadDistanceKm: number, config: MatchingConfig): number {
  const drivingMinutes = (roadDistanceKm / config.averageSpeedKmh) * 60;
  return (drivingMinutes + Math.floor(drivingMinutes / config.breakAfterDrivingMinutes) * config.breakMinutes) * 60_000;
}
