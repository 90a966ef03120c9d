import { and, asc, eq, gt, inArray, or } from 'drizzle-orm';
import { z } from 'zod';
import { countRows } from '../../db/queries';
import { CARGO_CLASSES, shipmentRequests } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import { getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { ForbiddenError } from '../errors';
import { localEdgeKm } from '../geo/h3';
import { NearInput, nearCells, withinRadius } from '../geo/near';
import { cursorKey, type LocatedConnection, nearPage, PageArgs, toConnection, withoutDistance } from '../pagination';
import { parseInput } from '../validation';
import { expireStaleRequests } from './expire-stale-requests';
import { pickupOverlaps, PickupRangeFilter } from './list-shipment-requests';
import { canReadBoard, cellCentre, OPEN_LOAD_ORIGIN_RESOLUTION, toOpenLoad, type OpenLoadRecord } from './open-load';
import { ORIGIN_CELL_COLUMN, requestsByIds } from './request-record';

export const ListOpenLoadsInput = PageArgs.extend({
  complexCode: z.string().min(2).max(40),
  filter: z
    .object({ cargoClass: z.enum(CARGO_CLASSES).nullish(), near: NearInput.nullish() })
    .and(PickupRangeFilter)
    .nullish(),
});
export type ListOpenLoadsInput = z.input<typeof ListOpenLoadsInput>;

const BOARD_CURSOR = /^(\d+)\.(\d+)$/;

/**
 * CARRIER or OPERATOR of the complex, or ADMIN: the complex's OPEN requests as anonymous loads, soonest
 * pickup first. With `near`, loads whose origin AREA centre lies within the radius, nearest first: distances
 * are measured to the area, never to the exact origin, so that repeated searches cannot locate the shipper.
 * @throws ForbiddenError for other roles and other complexes' carriers; NotFoundError for an unknown complex.
 */
export function listOpenLoads({ ctx, input }: { ctx: Context; input: ListOpenLoadsInput }): LocatedConnection<OpenLoadRecord> {
  const viewer = requireRole(ctx, 'CARRIER', 'OPERATOR', 'ADMIN');
  const { complexCode, filter, first, after } = parseInput(ListOpenLoadsInput, input);
  const complex = getComplex({ ctx, input: { code: complexCode } });
  if (!canReadBoard(viewer, complex.id)) throw new ForbiddenError("Carriers and operators see only their own complex's open loads");
  expireStaleRequests({ ctx, input: { complexId: complex.id } });
  const near = filter?.near;
  // An area centre lies within about one res-7 edge of its origin: widen the cell search by twice that.
  const candidates = near ? nearCells({ ...near, radiusKm: near.radiusKm + 2 * localEdgeKm(near, OPEN_LOAD_ORIGIN_RESOLUTION) }) : null;
  const where = and(
    eq(shipmentRequests.complexId, complex.id),
    eq(shipmentRequests.status, 'OPEN'),
    filter?.cargoClass ? eq(shipmentRequests.cargoClass, filter.cargoClass) : undefined,
    pickupOverlaps(filter?.pickupFrom, filter?.pickupTo),
    candidates ? inArray(ORIGIN_CELL_COLUMN[candidates.res], candidates.cells) : undefined,
  );
  if (near) {
    // [id, area cell] arrays, not objects: a search reads every candidate. Loads share few areas: one distance each.
    const areas = ctx.db
      .select({ id: shipmentRequests.id, cell: ORIGIN_CELL_COLUMN[OPEN_LOAD_ORIGIN_RESOLUTION] })
      .from(shipmentRequests)
      .where(where)
      .orderBy(shipmentRequests.id)
      .values() as [id: number, cell: string][];
    const hits = withinRadius(areas, near, ([, cell]) => cellCentre(cell));
    return nearPage(hits, first, after, (page) => requestsByIds(ctx.db, page.map(([id]) => id)).map(toOpenLoad));
  }
  const key = after ? cursorKey(after, BOARD_CURSOR) : null;
  const afterKey = key
    ? or(
        gt(shipmentRequests.pickupFrom, new Date(Number(key[1]))),
        and(eq(shipmentRequests.pickupFrom, new Date(Number(key[1]))), gt(shipmentRequests.id, Number(key[2]))),
      )
    : undefined;
  const rows = ctx.db
    .select()
    .from(shipmentRequests)
    .where(and(where, afterKey))
    .orderBy(asc(shipmentRequests.pickupFrom), asc(shipmentRequests.id))
    .limit(first + 1)
    .all();
  const connection = toConnection(rows.map(toOpenLoad), first, (l) => `${l.pickupFrom.getTime()}.${l.id}`, () => countRows(ctx.db, shipmentRequests, where), key !== null);
  return withoutDistance(connection);
}
