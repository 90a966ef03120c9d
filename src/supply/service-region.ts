import type { Db } from '../../db/client';
import { selectComplex } from '../complexes/complex-record';
import { haversineKm, type LatLng } from '../geo/distance';
import { IN_KOREA_RULE, inKorea } from '../geo/korea';
import type { FieldIssue } from '../errors';

/**
 * Listings and vehicles are registered within this distance of their complex's centroid: generous enough
 * for a warehouse or a carrier's yard in a neighbouring city (Banwol-Sihwa to Pyeongtaek is ~45 km),
 * tight enough to catch a typo or swapped coordinates that would put a record in another province or the sea.
 */
export const SERVICE_REGION_KM = 150;

/**
 * A vehicle's reported position may be anywhere it can drive to: trucks of any of the seven complexes
 * deliver nationwide, and every point of South Korea (Jeju included) lies within ~450 km of each of them.
 * Beyond this a fix is a GPS or unit error, not a trip.
 */
export const TRAVEL_REGION_KM = 500;

/**
 * The issue to report when `point` (already range-checked) lies further than `reachKm` from the complex, or within it
 * but outside South Korea (the North is 75 km from Banwol-Sihwa, Tsushima 105 km from Changwon), else null.
 */
export function regionIssue(db: Db, complexId: number, point: LatLng, field: string, reachKm = SERVICE_REGION_KM): FieldIssue | null {
  const complex = selectComplex({ db }, { id: complexId });
  if (!complex) throw new Error(`complex ${complexId} of a signed-in organisation does not exist`);
  if (haversineKm({ lat: complex.centroidLat, lng: complex.centroidLng }, point) > reachKm) return { field, rule: `must lie within ${reachKm} km of the complex's centroid` };
  return inKorea(point) ? null : { field, rule: `must lie in ${IN_KOREA_RULE}` };
}
