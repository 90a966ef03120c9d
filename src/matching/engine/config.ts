/**
 * Tunables of a matching round. Every field has a default; callers override any subset via resolveConfig.
 */
import type { VehicleClassCode } from '../../supply/vehicle-classes';

export interface ConsolidationConfig {
  enabled: boolean;
  /** Only loads of at most this many pallets are worth cross-docking; bigger ones fill a truck on their own. */
  maxPalletsPerRequest: number;
  /** Destinations in the same H3 cell at this resolution (5 ~ 8 km edge, 6 ~ 3 km) share a trunk vehicle. */
  destinationResolution: 5 | 6;
  /** Time from the last feeder arriving to the trunk being ready to leave (unload, sort, reload). */
  centreHandlingMinutes: number;
  /** Centre shuttle tariff for feeder legs origin->centre: a fee per pickup plus per km of the round trip. */
  feederStopFeeKrw: number;
  feederPerKmKrw: number;
  /** Class whose CO2 factors the shuttle uses. */
  feederVehicleClass: VehicleClassCode;
  /** Most drops one trunk vehicle makes. */
  maxDropsPerLoad: number;
  /**
   * Road km from a pickup to the centre beyond which the shuttle does not go: it serves the complex around its
   * centre, and a long feeder run out and back empty costs more empty km than the shared trunk saves.
   */
  maxFeederKm: number;
}

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
  /** Trunk vehicles for consolidated loads are searched within this radius of the centre. */
  centreSearchRadiusKm: number;
  /** Offers expire after this long, or earlier when the vehicle could no longer make the pickup. */
  offerTtlMs: number;
  consolidation: ConsolidationConfig;
}

export const DEFAULT_CONFIG: MatchingConfig = {
  detourFactor: 1.3,
  averageSpeedKmh: 45,
  stopMinutes: 15,
  candidatesPerRequest: 8,
  maxSearchRadiusKm: 60,
  certifyOptimality: false,
  listingSearchRadiusKm: 25,
  centreSearchRadiusKm: 15,
  offerTtlMs: 30 * 60_000,
  consolidation: {
    enabled: true,
    maxPalletsPerRequest: 4,
    destinationResolution: 5,
    centreHandlingMinutes: 45,
    feederStopFeeKrw: 5_000,
    feederPerKmKrw: 500,
    feederVehicleClass: 'T1',
    maxDropsPerLoad: 6,
    maxFeederKm: 12,
  },
};

export interface ConfigOverrides extends Partial<Omit<MatchingConfig, 'consolidation'>> {
  consolidation?: Partial<ConsolidationConfig>;
}

/** Returns DEFAULT_CONFIG with the given overrides applied (consolidation merged field by field). */
export function resolveConfig(overrides: ConfigOverrides = {}): MatchingConfig {
  return {
    ...DEFAULT_CONFIG,
    ...overrides,
    consolidation: { ...DEFAULT_CONFIG.consolidation, ...overrides.consolidation },
  };
}

/** Road km for a great-circle distance. */
export function roadKm(greatCircleKm: number, config: MatchingConfig): number {
  return greatCircleKm * config.detourFactor;
}

/** Driving time in ms for a road distance. */
export function travelMs(roadDistanceKm: number, config: MatchingConfig): number {
  return (roadDistanceKm / config.averageSpeedKmh) * 3_600_000;
}
