import type { Db } from '../../db/client';
import { getTableColumns } from 'drizzle-orm';
import { columnSubsets, idList, inIdList, preparedPerKey, rowDecoder, type ColumnSet } from '../../db/prepared';
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

/** The columns `keys` (and the id), or all: see columnSubsets. */
export const requestColumns: (keys: readonly RequestKey[] | null | undefined) => ColumnSet<ShipmentRequestRecord> = columnSubsets(REQUEST_COLUMNS);

const byIds = preparedPerKey<{ values(params: { ids: string }): unknown[][] }>();

/** The requests with these ids, in the order of `ids` (a page found by a lighter query), with `columns` (all by default). */
export function requestsByIds(db: Db, ids: number[], { key, columns, decode }: ColumnSet<ShipmentRequestRecord> = requestColumns(null)): ShipmentRequestRecord[] {
  if (ids.length === 0) return [];
  const statement = byIds(db, key, () => db.select(columns).from(shipmentRequests).where(inIdList(shipmentRequests.id, 'ids')).prepare());
  const byId = new Map(statement.values({ ids: idList(ids) }).map((raw) => {
    const r = decode(raw);
    return [r.id, r];
  }));
  return ids.map((id) => byId.get(id)!);
}
