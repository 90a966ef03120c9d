import type { Db } from '../../db/client';
import { getTableColumns } from 'drizzle-orm';
import { idList, inIdList, preparedPerKey, rowDecoder } from '../../db/prepared';
import { shipmentRequests } from '../../db/schema';
import type { StoredResolution } from '../geo/h3';

export type ShipmentRequestRecord = typeof shipmentRequests.$inferSelect;

/** The stored origin cell column of each resolution, for `nearCells` look-ups. */
export const ORIGIN_CELL_COLUMN = {
  5: shipmentRequests.originH3R5,
  6: shipmentRequests.originH3R6,
  7: shipmentRequests.originH3R7,
  8: shipmentRequests.originH3R8,
  9: shipmentRequests.originH3R9,
} as const satisfies Record<StoredResolution, unknown>;

/** Every column: select these and decode the prepared query's `values()` with requestRow (see rowDecoder). */
export const REQUEST_COLUMNS = getTableColumns(shipmentRequests);
export const requestRow = rowDecoder<ShipmentRequestRecord>(REQUEST_COLUMNS);

export type RequestKey = keyof ShipmentRequestRecord;
export const REQUEST_KEYS = Object.keys(REQUEST_COLUMNS) as [RequestKey, ...RequestKey[]];

/** Some of a request's columns, with their decoder; `key` names the set, for statements prepared per set. */
export interface RequestColumns {
  key: string;
  columns: Partial<typeof REQUEST_COLUMNS>;
  decode: (row: unknown[]) => ShipmentRequestRecord;
}

const columnSets = new Map<string, RequestColumns>();

/**
 * The columns `keys` and the id (every column when `keys` is null), built once per set. A page read for a GraphQL
 * selection reads only what its fields show (graph/selection.ts): better-sqlite3 spends ~0.12 µs a value, and the
 * request list's 34 columns cost three times the 10 a typical page shows. Its records then hold only those keys:
 * the others are undefined, which nothing reading the page looks at.
 */
export function requestColumns(keys: readonly RequestKey[] | null | undefined): RequestColumns {
  const wanted = keys ? REQUEST_KEYS.filter((k) => k === 'id' || keys.includes(k)) : REQUEST_KEYS;
  const key = wanted.join(',');
  let set = columnSets.get(key);
  if (!set) {
    const columns = Object.fromEntries(wanted.map((k) => [k, REQUEST_COLUMNS[k]])) as Partial<typeof REQUEST_COLUMNS>;
    // Sets come from the key enum and clients ask for a few dozen shapes; the full set is REQUEST_KEYS.length long.
    columnSets.set(key, (set = { key, columns, decode: wanted.length === REQUEST_KEYS.length ? requestRow : rowDecoder<ShipmentRequestRecord>(columns as typeof REQUEST_COLUMNS) }));
  }
  return set;
}

const byIds = preparedPerKey<{ values(params: { ids: string }): unknown[][] }>();

/** The requests with these ids, in the order of `ids` (a page found by a lighter query), with `columns` (all by default). */
export function requestsByIds(db: Db, ids: number[], { key, columns, decode }: RequestColumns = requestColumns(null)): ShipmentRequestRecord[] {
  if (ids.length === 0) return [];
  const statement = byIds(db, key, () => db.select(columns).from(shipmentRequests).where(inIdList(shipmentRequests.id, 'ids')).prepare());
  const byId = new Map(statement.values({ ids: idList(ids) }).map((raw) => {
    const r = decode(raw);
    return [r.id, r];
  }));
  return ids.map((id) => byId.get(id)!);
}
