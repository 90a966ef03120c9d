import { and, desc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { countRows } from '../../db/queries';
import { routes } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { cursorTag, idOfCursor, PageArgs, toConnection, type Connection } from '../pagination';
import { parseArgs } from '../validation';
import { ROUTE_READERS, routeScope, viewRoutes, type RouteView } from './route-view';

export const ListRoutesInput = PageArgs.extend({
  filter: z
    .object({
      complexCode: ComplexCode.nullish(),
      vehicleId: z.number().int().positive().nullish(),
      roundId: z.number().int().positive().nullish(),
    })
    .nullish(),
});
export type ListRoutesInput = z.input<typeof ListRoutesInput>;

/**
 * Routes the caller may see, newest first: its vehicles' (carrier), its complex's (operator), all (admin), those
 * its loads ride on, as its share (shipper); filtered by complex, vehicle or round.
 * @throws NotFoundError for an unknown complex code; ForbiddenError for warehouse owners.
 */
export async function listRoutes({ ctx, input }: { ctx: Context; input: ListRoutesInput }): Promise<Connection<RouteView>> {
  const viewer = requireRole(ctx, ...ROUTE_READERS);
  const { first, after, filter } = parseArgs(ListRoutesInput, input);
  const { complexCode, vehicleId, roundId } = filter ?? {};
  const tag = cursorTag('routes', viewer.organisationId, filter);
  const complexId = complexCode ? getComplex({ ctx, input: { code: complexCode } }).id : null;
  const where = and(routeScope(viewer), complexId ? eq(routes.complexId, complexId) : undefined, vehicleId ? eq(routes.vehicleId, vehicleId) : undefined, roundId ? eq(routes.roundId, roundId) : undefined);
  const rows = await ctx.db
    .select()
    .from(routes)
    .where(and(where, after ? lt(routes.id, idOfCursor(tag, after)) : undefined))
    .orderBy(desc(routes.id))
    .limit(first + 1)
    .all();
  return toConnection(tag, await viewRoutes(ctx.db, viewer, rows, ctx.now()), first, (r) => r.id, () => countRows(ctx.db, routes, where), !!after);
}
