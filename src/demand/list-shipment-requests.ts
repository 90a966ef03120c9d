import { and, desc, eq, gte, inArray, lt, lte, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { countRows } from '../../db/queries';
import { CARGO_CLASSES, REQUEST_STATUSES, shipmentRequests } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import type { Viewer } from '../auth/viewer';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { NearInput, nearCells, withinRadius } from '../geo/near';
import { cursorKey, type LocatedConnection, nearPage, PageArgs, toConnection, withoutDistance } from '../pagination';
import { parseArgs } from '../validation';
import { expireStaleRequests } from './expire-stale-requests';
import { ORIGIN_CELL_COLUMN, requestsByIds, type ShipmentRequestRecord } from './request-record';

/** Pickup-time range shared by the request list and the load board: windows overlapping [pickupFrom, pickupTo]. */
export const PickupRangeFilter = z
  .object({ pickupFrom: z.date().nullish(), pickupTo: z.date().nullish() })
  .refine((f) => !f.pickupFrom || !f.pickupTo || f.pickupFrom <= f.pickupTo, { path: ['pickupTo'], message: 'must not be before pickupFrom' });

export const ListShipmentRequestsInput = PageArgs.extend({
  filter: z
    .object({
      complexCode: ComplexCode.nullish(),
      status: z.array(z.enum(REQUEST_STATUSES)).max(REQUEST_STATUSES.length).nullish(),
      cargoClass: z.enum(CARGO_CLASSES).nullish(),
      near: NearInput.nullish(),
    })
    .and(PickupRangeFilter)
    .nullish(),
});
export type ListShipmentRequestsInput = z.input<typeof ListShipmentRequestsInput>;

/** Requests whose pickup window overlaps [from, to]. */
export function pickupOverlaps(from: Date | null | undefined, to: Date | null | undefined): SQL | undefined {
  return and(from ? gte(shipmentRequests.pickupUntil, from) : undefined, to ? lte(shipmentRequests.pickupFrom, to) : undefined);
}

/** Which requests a caller may list: its own (manufacturer), its complex's (operator), all (admin). */
function requestScope(viewer: Viewer): SQL | undefined {
  if (viewer.role === 'ADMIN') return undefined;
  if (viewer.role === 'OPERATOR') return eq(shipmentRequests.complexId, viewer.complexId!);
  return eq(shipmentRequests.shipperOrgId, viewer.organisationId);
}

const ID_CURSOR = /^(\d+)$/;

/**
 * MANUFACTURER (its own), OPERATOR (its complex's) or ADMIN (all): shipment requests, filtered, with expiry
 * applied. Newest first; with `near`, those whose origin lies within the radius, nearest first, with their
 * distance (H3 candidate cells, then the exact great-circle test). Carriers use the open-load board instead.
 * @throws ForbiddenError for other roles; NotFoundError for an unknown complexCode; ValidationError for a bad filter or cursor.
 */
export function listShipmentRequests({ ctx, input }: { ctx: Context; input: ListShipmentRequestsInput }): LocatedConnection<ShipmentRequestRecord> {
  const viewer = requireRole(ctx, 'MANUFACTURER', 'OPERATOR', 'ADMIN');
  const { first, after, filter } = parseArgs(ListShipmentRequestsInput, input);
  const complex = filter?.complexCode ? getComplex({ ctx, input: { code: filter.complexCode } }) : null;
  expireStaleRequests({ ctx, input: { complexId: viewer.complexId ?? complex?.id ?? null } });
  const near = filter?.near;
  const candidates = near ? nearCells(near) : null;
  const where = and(
    requestScope(viewer),
    complex ? eq(shipmentRequests.complexId, complex.id) : undefined,
    filter?.status ? inArray(shipmentRequests.status, filter.status) : undefined,
    filter?.cargoClass ? eq(shipmentRequests.cargoClass, filter.cargoClass) : undefined,
    pickupOverlaps(filter?.pickupFrom, filter?.pickupTo),
    candidates ? inArray(ORIGIN_CELL_COLUMN[candidates.res], candidates.cells) : undefined,
  );
  if (near) {
    const origins = ctx.db
      .select({ id: shipmentRequests.id, lat: shipmentRequests.originLat, lng: shipmentRequests.originLng })
      .from(shipmentRequests)
      .where(where)
      .orderBy(shipmentRequests.id)
      .all();
    return nearPage(withinRadius(origins, near, (o) => o), first, after, (page) => requestsByIds(ctx.db, page.map((o) => o.id)));
  }
  const beforeId = after ? Number(cursorKey(after, ID_CURSOR)[1]) : null;
  const rows = ctx.db
    .select()
    .from(shipmentRequests)
    .where(and(where, beforeId ? lt(shipmentRequests.id, beforeId) : undefined))
    .orderBy(desc(shipmentRequests.id))
    .limit(first + 1)
    .all();
  return withoutDistance(toConnection(rows, first, (r) => r.id, () => countRows(ctx.db, shipmentRequests, where), beforeId !== null));
}
