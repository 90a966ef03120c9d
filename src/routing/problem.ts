/**
 * The routing core's problem: pickup and delivery with time windows, several load dimensions and a
 * heterogeneous fleet. It knows nothing of the marketplace: locations are indices into the distance and
 * travel-time data it is given (a matrix or a function), so a road router or a benchmark file feeds it directly.
 * Times and distances are plain numbers in the caller's units (minutes and km, say); only their consistency matters.
 */

/** Location-to-location data: rows of a square matrix, a row-major flat array, or a function of two indices. */
export type Matrix = ReadonlyArray<ArrayLike<number>> | Float64Array | ((from: number, to: number) => number);

/** One stop of a request: where, when service may start (waiting is allowed), how long it lasts. */
export interface RoutingStop {
  location: number;
  earliest: number;
  latest: number;
  service: number;
}

export interface RoutingRequest {
  pickup: RoutingStop;
  delivery: RoutingStop;
  /** Load per dimension (kg, pallets, …), as many as each vehicle's capacity. */
  demand: readonly number[];
  /** What the load is (e.g. `HAZMAT`, `CHILLED`): matched against other requests' `excludes`. */
  tags?: readonly string[];
  /** Tags that may not be on board at the same time as this load (either side excluding is enough). */
  excludes?: readonly string[];
  /** Tags a vehicle must all have to carry this request (e.g. `REFRIGERATED`). */
  requires?: readonly string[];
  /** Cost of leaving the request unserved; the search serves it only when that is cheaper. */
  unservedPenalty: number;
  /**
   * The most this request may be charged (e.g. what it would pay alone). A route costs at most the sum of its
   * requests' `maxShare`, so its cost can be split without anyone paying more (none: no limit).
   */
  maxShare?: number;
  /**
   * Other ways to serve the request than `pickup` → `delivery` on one vehicle: through a transfer point as two
   * legs on two vehicles, both or neither (alternatives.ts).
   */
  transfers?: readonly RoutingTransfer[];
}

/** One leg of a transfer: a pickup–delivery pair with its own share of what the request may be charged. */
export interface RoutingLeg {
  pickup: RoutingStop;
  delivery: RoutingStop;
  maxShare?: number;
}

/**
 * A request served through a transfer point (e.g. a cross-dock): the feeder brings it there, the trunk takes it on.
 * The windows must keep the hand-over in order on their own (feeder delivery's latest + service + `handover` ≤
 * trunk pickup's earliest, e.g. a fixed trunk departure slot), so each leg keeps the O(1) insertion check.
 */
export interface RoutingTransfer {
  feeder: RoutingLeg;
  trunk: RoutingLeg;
  /** Least time between the feeder's delivery ending and the trunk's pickup starting (handling). */
  handover?: number;
  /** Paid when the request goes this way (e.g. handling fees). */
  cost?: number;
  /** A shared resource (index into the problem's `resources`) and how much of it this way uses. */
  resource?: number;
  amount?: number;
}

export interface RoutingVehicle {
  start: number;
  end: number;
  capacity: readonly number[];
  /** Availability: leaves `start` at or after `earliest`, back at `end` by `latest`. */
  earliest: number;
  latest: number;
  /** Paid once when the vehicle serves anything. */
  fixedCost: number;
  costPerDistance: number;
  /**
   * Paid for every stop beyond a route's first two (one pickup and one delivery), e.g. an extra-stop fee. Stops in
   * a row at the same location are one stop (the truck stops there once).
   */
  costPerStop?: number;
  /** Paid per unit of time waiting for a window at a stop (the route leaves its start just in time for the first). */
  costPerWaiting?: number;
  /**
   * Places the route stops at, counted as for `costPerStop` (stops in a row at one location are one): a trunk
   * loading six loads at one dock and dropping them at six factories stops 7 times, not 12.
   */
  maxStops?: number;
  /** From leaving `start` (just in time for the first stop) to arriving at `end`, waiting included. */
  maxDuration?: number;
  /** Sum of travel times (driving only). */
  maxDriving?: number;
  /**
   * Weighs each unit of distance driven empty (to the first pickup, between a drop and the next pickup) on top
   * of `costPerDistance`, in the objective only: no route's `maxShare` budget counts it (nobody is charged for
   * it), so the search may prefer a plan with fewer empty km at a slightly higher price.
   */
  costPerEmptyDistance?: number;
  /** Equipment and body (e.g. `REFRIGERATED`), matched against requests' `requires`. */
  tags?: readonly string[];
}

export interface RoutingProblem {
  /** Number of locations: indices into `distance` and `travelTime`. */
  locations: number;
  distance: Matrix;
  /** Defaults to `distance`. */
  travelTime?: Matrix;
  requests: readonly RoutingRequest[];
  vehicles: readonly RoutingVehicle[];
  /** Further vehicle/request rule beyond tags (both must allow). */
  mayCarry?: (vehicle: number, request: number) => boolean;
  /** Capacity of each shared resource the requests' transfers draw on (e.g. cross-dock pallets on one day). */
  resources?: readonly number[];
  /** Work already booked: each route's requests stay on its vehicle with their stops in this relative order (locked.ts). */
  locked?: readonly PlanRoute[];
}

export interface PlanStop {
  request: number;
  action: 'pickup' | 'delivery';
  /** For a request served through a transfer: which of its `transfers`, and which leg. */
  transfer?: number;
  leg?: 'feeder' | 'trunk';
}

export interface PlanRoute {
  vehicle: number;
  stops: PlanStop[];
}

/** A solution, and a warm start: routes of the vehicles used; requests in no route are unserved. */
export interface Plan {
  routes: PlanRoute[];
}

/** A problem or plan the core cannot take, naming the field and the rule. */
export class RoutingInputError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'RoutingInputError';
  }
}

/** Reads a `Matrix` as a function; used by the brute-force checker and to fill the compiled tables. */
export function matrixReader(matrix: Matrix, size: number): (from: number, to: number) => number {
  if (typeof matrix === 'function') return matrix;
  if (matrix instanceof Float64Array) return (from, to) => matrix[from * size + to]!;
  return (from, to) => matrix[from]![to]!;
}
