/**
 * H3 candidate index: items are bucketed by their stored cell at whatever resolution a search plan asks for,
 * a search looks up the gridDisk around the query point (sized by src/geo/h3 from the radius and the local
 * edge length), then keeps only items within the radius by great-circle distance.
 */
import { haversineKm, type LatLng } from '../../geo/distance';
import { candidateCells, cellsOf, type CellSet, type StoredResolution } from '../../geo/h3';
import type { Located } from './types';

export interface CandidateHit {
  index: number;
  greatCircleKm: number;
}

/** The cells a search looks up (from candidateCells); compute once to query several indexes. */
export type SearchCells = ReturnType<typeof candidateCells>;

export class CandidateIndex {
  private readonly cells: CellSet[];
  private readonly buckets = new Map<StoredResolution, Map<string, number[]>>();

  constructor(private readonly items: readonly Located[]) {
    this.cells = items.map((item) => item.cells ?? cellsOf(item.location));
  }

  /**
   * Returns every item within `radiusKm` (great circle) of `center`, with its distance (deterministic order).
   * `plan` may pass precomputed candidateCells(center, radiusKm); `accept` skips items before any distance work.
   */
  within(center: LatLng, radiusKm: number, plan: SearchCells = candidateCells(center, radiusKm), accept?: (index: number) => boolean): CandidateHit[] {
    const { res, cells } = plan;
    const bucket = this.bucketsAt(res);
    const hits: CandidateHit[] = [];
    for (const cell of cells) {
      const members = bucket.get(cell);
      if (!members) continue;
      for (const index of members) {
        if (accept && !accept(index)) continue;
        const km = haversineKm(center, this.items[index]!.location);
        if (km <= radiusKm) hits.push({ index, greatCircleKm: km });
      }
    }
    return hits;
  }

  private bucketsAt(res: StoredResolution): Map<string, number[]> {
    let bucket = this.buckets.get(res);
    if (bucket) return bucket;
    bucket = new Map();
    const key = `r${res}` as const;
    this.cells.forEach((set, index) => {
      const cell = set[key];
      const members = bucket!.get(cell);
      if (members) members.push(index);
      else bucket!.set(cell, [index]);
    });
    this.buckets.set(res, bucket);
    return bucket;
  }
}
