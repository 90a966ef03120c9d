import { ValidationError } from '../errors';
import { withinRadius, type NearInput } from '../geo/near';
import { decodeCursor, encodeCursor, toConnection, type Connection } from '../pagination';

/** An edge of a listing or vehicle list: `distanceKm` is set when the list was a `near` search. */
export interface SupplyEdge<T> {
  cursor: string;
  node: T;
  distanceKm: number | null;
}
export type SupplyConnection<T> = Omit<Connection<T>, 'edges'> & { edges: SupplyEdge<T>[] };

const badCursor = () => new ValidationError([{ field: 'input.after', rule: 'must be a cursor returned by this list with the same filter' }]);

/** The id after which a list ordered by id continues. */
export function afterId(after: string | null | undefined): number {
  if (!after) return 0;
  const raw = decodeCursor(after);
  if (!/^\d+$/.test(raw)) throw badCursor();
  return Number(raw);
}

/** A page of rows fetched in id order with `limit first + 1`. */
export function byIdConnection<T extends { id: number }>(rows: T[], first: number, totalCount: number, after: string | null | undefined): SupplyConnection<T> {
  const page = toConnection(rows, first, (row) => row.id, totalCount, !!after);
  return { ...page, edges: page.edges.map((edge) => ({ ...edge, distanceKm: null })) };
}

/** A `near` candidate as the query returns it: `[id, lat, lng]` (arrays, not objects: searches read thousands). */
export type Candidate = [id: number, lat: number, lng: number];

/**
 * A page of a `near` search: keeps the candidates within the radius, orders them by distance (then id,
 * so that equal distances page stably) and cuts the page by position. Near cursors carry that position,
 * since a distance order has no key a client could resume from otherwise.
 */
export function byDistanceConnection<T>(
  candidates: Candidate[],
  near: NearInput,
  first: number,
  after: string | null | undefined,
  load: (ids: number[]) => T[],
): SupplyConnection<T> {
  const hits = withinRadius(candidates, near, ([, lat, lng]) => ({ lat, lng })).sort((a, b) => a.distanceKm - b.distanceKm || a.row[0] - b.row[0]);
  let start = 0;
  if (after) {
    const raw = decodeCursor(after);
    if (!/^near:\d+$/.test(raw)) throw badCursor();
    start = Number(raw.slice(5)) + 1;
  }
  const page = hits.slice(start, start + first);
  const nodes = load(page.map((hit) => hit.row[0]));
  const edges = page.map((hit, i) => ({ cursor: encodeCursor(`near:${start + i}`), node: nodes[i]!, distanceKm: hit.distanceKm }));
  return {
    edges,
    totalCount: hits.length,
    pageInfo: {
      hasNextPage: start + first < hits.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
