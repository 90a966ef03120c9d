import { and, inArray } from 'drizzle-orm';
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
  const [route] = await getRoutes({ ctx, input: { ids: [parseInput(GetRouteInput, input).id] } });
  if (route instanceof Error) throw route;
  return route!;
}

/**
 * Routes by id, each as getRoute gives it or the NotFoundError it throws, in the order asked: a page of bookings or
 * offers reads its routes in one go (the route view's queries once, not once per row).
 * @throws ForbiddenError for warehouse owners.
 */
export async function getRoutes({ ctx, input }: { ctx: Context; input: { ids: readonly number[] } }): Promise<(RouteView | NotFoundError)[]> {
  const viewer = requireRole(ctx, ...ROUTE_READERS);
  const found = await ctx.db.select().from(routes).where(and(inArray(routes.id, [...new Set(input.ids)]), routeScope(viewer))).all();
  const viewOf = new Map((await viewRoutes(ctx.db, viewer, found, ctx.now())).map((view) => [view.id, view]));
  return input.ids.map((id) => viewOf.get(id) ?? new NotFoundError('Route'));
}
