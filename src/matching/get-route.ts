import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { routes } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import { ROUTE_READERS, routeScope, viewRoutes, type RouteView } from './route-view';

export const GetRouteInput = z.object({ id: z.number().int().positive() });
export type GetRouteInput = z.infer<typeof GetRouteInput>;

/**
 * One route as the caller may see it: whole for its vehicle's carrier, the complex's operators and admins; only
 * its own share for a shipper on it (see RouteView).
 * @throws ForbiddenError for warehouse owners; NotFoundError for an unknown route or one the caller has no part in.
 */
export async function getRoute({ ctx, input }: { ctx: Context; input: GetRouteInput }): Promise<RouteView> {
  const viewer = requireRole(ctx, ...ROUTE_READERS);
  const { id } = parseInput(GetRouteInput, input);
  const route = await ctx.db.select().from(routes).where(and(eq(routes.id, id), routeScope(viewer))).get();
  if (!route) throw new NotFoundError('Route');
  return (await viewRoutes(ctx.db, viewer, [route], ctx.now()))[0]!;
}
