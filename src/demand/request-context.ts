import type { ComplexRecord } from '../complexes/complex-record';
import { haversineKm, type LatLng } from '../geo/distance';
import { ValidationError, type FieldIssue } from '../errors';
import { termIssues, type Place, type ShipmentRequestData } from './request-input';
import { DAY_MS } from '../time';
import { fieldPath, type Passed } from '../validation';

/**
 * Origins must lie within the complex's radius plus this margin of its centroid: a tenant's plants and yards
 * around the complex (radii and centroids are approximate, so the margin is generous). Further out, the
 * complex's carriers would drive more than this empty to collect, and the load belongs to another exchange.
 */
export const ORIGIN_MARGIN_KM = 30;

/** A disc around a complex's centroid. */
export interface OriginReach {
  centre: LatLng;
  radiusKm: number;
}

/** The disc every origin of `complex`'s requests lies in (its service region): its centroid, radius + ORIGIN_MARGIN_KM. */
export function originReach(complex: ComplexRecord): OriginReach {
  return { centre: { lat: complex.centroidLat, lng: complex.centroidLng }, radiusKm: complex.radiusKm + ORIGIN_MARGIN_KM };
}

/**
 * A lower bound on any truck's travel time: Korean law limits trucks over 3.5 t to 90 km/h (speed
 * limiters), and no road is shorter than the great circle. A deadline tighter than that is impossible.
 */
export const FASTEST_TRUCK_KMH = 90;

/** Pickups may be posted at most this far ahead: beyond it, no carrier plans its vehicles. */
export const PICKUP_HORIZON_DAYS = 90;

/** The shortest trip a request may ask for: nearer than this, origin and destination are one place, and nobody drives. */
export const MIN_TRIP_KM = 0.1;

/** Allowance for the client's clock running behind ours when it posts "pickup from now". */
export const CLOCK_SKEW_MS = 5 * 60_000;


/** Both ends as points, with whether each is the centre. */
export interface ResolvedEnds {
  origin: LatLng & { isCentre: boolean };
  destination: LatLng & { isCentre: boolean };
}

function resolve(place: Place, complex: ComplexRecord): LatLng & { isCentre: boolean } {
  return place.centre ? { lat: complex.centre.lat, lng: complex.centre.lng, isCentre: true } : { lat: place.lat, lng: place.lng, isCentre: false };
}

/**
 * The rules that depend on the clock and on the caller's complex: pickup not in the past nor beyond the
 * horizon (its whole window), origin inside the complex's service region, a destination that is not the origin, and a deadline that
 * leaves the fastest possible trip. `windowKept`: an update that leaves the pickup window as posted, which may have
 * opened since (a price corrected while the truck may already come is no pickup moved into the past).
 * @throws ValidationError naming every failing field.
 */
export function checkInContext(data: Omit<ShipmentRequestData, 'idempotencyKey'>, complex: ComplexRecord, now: Date, { windowKept = false } = {}): ResolvedEnds {
  const issues = contextIssues(data, complex, now, { windowKept });
  if (issues.length > 0) throw new ValidationError(issues);
  return { origin: resolve(data.origin, complex), destination: resolve(data.destination, complex) };
}

/**
 * What a refused request's fields, each passing its own rule or left out (`Passed`), break besides: the rules between
 * its terms (checked by the schema only when every field passes), then the clock's and the complex's.
 */
export function refusalIssues(data: Passed<ShipmentRequestData>, complex: ComplexRecord, now: Date, options: { windowKept?: boolean } = {}): FieldIssue[] {
  const between = termIssues(data).map(({ path, message }) => ({ field: fieldPath(['input', ...path]), rule: message }));
  return [...between, ...contextIssues(data, complex, now, options)];
}

/** `checkInContext`'s rules over the fields of a request that passed their own (`Passed`): a rule needing a missing one is skipped. */
function contextIssues(data: Passed<ShipmentRequestData>, complex: ComplexRecord, now: Date, { windowKept = false } = {}): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const window = data.pickupWindow;
  const from = window?.from.getTime();
  const horizon = now.getTime() + PICKUP_HORIZON_DAYS * DAY_MS;
  if (window && from !== undefined) {
    if (!windowKept && from < now.getTime() - CLOCK_SKEW_MS) issues.push({ field: 'input.pickupWindow.from', rule: 'must not be in the past' });
    if (from > horizon) issues.push({ field: 'input.pickupWindow.from', rule: `must be within ${PICKUP_HORIZON_DAYS} days from now` });
    // The whole window: one ending years ahead (a mistyped year) would keep the request open, on the board, for years.
    else if (window.until.getTime() > horizon) issues.push({ field: 'input.pickupWindow.until', rule: `must be within ${PICKUP_HORIZON_DAYS} days from now` });
  }
  if (!data.origin) return issues;
  const origin = resolve(data.origin, complex);
  const reach = originReach(complex);
  if (haversineKm(reach.centre, origin) > reach.radiusKm) {
    issues.push({ field: 'input.origin', rule: `must lie within ${reach.radiusKm} km of the ${complex.code} complex's centroid (its service region)` });
  } else if (data.destination) {
    // The trip is measured from the origin: from one outside the region, its issues would follow from that mistake.
    const km = haversineKm(origin, resolve(data.destination, complex));
    if (km < MIN_TRIP_KM) issues.push({ field: 'input.destination', rule: `must lie at least ${MIN_TRIP_KM * 1000} m from the origin` });
    const fastestMs = (km / FASTEST_TRUCK_KMH) * 3_600_000;
    if (from !== undefined && data.deliverBy && data.deliverBy.getTime() < from + fastestMs) {
      issues.push({
        field: 'input.deliverBy',
        rule: `must leave at least ${Math.ceil(fastestMs / 60_000)} min after pickupWindow.from: ${km.toFixed(1)} km at ${FASTEST_TRUCK_KMH} km/h`,
      });
    }
  }
  return issues;
}
