import { cellToLatLng, cellToParent, edgeLength, gridDisk, latLngToCell, originToDirectedEdges, UNITS } from 'h3-js';
import { haversineKm, type LatLng } from './distance';

/**
 * Resolutions at which every located record (vehicle, listing, request end) stores its cell.
 * Res 9 (~0.2 km edge in Korea) is the finest: a point's own cell; res 5 (~8 km) is the coarsest a
 * 25 km search needs. Storing all five lets a search pick the one that keeps the disk small.
 */
export const STORED_RESOLUTIONS = [5, 6, 7, 8, 9] as const;
export type StoredResolution = (typeof STORED_RESOLUTIONS)[number];
export const FINEST_RESOLUTION: StoredResolution = 9;

/** Cells of a point at every stored resolution, keyed `r5`…`r9`. */
export type CellSet = Record<`r${StoredResolution}`, string>;

export function cellsOf(point: LatLng): CellSet {
  const fine = latLngToCell(point.lat, point.lng, FINEST_RESOLUTION);
  return {
    r5: cellToParent(fine, 5),
    r6: cellToParent(fine, 6),
    r7: cellToParent(fine, 7),
    r8: cellToParent(fine, 8),
    r9: fine,
  };
}

const localEdgeCache = new Map<string, number>();

/**
 * Mean edge length (km) of the cell that contains `point` at `res`. H3's published averages are global;
 * near 36°N cells are ~28% smaller, so sizing a search from the global figure would over-fetch.
 */
export function localEdgeKm(point: LatLng, res: number): number {
  const cell = latLngToCell(point.lat, point.lng, res);
  const cached = localEdgeCache.get(cell);
  if (cached !== undefined) return cached;
  const edges = originToDirectedEdges(cell);
  const mean = edges.reduce((sum, e) => sum + edgeLength(e, UNITS.km), 0) / edges.length;
  localEdgeCache.set(cell, mean);
  return mean;
}

export interface SearchPlan {
  res: StoredResolution;
  k: number;
}

/** Largest ring a search may use; past this, a coarser resolution is cheaper to look up. */
const MAX_K = 6;

/**
 * How far a stored point may lie from the centre of its stored cell, in local edge lengths. A point lies
 * within one circumradius (= edge) of its own cell's centre, but stored coarse cells are the hierarchical
 * parents of the point's res-9 cell, and H3 children spill slightly over their parent
 * (1 + 1/√7 + 1/7 + … ≈ 1.6); rounded up for edge-length variation across a disc.
 */
export const STORED_CELL_REACH_IN_EDGES = 1.8;

/**
 * Resolution and ring size for a disk sure to contain the stored cell of every point within `radiusKm`
 * of `center`: such cells' centres lie within radius + reach + one edge (the centre's own cell) of the
 * centre cell's centre, and a k-ring reaches at least 1.5·k·edge in every direction (its narrowest,
 * corner-to-corner width). Picks the finest resolution whose k stays within MAX_K: fewest false
 * candidates for a bounded lookup.
 */
export function searchPlan(center: LatLng, radiusKm: number): SearchPlan {
  for (let i = STORED_RESOLUTIONS.length - 1; i >= 0; i--) {
    const res = STORED_RESOLUTIONS[i]!;
    const edge = localEdgeKm(center, res);
    const k = Math.max(1, Math.ceil((radiusKm + (STORED_CELL_REACH_IN_EDGES + 1) * edge) / (1.5 * edge)));
    if (k <= MAX_K || i === 0) return { res, k };
  }
  throw new Error('unreachable: STORED_RESOLUTIONS is not empty');
}

/** Cells to look up for a search of `radiusKm` around `center`, at the plan's resolution. */
export function candidateCells(center: LatLng, radiusKm: number): { res: StoredResolution; cells: string[] } {
  const { res, k } = searchPlan(center, radiusKm);
  return { res, cells: gridDisk(latLngToCell(center.lat, center.lng, res), k) };
}

/**
 * Service area of a complex: res-7 cells (~1 km edge, ~3.7 km² in Korea) whose centres lie within
 * radius + one edge, so that together they cover the whole disc. Res 7 outlines a 2–5 km complex in 20–120 cells: fine enough to draw and to test membership
 * of a point (via its stored r7 cell), coarse enough to store as one short list per complex.
 */
export const SERVICE_AREA_RESOLUTION = 7;

export function serviceAreaCells(centroid: LatLng, radiusKm: number): string[] {
  const origin = latLngToCell(centroid.lat, centroid.lng, SERVICE_AREA_RESOLUTION);
  const edge = localEdgeKm(centroid, SERVICE_AREA_RESOLUTION);
  const reach = radiusKm + edge;
  return gridDisk(origin, Math.ceil(reach / (1.5 * edge)) + 1).filter((cell) => {
    const [lat, lng] = cellToLatLng(cell);
    return haversineKm(centroid, { lat, lng }) <= reach;
  });
}
