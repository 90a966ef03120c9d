import type { Db } from '../../db/client';
import { getTableColumns } from 'drizzle-orm';
import { idList, inIdList, preparedPerDatabase, rowDecoder } from '../../db/prepared';
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

const byIds = preparedPerDatabase((db) => db.select(REQUEST_COLUMNS).from(shipmentRequests).where(inIdList(shipmentRequests.id, 'ids')).prepare());

/** The requests with these ids, in the order of `ids` (a page found by a lighter query). */
export function requestsByIds(db: Db, ids: number[]): ShipmentRequestRecord[] {
  if (ids.length === 0) return [];
  const byId = new Map(byIds(db).values({ ids: idList(ids) }).map((raw) => {
    const r = requestRow(raw);
    return [r.id, r];
  }));
  return ids.map((id) => byId.get(id)!);
}
