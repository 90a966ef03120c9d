import { cellToLatLng, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { columnSubsets, rowDecoder, type ColumnSet } from '../../db/prepared';
import { shipmentRequests, type CargoClass, type LoadingMethod } from '../../db/schema';
import type { Viewer } from '../context';
import { haversineKm, type LatLng } from '../geo/distance';
import { localEdgeKm, type StoredResolution } from '../geo/h3';
import type { NearInput } from '../geo/near';
import type { OriginReach } from './request-context';
import type { ShipmentRequestRecord } from './request-record';

/**
 * Carriers see where a load is only this coarsely before booking: res 7 (~1 km edge, ~3.7 km² in Korea)
 * for the origin, enough to plan the empty run but not to find the gate; res 5 (~8 km edge, a city
 * district) for the destination, enough to judge the trip.
 */
export const OPEN_LOAD_ORIGIN_RESOLUTION = 7 satisfies StoredResolution;
export const OPEN_LOAD_DESTINATION_RESOLUTION = 5;

/** An H3 cell standing for a place that must not be disclosed exactly. */
export interface AreaRecord {
  cell: string;
  resolution: number;
  centre: LatLng;
}

/**
 * What the open-load board shows of an OPEN request. Deliberately a separate record with no shipper,
 * contact, notes, price limit or exact address, so that no resolver can reach them.
 */
export interface OpenLoadRecord {
  /** The request's id, for the board's opaque global ID and cursors only. */
  id: number;
  complexId: number;
  originArea: AreaRecord;
  destinationArea: AreaRecord;
  weightKg: number;
  pallets: number;
  cargoClass: CargoClass;
  loadingAtOrigin: LoadingMethod;
  loadingAtDestination: LoadingMethod;
  pickupFrom: Date;
  pickupUntil: Date;
  deliverBy: Date;
  needsStorage: boolean;
}

/** Centres of the areas seen so far: a board search asks for the same few hundred cells on every request. */
const centres = new Map<string, LatLng>();
const MAX_CACHED_CENTRES = 100_000;

export function cellCentre(cell: string): LatLng {
  let centre = centres.get(cell);
  if (!centre) {
    const [lat, lng] = cellToLatLng(cell);
    if (centres.size >= MAX_CACHED_CENTRES) centres.clear();
    centres.set(cell, (centre = { lat, lng }));
  }
  return centre;
}

/**
 * Disks searched so far (pure, like the centres): carriers search again and again from the same few areas. Only
 * neighbourhood-sized ones (k ≤ 10: up to 331 cells, radii up to ~15 km) are kept, at most 1,000 (~13 MB).
 */
const disks = new Map<string, string[]>();
const MAX_CACHED_DISKS = 1_000;
const MAX_CACHED_K = 10;

function diskAround(cell: string, k: number): string[] {
  if (k > MAX_CACHED_K) return gridDisk(cell, k);
  const key = `${cell}:${k}`;
  let disk = disks.get(key);
  if (!disk) {
    if (disks.size >= MAX_CACHED_DISKS) disks.clear();
    disks.set(key, (disk = gridDisk(cell, k)));
  }
  return disk;
}

/**
 * The origin areas whose centre lies within `near`, with that distance: a board search measures to the area,
 * so the loads in these areas are exactly its hits, found through the index without reading their rows.
 * Such a centre lies within radius + one edge of the centre of the search point's own cell, and a k-ring
 * reaches at least 1.5·k·edge; one ring more allows for edge lengths varying across the disc.
 * Only areas that can hold an origin within `reach` (the complex's, originReach) are kept: each area is a query,
 * and a disc far from the complex (100 km at 0°N 0°E) would otherwise walk thousands of empty ones.
 */
export function areasWithin(near: NearInput, reach: OriginReach): Map<string, number> {
  const areas = new Map<string, number>();
  // A cell's centre lies within one edge of every point of it (a hexagon's corners are one edge out).
  const reachKm = reach.radiusKm + localEdgeKm(reach.centre, OPEN_LOAD_ORIGIN_RESOLUTION);
  if (haversineKm(near, reach.centre) > near.radiusKm + reachKm) return areas;
  const edge = localEdgeKm(near, OPEN_LOAD_ORIGIN_RESOLUTION);
  const k = Math.ceil((near.radiusKm + edge) / (1.5 * edge)) + 1;
  for (const cell of diskAround(latLngToCell(near.lat, near.lng, OPEN_LOAD_ORIGIN_RESOLUTION), k)) {
    const centre = cellCentre(cell);
    const distanceKm = haversineKm(near, centre);
    if (distanceKm <= near.radiusKm && haversineKm(reach.centre, centre) <= reachKm) areas.set(cell, distanceKm);
  }
  return areas;
}

const areaOf = (cell: string, resolution: number): AreaRecord => ({ cell, resolution, centre: cellCentre(cell) });

/** Destination areas seen so far, by fine cell: a page shows the same few destinations again and again. */
const destinationAreas = new Map<string, AreaRecord>();

function destinationArea(fineCell: string): AreaRecord {
  let area = destinationAreas.get(fineCell);
  if (!area) {
    if (destinationAreas.size >= MAX_CACHED_CENTRES) destinationAreas.clear();
    destinationAreas.set(fineCell, (area = areaOf(cellToParent(fineCell, OPEN_LOAD_DESTINATION_RESOLUTION), OPEN_LOAD_DESTINATION_RESOLUTION)));
  }
  return area;
}

/** The board's columns of a request: the origin area is stored (resolution 7 = OPEN_LOAD_ORIGIN_RESOLUTION). */
export const BOARD_COLUMNS = {
  id: shipmentRequests.id,
  complexId: shipmentRequests.complexId,
  originH3R7: shipmentRequests.originH3R7,
  destinationH3R9: shipmentRequests.destinationH3R9,
  weightKg: shipmentRequests.weightKg,
  pallets: shipmentRequests.pallets,
  cargoClass: shipmentRequests.cargoClass,
  loadingAtOrigin: shipmentRequests.loadingAtOrigin,
  loadingAtDestination: shipmentRequests.loadingAtDestination,
  pickupFrom: shipmentRequests.pickupFrom,
  pickupUntil: shipmentRequests.pickupUntil,
  deliverBy: shipmentRequests.deliverBy,
  storagePallets: shipmentRequests.storagePallets,
};
export type BoardRow = Pick<ShipmentRequestRecord, keyof typeof BOARD_COLUMNS>;

/** Decodes a prepared query's `values()` of BOARD_COLUMNS (see rowDecoder). */
export const boardRow = rowDecoder<BoardRow>(BOARD_COLUMNS);

export type BoardKey = keyof BoardRow;
export const BOARD_KEYS = Object.keys(BOARD_COLUMNS) as [BoardKey, ...BoardKey[]];

/** The board columns `keys` (and the id), or all: see columnSubsets. */
export const boardColumns: (keys: readonly BoardKey[] | null | undefined) => ColumnSet<BoardRow> = columnSubsets(BOARD_COLUMNS);

/** The load a row shows; from a row read with some columns only (boardColumns), the fields of the others are undefined. */
export function toOpenLoad(r: BoardRow): OpenLoadRecord {
  return {
    id: r.id,
    complexId: r.complexId,
    originArea: r.originH3R7 === undefined ? (undefined as never) : areaOf(r.originH3R7, OPEN_LOAD_ORIGIN_RESOLUTION),
    destinationArea: r.destinationH3R9 === undefined ? (undefined as never) : destinationArea(r.destinationH3R9),
    weightKg: r.weightKg,
    pallets: r.pallets,
    cargoClass: r.cargoClass,
    loadingAtOrigin: r.loadingAtOrigin,
    loadingAtDestination: r.loadingAtDestination,
    pickupFrom: r.pickupFrom,
    pickupUntil: r.pickupUntil,
    deliverBy: r.deliverBy,
    needsStorage: r.storagePallets === undefined ? (undefined as never) : r.storagePallets !== null,
  };
}

/** Who may read a complex's board: its carriers and operators, and admins. */
export function canReadBoard(viewer: Viewer, complexId: number): boolean {
  if (viewer.role === 'ADMIN') return true;
  return (viewer.role === 'CARRIER' || viewer.role === 'OPERATOR') && viewer.complexId === complexId;
}
