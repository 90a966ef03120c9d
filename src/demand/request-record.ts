import type { Db } from '../../db/client';
import { getTableColumns } from 'drizzle-orm';
import { columnSubsets, idList, inIdList, preparedPerKey, type ColumnSet } from '../../db/prepared';
import { cellCodec, REQUEST_TERMS, shipmentRequests, type RequestTerm } from '../../db/schema';
import { cellToChildren, cellToParent } from 'h3-js';
import { cellsOf, type CellSet, type StoredResolution } from '../geo/h3';
import type { ResolvedEnds } from './request-context';
import type { ShipmentRequestData } from './request-input';

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

/** The terms a shipper sets, as validated. */
export type RequestTerms = Omit<ShipmentRequestData, 'idempotencyKey'>;

/** The columns that hold a request's terms, and all derived from its ends (cells, centre flags): create and update write these. */
export function termColumns(data: RequestTerms, { origin, destination }: ResolvedEnds) {
  return {
    originLat: origin.lat,
    originLng: origin.lng,
    originIsCentre: origin.isCentre,
    ...originCellColumns(cellsOf(origin)),
    destinationLat: destination.lat,
    destinationLng: destination.lng,
    destinationIsCentre: destination.isCentre,
    destinationH3R9: cellsOf(destination).r9,
    weightKg: data.weightKg,
    pallets: data.pallets,
    cargoClass: data.cargoClass,
    loadingAtOrigin: data.loadingAtOrigin,
    loadingAtDestination: data.loadingAtDestination,
    pickupFrom: data.pickupWindow.from,
    pickupUntil: data.pickupWindow.until,
    deliverBy: data.deliverBy,
    storagePallets: data.storage?.pallets ?? null,
    storageDays: data.storage?.days ?? null,
    storageClass: data.storage?.storageClass ?? null,
    storageSplitAllowed: data.storage?.splitAllowed ?? false,
    maxPriceKrw: data.maxPriceKrw,
    notes: data.notes,
  };
}

/** The term each of termColumns' columns holds (a centre flag or a cell is its end's). */
const TERM_OF: Record<keyof ReturnType<typeof termColumns>, RequestTerm> = {
  originLat: 'origin', originLng: 'origin', originIsCentre: 'origin', originH3R7: 'origin', originH3R9: 'origin',
  destinationLat: 'destination', destinationLng: 'destination', destinationIsCentre: 'destination', destinationH3R9: 'destination',
  weightKg: 'weight', pallets: 'pallets', cargoClass: 'cargoClass', loadingAtOrigin: 'loading', loadingAtDestination: 'loading',
  pickupFrom: 'pickupWindow', pickupUntil: 'pickupWindow', deliverBy: 'deliverBy',
  storagePallets: 'storage', storageDays: 'storage', storageClass: 'storage', storageSplitAllowed: 'storage',
  maxPriceKrw: 'maxPrice', notes: 'notes',
};

/** The terms `columns` (termColumns') change of request `r`, in REQUEST_TERMS' order: none, an update sending them changes nothing. */
export function changedTerms(r: ShipmentRequestRecord, columns: ReturnType<typeof termColumns>): RequestTerm[] {
  const changed = new Set<RequestTerm>();
  for (const [key, value] of Object.entries(columns)) {
    const held = r[key as keyof typeof columns];
    if (!(value instanceof Date && held instanceof Date ? value.getTime() === held.getTime() : value === held)) changed.add(TERM_OF[key as keyof typeof columns]);
  }
  return REQUEST_TERMS.filter((term) => changed.has(term));
}

/** A stored request's terms as a shipper sends them (termColumns' inverse): what an update's changes are laid over. */
export function termsOf(r: ShipmentRequestRecord): RequestTerms {
  return {
    origin: r.originIsCentre ? { centre: true } : { centre: false, lat: r.originLat, lng: r.originLng },
    destination: r.destinationIsCentre ? { centre: true } : { centre: false, lat: r.destinationLat, lng: r.destinationLng },
    weightKg: r.weightKg,
    pallets: r.pallets,
    cargoClass: r.cargoClass,
    loadingAtOrigin: r.loadingAtOrigin,
    loadingAtDestination: r.loadingAtDestination,
    pickupWindow: { from: r.pickupFrom, until: r.pickupUntil },
    deliverBy: r.deliverBy,
    storage: r.storagePallets !== null && r.storageDays !== null && r.storageClass !== null ? { pallets: r.storagePallets, days: r.storageDays, storageClass: r.storageClass, splitAllowed: r.storageSplitAllowed } : null,
    maxPriceKrw: r.maxPriceKrw,
    notes: r.notes,
  };
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
