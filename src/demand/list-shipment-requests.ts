import { and, count, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { inIdList, literalLimit, preparedPerKey } from '../../db/prepared';
import { CARGO_CLASS_CODES, CARGO_CLASSES, LIVE_REQUEST, LIVE_REQUEST_STATUSES, REQUEST_STATUS_CODES, REQUEST_STATUSES, shipmentRequests } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context, Viewer } from '../context';
import { NearInput, nearCells, withinRadius } from '../geo/near';
import { isLocalId } from '../global-id';
import { cursorKey, cursorTag, type LocatedConnection, nearPage, PageArgs, toConnection, withoutDistance } from '../pagination';
import { parseArgs } from '../validation';
import { expireStaleRequests } from '../market/expire-stale-requests';
import { ORIGIN_CELL_COLUMN, originCandidates, originCellList, REQUEST_KEYS, requestColumns, requestsByIds, type OriginResolution, type ShipmentRequestRecord } from './request-record';

/**
 * A filter with the pickup-time range shared by the request list and the load board: windows overlapping
 * [pickupFrom, pickupTo]. One object, not an intersection: zod merges an intersection's two results on every parse.
 */
export function withPickupRange<S extends z.ZodRawShape>(shape: S) {
  return z
    .object({ ...shape, pickupFrom: z.date().nullish(), pickupTo: z.date().nullish() })
    .refine(pickupRangeInOrder, { path: ['pickupTo'], message: 'must not be before pickupFrom' });
}

function pickupRangeInOrder(filter: unknown): boolean {
  const { pickupFrom, pickupTo } = filter as { pickupFrom?: Date | null; pickupTo?: Date | null };
  return !pickupFrom || !pickupTo || pickupFrom <= pickupTo;
}

export const ListShipmentRequestsInput = PageArgs.extend({
  filter: withPickupRange({
    complexCode: ComplexCode.nullish(),
    status: z.array(z.enum(REQUEST_STATUSES)).max(REQUEST_STATUSES.length).nullish(),
    cargoClass: z.enum(CARGO_CLASSES).nullish(),
    near: NearInput.nullish(),
  }).nullish(),
  /** Read only these of each request (and its id): see requestColumns. All when absent. */
  columns: z.array(z.enum(REQUEST_KEYS)).nullish(),
});
export type ListShipmentRequestsInput = z.input<typeof ListShipmentRequestsInput>;

/** Requests whose pickup window overlaps [from, to]. */
export function pickupOverlaps(from: Date | null | undefined, to: Date | null | undefined): SQL | undefined {
  return and(from ? gte(shipmentRequests.pickupUntil, from) : undefined, to ? lte(shipmentRequests.pickupFrom, to) : undefined);
}

/** Which requests a caller may list: its own (manufacturer), its complex's (operator), all (admin). */
function requestScope(viewer: Viewer): { scope: 'ALL' | 'COMPLEX' | 'SHIPPER'; scopeId: number | null } {
  if (viewer.role === 'ADMIN') return { scope: 'ALL', scopeId: null };
  if (viewer.role === 'OPERATOR') return { scope: 'COMPLEX', scopeId: viewer.complexId! };
  return { scope: 'SHIPPER', scopeId: viewer.organisationId };
}

/** Which conditions a list request has: its statements are prepared once per shape, its values bound. */
interface ListShape {
  scope: 'ALL' | 'COMPLEX' | 'SHIPPER';
  complex: boolean;
  status: boolean;
  /** Every status asked for is live: the list reads the few live rows (requests_complex_live), not the history. */
  live: boolean;
  cargoClass: boolean;
  pickupFrom: boolean;
  pickupTo: boolean;
  /** The resolution of the `near` candidate cells, bound as a JSON array. */
  cells: OriginResolution | null;
  before: boolean;
}

const placeholder = sql.placeholder;

/** The list's conditions, as placeholders. Times are bound as epoch ms: drizzle does not encode a placeholder compared with a column. */
function listWhere(s: ListShape): SQL | undefined {
  return and(
    s.scope === 'COMPLEX' ? eq(shipmentRequests.complexId, placeholder('scopeId')) : s.scope === 'SHIPPER' ? eq(shipmentRequests.shipperOrgId, placeholder('scopeId')) : undefined,
    s.complex ? eq(shipmentRequests.complexId, placeholder('complexId')) : undefined,
    s.status ? inIdList(shipmentRequests.status, 'statuses') : undefined,
    s.live ? LIVE_REQUEST : undefined,
    s.cargoClass ? eq(shipmentRequests.cargoClass, placeholder('cargoClass')) : undefined,
    s.pickupFrom ? gte(shipmentRequests.pickupUntil, sql`${placeholder('pickupFrom')}`) : undefined,
    s.pickupTo ? lte(shipmentRequests.pickupFrom, sql`${placeholder('pickupTo')}`) : undefined,
    s.cells ? inIdList(ORIGIN_CELL_COLUMN[s.cells], 'cells') : undefined,
    s.before ? lt(shipmentRequests.id, placeholder('beforeId')) : undefined,
  );
}

type Params = Record<string, unknown>;
const pageStatements = preparedPerKey<{ values(params: Params): unknown[][] }>();
const originStatements = preparedPerKey<{ all(params: Params): { id: number; lat: number; lng: number }[] }>();
const countStatements = preparedPerKey<{ get(params: Params): { n: number } | undefined }>();

const ID_CURSOR = /^(\d+)$/;

/**
 * MANUFACTURER (its own), OPERATOR (its complex's) or ADMIN (all): shipment requests, filtered, with expiry
 * applied. Newest first; with `near`, those whose origin lies within the radius, nearest first, with their
 * distance (H3 candidate cells, then the exact great-circle test). Carriers use the open-load board instead.
 * With `columns`, the records hold only those keys and the id (see requestColumns).
 * @throws ForbiddenError for other roles; NotFoundError for an unknown complexCode; ValidationError for a bad filter or cursor.
 */
export async function listShipmentRequests({ ctx, input }: { ctx: Context; input: ListShipmentRequestsInput }): Promise<LocatedConnection<ShipmentRequestRecord>> {
  const viewer = requireRole(ctx, 'MANUFACTURER', 'OPERATOR', 'ADMIN');
  const { first, after, filter, columns } = parseArgs(ListShipmentRequestsInput, input);
  const read = requestColumns(columns);
  const complex = filter?.complexCode ? getComplex({ ctx, input: { code: filter.complexCode } }) : null;
  await expireStaleRequests({ ctx, input: { complexId: viewer.complexId ?? complex?.id ?? null } });
  const near = filter?.near;
  const candidates = near ? originCandidates(nearCells(near)) : null;
  // Not `columns`: a page's columns follow its selection, which a client may change between pages.
  const tag = cursorTag('shipmentRequests', viewer.organisationId, filter);
  const beforeId = after && !near ? Number(cursorKey(tag, after, ID_CURSOR, ([, id]) => isLocalId(Number(id)))[1]) : null;
  const { scope, scopeId } = requestScope(viewer);
  const shape: ListShape = {
    scope,
    complex: !!complex,
    status: !!filter?.status,
    live: !!filter?.status?.every((status) => (LIVE_REQUEST_STATUSES as readonly string[]).includes(status)),
    cargoClass: !!filter?.cargoClass,
    pickupFrom: !!filter?.pickupFrom,
    pickupTo: !!filter?.pickupTo,
    cells: candidates?.res ?? null,
    before: beforeId !== null,
  };
  const params: Params = {
    scopeId,
    complexId: complex?.id,
    // Codes, as stored: drizzle does not encode a placeholder compared with a column.
    statuses: filter?.status && JSON.stringify(filter.status.map((status) => REQUEST_STATUS_CODES[status])),
    cargoClass: filter?.cargoClass && CARGO_CLASS_CODES[filter.cargoClass],
    pickupFrom: filter?.pickupFrom?.getTime(),
    pickupTo: filter?.pickupTo?.getTime(),
    cells: candidates && originCellList(candidates.res, candidates.cells),
    beforeId,
  };
  const key = JSON.stringify(shape);
  if (near) {
    const origins = await originStatements(ctx.db, key, () =>
      ctx.db.select({ id: shipmentRequests.id, lat: shipmentRequests.originLat, lng: shipmentRequests.originLng }).from(shipmentRequests).where(listWhere(shape)).orderBy(shipmentRequests.id).prepare(),
    ).all(params);
    return nearPage(tag, withinRadius(origins, near, (o) => o), first, after, (page) => requestsByIds(ctx.db, page.map((o) => o.id), read));
  }
  const raw = await pageStatements(ctx.db, `${key} ${first + 1} ${read.key}`, () =>
    ctx.db.select(read.columns).from(shipmentRequests).where(listWhere(shape)).orderBy(desc(shipmentRequests.id)).limit(literalLimit(first + 1)).prepare(),
  ).values(params);
  const rows = raw.map(read.decode);
  const totalCount = async () => (await countStatements(ctx.db, JSON.stringify({ ...shape, before: false }), () => ctx.db.select({ n: count() }).from(shipmentRequests).where(listWhere({ ...shape, before: false })).prepare()).get(params))!.n;
  return withoutDistance(toConnection(tag, rows, first, (r) => r.id, totalCount, beforeId !== null));
}
