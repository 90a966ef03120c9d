/**
 * Input and output shapes of a matching round. Plain data only: times are epoch milliseconds, money is integer
 * KRW, distances km, storage days are KST day numbers (see days.ts).
 */
import type { LatLng } from '../../geo/distance';
import type { OfferBaseline } from './baseline';
import type { UnservedRequest } from './unserved';
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
  /** Opening hours, `HH:MM` Asia/Seoul (KST, no DST); closesAt after opensAt, both the same day (`24:00` its midnight). */
  opensAt?: string;
  closesAt?: string;
  /** Cross-dock pallets already promised per KST day (feeder legs offered or booked in earlier rounds). */
  crossDockedPallets?: { day: KstDay; pallets: number }[];
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
  /**
   * The goods wait at the centre for a trunk (the one booked was given back after its feeder picked them up): `origin`
   * is the centre, its pickup a loading there (CENTRE_PICKUP), its share a TRUNK leg; never sent through the centre again.
   */
  atCentre?: boolean;
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
  /** Each pickup or drop beyond a route's first of each (경유비); the config's default when absent. */
  perStopFeeKrw?: number;
  /** Waiting past the free allowance at a stop, per hour; the config's default when absent. */
  waitingFeePerHourKrw?: number;
  /** Override of the class CO2 factors (g/km). */
  co2GPerKmLoaded?: number;
  co2GPerKmEmpty?: number;
  /**
   * Road km its booked routes drive, per Asia/Seoul day each starts on: `dailyDrivingMinutes` caps a truck's
   * driving in a day, not only one route's. Absent: nothing booked.
   */
  bookedKmByDay?: { day: KstDay; km: number }[];
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
  /** Opening hours, `HH:MM` Asia/Seoul, as CentreInput's; `00:00`-`24:00` is open around the clock (aroundTheClock). */
  opensAt?: string;
  closesAt?: string;
  /** Loading equipment at the warehouse. */
  hasForklift?: boolean;
  hasDock?: boolean;
}

/** A pair a user declined (or gave back): not offered again while the request's terms are those it turned down. Exactly one of vehicleId / listingId is expected. */
export interface ExcludedPair {
  requestId: string;
  vehicleId?: string;
  listingId?: string;
}

/**
 * A booked route with stops ahead: the round may offer its carrier new requests on it (an extension, see
 * booked-routes.ts). The truck is `vehicle.location` (its last served stop, or where it stands) from
 * `vehicle.availability[0].start` until that window's end.
 */
export interface BookedRouteInput {
  routeId: string;
  revision: number;
  /** Stops of the route already served: an extension keeps them as they are. */
  stopsDone: number;
  vehicle: VehicleInput;
  /** Booked requests not yet delivered: what each booked (never more), and whether it is on board. */
  requests: { request: RequestInput; priceKrw: number; onBoard: boolean }[];
  /**
   * Stops ahead, in the carrier's order. A hand-over at the centre (a feeder's CENTRE_DROP, a trunk's CENTRE_PICKUP)
   * keeps its booked time `at`: the feeder may hand over earlier, never later; the trunk loads then.
   */
  stops: { requestId: string; action: 'PICKUP' | 'DROP' | 'CENTRE_DROP' | 'CENTRE_PICKUP'; at?: EpochMs }[];
}

export interface RoundInput {
  centre: CentreInput;
  requests: RequestInput[];
  vehicles: VehicleInput[];
  listings: ListingInput[];
  now: EpochMs;
  excludedPairs?: ExcludedPair[];
  bookedRoutes?: BookedRouteInput[];
}

export interface CostBreakdown {
  baseKrw: number;
  distanceKrw: number;
  storageKrw: number;
  handlingKrw: number;
  /** Extra-stop fees of a route. */
  stopsKrw: number;
  /** Waiting past the free allowance. */
  waitingKrw: number;
}

interface OfferCommon {
  priceKrw: number;
  breakdown: CostBreakdown;
  deadheadKm: number;
  loadedKm: number;
  co2Kg: number;
  expiresAt: EpochMs;
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

/**
 * One stop of a route: a pickup or a drop of one request, or its hand-over at the centre (CENTRE_DROP ends a
 * feeder leg, CENTRE_PICKUP starts a trunk leg), with its schedule and what is on board after it.
 */
export interface RouteStop {
  requestId: string;
  action: 'PICKUP' | 'DROP' | 'CENTRE_DROP' | 'CENTRE_PICKUP';
  location: LatLng;
  arriveAt: EpochMs;
  /** Service (loading or unloading) starts; later than arriveAt when the truck waits for the window. */
  startAt: EpochMs;
  departAt: EpochMs;
  kgAfter: number;
  palletsAfter: number;
}

/** One shipper's part of a route: what it pays and when its goods move. */
export interface RouteShare {
  requestId: string;
  shipperOrgId: string;
  priceKrw: number;
  breakdown: CostBreakdown;
  /** What its cheapest truck of its own would have cost in this round: the weight and a cap of the split. */
  standaloneKrw: number;
  co2Kg: number;
  /** The route's empty and loaded km split in the same proportion as its price. */
  deadheadKm: number;
  loadedKm: number;
  pickupAt: EpochMs;
  deliverAt: EpochMs;
  /** The request carried alone; on its trunk leg only when it goes through the centre (its feeder's is zero). */
  baseline: OfferBaseline;
  /** Set when the share is one leg of a request going through the centre. */
  centreLeg?: 'FEEDER' | 'TRUNK';
}

/**
 * A vehicle's route for one round: its stops in order and one share per request on board. A route of one
 * request is the plain door-to-door trip; of several, a pooled load (혼적). Accepted or declined as a whole.
 */
export interface RouteOffer extends OfferCommon {
  kind: 'ROUTE';
  vehicleId: string;
  stops: RouteStop[];
  shares: RouteShare[];
  /** When the truck leaves its position, and finishes its last drop. */
  startAt: EpochMs;
  endAt: EpochMs;
  /** Most weight and pallets on board at once. */
  peakKg: number;
  peakPallets: number;
  /** Σ kg × km and pallets × km on board, for load factors weighted by distance. */
  kgKm: number;
  palletKm: number;
  /**
   * An extension of a booked route: `stops` are the route's whole new list ahead (booked and new), `shares` and
   * the price the joining shippers' only (what the route costs more); booked shippers keep their price.
   */
  extends?: { routeId: string; revision: number; stopsDone: number };
}

export type Offer = RouteOffer | StorageOffer;

export interface RoundReport {
  requestsConsidered: number;
  servedCount: number;
  /** Each request considered and not served, with why (unserved.ts). */
  unserved: UnservedRequest[];
  /** Routes offered, and those among them carrying several shippers' goods (pooled, 혼적). */
  routes: number;
  /** Of those, extensions of booked routes (no new trip: new stops on a truck already out). */
  extensions: number;
  pooledRoutes: number;
  /** Requests travelling on a pooled route. */
  pooledRequests: number;
  /** Requests going through the centre (a feeder and a trunk leg). */
  centreRequests: number;
  /** Served requests per route, and stops per route. */
  requestsPerTrip: number;
  stopsPerRoute: number;
  /** Load factors, %: at each route's peak (mean over routes) and weighted by km (Σ load·km / Σ capacity·km). */
  loadFactorKgPeakPct: number;
  loadFactorPalletsPeakPct: number;
  loadFactorKgKmPct: number;
  loadFactorPalletsKmPct: number;
  /** Cost of the exact one-request-per-truck assignment of the same round (the search's warm start). */
  assignmentCostKrw: number;
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
