import { z } from 'zod';
import { haversineKm, type LatLng } from './distance';
import { candidateCells, type StoredResolution } from './h3';

/** Largest `near` radius: beyond this a search is a region query, not a neighbourhood. */
export const MAX_NEAR_RADIUS_KM = 100;

export const NearInput = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  radiusKm: z.number().positive().max(MAX_NEAR_RADIUS_KM),
});
export type NearInput = z.infer<typeof NearInput>;

/** Where to look: the cells to match against the stored column of resolution `res`. */
export function nearCells(near: NearInput): { res: StoredResolution; cells: string[] } {
  return candidateCells(near, near.radiusKm);
}

/** Keeps the candidates truly within the radius (great-circle), nearest first, with their distance. */
export function withinRadius<T>(rows: T[], near: NearInput, positionOf: (row: T) => LatLng): { row: T; distanceKm: number }[] {
  const hits: { row: T; distanceKm: number }[] = [];
  for (const row of rows) {
    const distanceKm = haversineKm(near, positionOf(row));
    if (distanceKm <= near.radiusKm) hits.push({ row, distanceKm });
  }
  return hits.sort((a, b) => a.distanceKm - b.distanceKm);
}
