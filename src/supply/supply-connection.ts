import { withinRadius, type NearInput } from '../geo/near';
import { idOfCursor, nearPage, toConnection, withoutDistance, type CursorTag, type LocatedConnection } from '../pagination';

/** The id after which a list ordered by id continues. */
export function afterId(tag: CursorTag, after: string | null | undefined): number {
  return after ? idOfCursor(tag, after) : 0;
}

/** A page of rows fetched in id order with `limit first + 1`; `totalCount` runs only if a client asks for it. */
export function byIdConnection<T extends { id: number }>(tag: CursorTag, rows: T[], first: number, totalCount: () => Promise<number>, after: string | null | undefined): LocatedConnection<T> {
  return withoutDistance(toConnection(tag, rows, first, (row) => row.id, totalCount, !!after));
}

/** A `near` candidate as the query returns it: `[id, lat, lng]` (arrays, not objects: searches read thousands). */
export type Candidate = [id: number, lat: number, lng: number];

/**
 * A page of a `near` search: keeps the candidates within the radius, orders them by distance (then id,
 * so that equal distances page stably) and cuts the page by position. Near cursors carry that position,
 * since a distance order has no key a client could resume from otherwise.
 */
export function byDistanceConnection<T>(
  tag: CursorTag,
  candidates: Candidate[],
  near: NearInput,
  first: number,
  after: string | null | undefined,
  load: (ids: number[]) => Promise<T[]>,
): Promise<LocatedConnection<T>> {
  const hits = withinRadius(candidates, near, ([, lat, lng]) => ({ lat, lng })).sort((a, b) => a.distanceKm - b.distanceKm || a.row[0] - b.row[0]);
  return nearPage(tag, hits, first, after, (rows) => load(rows.map((row) => row[0])));
}
