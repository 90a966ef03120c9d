/**
 * Input and output shapes of a matching round. Plain data only: times are epoch milliseconds, money is integer
 * KRW, distances km, storage days are KST day numbers (see days.ts).
 */
import type { LatLng } from '../../geo/distance';
import type { OfferBaseline } from './baseline';
import type { CellSet } from '../../geo/h3';
import type { LoadingMethod } from '../../supply/loading-methods';
import type { BodyType, CargoClass, StorageClass, VehicleClassCode } from '../../supply/vehicle-classes';

export type EpochMs = number;
/** Days since 1970-01-01 in Korea Standard Time (UTC+9, no DST); convert with days.ts. */
export type KstDay = number;

export interface TimeWindow {
  start: EpochMs;
  end: EpochMs;
}

/** Anything with a position. `cells` are the H3 cells stored in the database; computed when absent. */
export interface Located {
  location: LatLng;
  cells?: CellSet;
}

export interface CentreInput extends Located {
  id: string;
  handlingFeePerPalletKrw: number;
  crossDockCapacityPalletsPerDay: number;
  /** Opening hours, `HH:MM` Asia/Seoul (KST, no DST); closesAt after opensAt, both the same day. */
  opensAt?: string;
  closesAt?: string;
}

export interface StorageNeed {
  pallets: number;
  days: number;
  storageClass: StorageClass;
  /** The pallets may be spread over several listings (each part stays in one listing for the whole stay). */
  splitAllowed: boolean;
}

export interface RequestInput {
  id: string;
  shipperOrgId: string;
  origin: LatLng;
  /** Final destination. When `storage` is set the round moves the goods to the chosen warehouse instead. */
  destination: LatLng;
  weightKg: number;
  pallets: number;
  cargoClass: CargoClass;
  pickupWindow: TimeWindow;
  deliveryDeadline: EpochMs;
  /** Ceiling on the total offered price (transport + storage); null = no ceiling. */
  maxPriceKrw: number | null;
  storage?: StorageNeed | null;
  /** How the goods are loaded at the origin and unloaded at the destination: service time and bodies (src/supply/loading-methods.ts). */
  pickupLoadingMethod?: LoadingMethod;
  deliveryLoadingMethod?: LoadingMethod;
}

export interface VehicleInput extends Located {
  id: string;
  carrierOrgId: string;
  vehicleClass: VehicleClassCode;
  payloadKg: number;
  palletSlots: number;
  bodyType: BodyType;
  hazmatCertified: boolean;
  availability: TimeWindow[];
  baseFeeKrw: number;
  perKmKrw: number;
  /** Fee per pickup or drop beyond the first of each on a route (경유비). */
  perStopFeeKrw?: number;
  /** Per hour waited at a stop beyond the free allowance (대기료). */
  waitingFeePerHourKrw?: number;
  /** Override of the class CO2 factors (g/km). */
  co2GPerKmLoaded?: number;
  co2GPerKmEmpty?: number;
}

/** Idle capacity over an inclusive range of KST days; idlePallets is already net of existing bookings. */
export interface ListingWindow {
  fromDay: KstDay;
  toDay: KstDay;
  idlePallets: number;
}

export interface ListingInput extends Located {
  id: string;
  ownerOrgId: string;
  storageClass: StorageClass;
  availability: ListingWindow[];
  pricePerPalletDayKrw: number;
  minDays: number;
  /** Opening hours, `HH:MM` Asia/Seoul, as CentreInput's. */
  opensAt?: string;
  closesAt?: string;
  /** Loading equipment at the warehouse. */
  hasForklift?: boolean;
  hasDock?: boolean;
}

/** A pair a user declined: never offered again. Exactly one of vehicleId / listingId is expected. */
export interface ExcludedPair {
  requestId: string;
  vehicleId?: string;
  listingId?: string;
}

export interface RoundInput {
  centre: CentreInput;
  requests: RequestInput[];
  vehicles: VehicleInput[];
  listings: ListingInput[];
  now: EpochMs;
  excludedPairs?: ExcludedPair[];
}

export interface CostBreakdown {
  baseKrw: number;
  distanceKrw: number;
  storageKrw: number;
  handlingKrw: number;
}

interface OfferCommon {
  priceKrw: number;
  breakdown: CostBreakdown;
  deadheadKm: number;
  loadedKm: number;
  co2Kg: number;
  expiresAt: EpochMs;
}

/** One request on one vehicle, door to door (or door to its warehouse when it needs storage). */
export interface TransportOffer extends OfferCommon {
  kind: 'TRANSPORT';
  requestId: string;
  vehicleId: string;
  pickupAt: EpochMs;
  deliverAt: EpochMs;
  baseline: OfferBaseline;
}

/** Part (or all) of a request's storage need in one listing. Transport to it is the request's TRANSPORT offer. */
export interface StorageOffer extends OfferCommon {
  kind: 'STORAGE';
  requestId: string;
  listingId: string;
  pallets: number;
  fromDay: KstDay;
  toDay: KstDay;
}

export interface ConsolidatedShare {
  requestId: string;
  shipperOrgId: string;
  pallets: number;
  /** Pallets x this distance is the share's weight in the cost split. */
  distanceKm: number;
  priceKrw: number;
  breakdown: CostBreakdown;
  co2Kg: number;
  /** The load's empty and loaded km split in the same proportion as its cost. */
  deadheadKm: number;
  loadedKm: number;
  pickupAt: EpochMs;
  deliverAt: EpochMs;
  baseline: OfferBaseline;
}

/** Several requests fed to the centre, cross-docked and carried on one vehicle; priced per shipper share. */
export interface ConsolidatedOffer extends OfferCommon {
  kind: 'CONSOLIDATED';
  loadId: string;
  vehicleId: string;
  requestIds: string[];
  shares: ConsolidatedShare[];
  /** Feeder legs origin->centre (priced at the centre's shuttle tariff; included in loaded/deadhead km). */
  feederKm: number;
  departCentreAt: EpochMs;
}

export type Offer = TransportOffer | StorageOffer | ConsolidatedOffer;

export interface RoundReport {
  requestsConsidered: number;
  servedCount: number;
  unservedRequestIds: string[];
  consolidatedLoads: number;
  consolidatedRequests: number;
  totalCostKrw: number;
  /** "No sharing" cost of the served requests: see baseline.ts. */
  baselineCostKrw: number;
  savingsPct: number;
  deadheadKm: number;
  loadedKm: number;
  /** deadhead / (deadhead + loaded). */
  emptyKmShare: number;
  co2Kg: number;
  baselineCo2Kg: number;
  candidatePairsEvaluated: number;
  feasiblePairs: number;
  timeMs: number;
}

export interface RoundResult {
  offers: Offer[];
  report: RoundReport;
}
