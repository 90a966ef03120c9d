import { and, asc, eq, gt, or } from 'drizzle-orm';
import { z } from 'zod';
import { countRows } from '../../db/queries';
import { CARGO_CLASSES, shipmentRequests } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { ForbiddenError } from '../errors';
import { NearInput } from '../geo/near';
import { isLocalId } from '../global-id';
import { cursorKey, cursorTag, type LocatedConnection, nearOffset, nearPageAt, PageArgs, toConnection, withoutDistance } from '../pagination';
import { parseArgs } from '../validation';
import { expireStaleRequests } from '../market/expire-stale-requests';
import { pickupOverlaps, withPickupRange } from './list-shipment-requests';
import { BOARD_KEYS, boardColumns, canReadBoard, toOpenLoad, type OpenLoadRecord } from './open-load';
import { openLoadsNear } from './open-loads-near';
import { originReach } from './request-context';

export const ListOpenLoadsInput = PageArgs.extend({
  complexCode: ComplexCode,
  filter: withPickupRange({ cargoClass: z.enum(CARGO_CLASSES).nullish(), near: NearInput.nullish() }).nullish(),
  /** With `near`, read only these of each load (and its id): see boardColumns. All when absent. */
  columns: z.array(z.enum(BOARD_KEYS)).nullish(),
});
export type ListOpenLoadsInput = z.input<typeof ListOpenLoadsInput>;

/** A load's pickup time (ms, a real Date) and id. */
const BOARD_CURSOR = /^(\d{1,15})\.(\d+)$/;

/**
 * CARRIER or OPERATOR of the complex, or ADMIN: the complex's OPEN requests as anonymous loads, soonest
 * pickup first. With `near`, loads whose origin AREA centre lies within the radius, nearest first: distances
 * are measured to the area, never to the exact origin, so that repeated searches cannot locate the shipper.
 * @throws ForbiddenError for other roles and other complexes' carriers; NotFoundError for an unknown complex.
 */
export async function listOpenLoads({ ctx, input }: { ctx: Context; input: ListOpenLoadsInput }): Promise<LocatedConnection<OpenLoadRecord>> {
  const viewer = requireRole(ctx, 'CARRIER', 'OPERATOR', 'ADMIN');
  const { complexCode, filter, first, after, columns } = parseArgs(ListOpenLoadsInput, input);
  const complex = getComplex({ ctx, input: { code: complexCode } });
  if (!canReadBoard(viewer, complex.id)) throw new ForbiddenError("Carriers and operators see only their own complex's open loads");
  await expireStaleRequests({ ctx, input: { complexId: complex.id } });
  // Not `columns`: a page's columns follow its selection, which a client may change between pages.
  const tag = cursorTag('openLoadBoard', viewer.organisationId, { complexCode, filter });
  if (filter?.near) {
    const offset = nearOffset(tag, after);
    const { cargoClass, pickupFrom, pickupTo } = filter;
    const { hits, totalCount } = await openLoadsNear(ctx.db, { complexId: complex.id, cargoClass, pickupFrom, pickupTo }, filter.near, originReach(complex), offset, first, boardColumns(columns));
    return nearPageAt(tag, hits, offset, first, totalCount, async (rows) => rows.map(toOpenLoad));
  }
  const where = and(
    eq(shipmentRequests.complexId, complex.id),
    eq(shipmentRequests.status, 'OPEN'),
    filter?.cargoClass ? eq(shipmentRequests.cargoClass, filter.cargoClass) : undefined,
    pickupOverlaps(filter?.pickupFrom, filter?.pickupTo),
  );
  const key = after ? cursorKey(tag, after, BOARD_CURSOR, ([, , id]) => isLocalId(Number(id))) : null;
  const afterKey = key
    ? or(
        gt(shipmentRequests.pickupFrom, new Date(Number(key[1]))),
        and(eq(shipmentRequests.pickupFrom, new Date(Number(key[1]))), gt(shipmentRequests.id, Number(key[2]))),
      )
    : undefined;
  const rows = await ctx.db
    .select()
    .from(shipmentRequests)
    .where(and(where, afterKey))
    .orderBy(asc(shipmentRequests.pickupFrom), asc(shipmentRequests.id))
    .limit(first + 1)
    .all();
  const connection = toConnection(tag, rows.map(toOpenLoad), first, (l) => `${l.pickupFrom.getTime()}.${l.id}`, () => countRows(ctx.db, shipmentRequests, where), key !== null);
  return withoutDistance(connection);
}
