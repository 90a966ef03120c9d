import type { Db } from '../../db/client';
import { getTableColumns } from 'drizzle-orm';
import { columnSubsets, idList, inIdList, preparedPerKey, type ColumnSet } from '../../db/prepared';
import { cellCodec, shipmentRequests } from '../../db/schema';
import { cellToChildren, cellToParent } from 'h3-js';
import type { CellSet, StoredResolution } from '../geo/h3';

export type ShipmentRequestRecord = typeof shipmentRequests.$inferSelect;

/** The resolutions of a request's stored origin cell (see shipmentRequests.originH3R7), and their columns. */
export const ORIGIN_CELL_COLUMN = {
  7: shipmentRequests.originH3R7,
  9: shipmentRequests.originH3R9,
} as const satisfies Partial<Record<StoredResolution, unknown>>;
export type OriginResolution = keyof typeof ORIGIN_CELL_COLUMN;

const ORIGIN_CELL_CODEC = { 7: cellCodec(7), 9: cellCodec(9) } as const satisfies Record<OriginResolution, unknown>;

/** Origin cells as their column stores them (packed, see cellCodec), as a JSON array for an `inIdList` placeholder: drizzle does not encode a placeholder compared with a column. */
export const originCellList = (res: OriginResolution, cells: readonly string[]): string => JSON.stringify(cells.map(ORIGIN_CELL_CODEC[res].pack));

/** The origin columns of a new request from its point's cells. */
export function originCellColumns(cells: CellSet) {
  return { originH3R7: cells.r7, originH3R9: cells.r9 };
}

/**
 * Candidate cells at a resolution requests store: cells of 8 become their parents at 7 (a coarser disk around the
 * same points: a superset, which the exact distance test then trims); cells of 5 and 6, searches of a radius past
 * ~20 km, their children at 7, which cover them exactly (no index leads with a cell coarser than 7).
 */
export function originCandidates({ res, cells }: { res: StoredResolution; cells: string[] }): { res: OriginResolution; cells: string[] } {
  if (res in ORIGIN_CELL_COLUMN) return { res: res as OriginResolution, cells };
  if (res > 7) return { res: 7, cells: [...new Set(cells.map((c) => cellToParent(c, 7)))] };
  return { res: 7, cells: cells.flatMap((c) => cellToChildren(c, 7)) };
}

/** Every column, by record key. */
export const REQUEST_COLUMNS = getTableColumns(shipmentRequests);

export type RequestKey = keyof ShipmentRequestRecord;
export const REQUEST_KEYS = Object.keys(REQUEST_COLUMNS) as [RequestKey, ...RequestKey[]];

/** The columns `keys` (and the id), or all: see columnSubsets. */
export const requestColumns: (keys: readonly RequestKey[] | null | undefined) => ColumnSet<ShipmentRequestRecord> = columnSubsets(REQUEST_COLUMNS);

const byIds = preparedPerKey<{ values(params: { ids: string }): unknown[][] }>();

/** The requests with these ids, in the order of `ids` (a page found by a lighter query), with `columns` (all by default). */
export async function requestsByIds(db: Db, ids: number[], { key, columns, decode }: ColumnSet<ShipmentRequestRecord> = requestColumns(null)): Promise<ShipmentRequestRecord[]> {
  if (ids.length === 0) return [];
  const statement = byIds(db, key, () => db.select(columns).from(shipmentRequests).where(inIdList(shipmentRequests.id, 'ids')).prepare());
  const byId = new Map((await statement.values({ ids: idList(ids) })).map((raw) => {
    const r = decode(raw);
    return [r.id, r];
  }));
  return ids.map((id) => byId.get(id)!);
}
