import { z } from 'zod';
import { cellsOf } from '../geo/h3';

/** A WGS-84 point as clients send it; the service region is checked separately (it depends on the caller's complex). */
export const LocationInput = z.object({
  lat: z.number().min(-90, 'must be a latitude between -90 and 90').max(90, 'must be a latitude between -90 and 90'),
  lng: z.number().min(-180, 'must be a longitude between -180 and 180').max(180, 'must be a longitude between -180 and 180'),
});
export type LocationInput = z.infer<typeof LocationInput>;

/** The stored columns of a location: the point and its H3 cells at every stored resolution. */
export function locationColumns(point: LocationInput) {
  const { r5, r6, r7, r8, r9 } = cellsOf(point);
  return { lat: point.lat, lng: point.lng, h3R5: r5, h3R6: r6, h3R7: r7, h3R8: r8, h3R9: r9 };
}
