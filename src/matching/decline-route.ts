import { z } from 'zod';
import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { FREE_TEXT, parseInput } from '../validation';
import { declineOffer } from './decline-offer';
import { getRoute } from './get-route';
import type { RouteView } from './route-view';

export const DeclineRouteInput = z.object({
  routeId: z.number().int().positive(),
  reason: z.string().trim().max(500).regex(...FREE_TEXT).nullish(),
});
export type DeclineRouteInput = z.infer<typeof DeclineRouteInput>;

/**
 * CARRIER of the route's vehicle: declines the whole route (declineOffer on its first share declines them all);
 * its requests return to the next round and this vehicle is never offered them again. Declining again returns
 * the declined route.
 * @throws NotFoundError for an unknown route or another carrier's; ConflictError once it was accepted, expired or withdrawn.
 */
export async function declineRoute({ ctx, input }: { ctx: Context; input: DeclineRouteInput }): Promise<RouteView> {
  requireRole(ctx, 'CARRIER');
  const { routeId, reason } = parseInput(DeclineRouteInput, input);
  const route = await getRoute({ ctx, input: { id: routeId } });
  if (route.status === 'DECLINED') return route;
  if (route.status !== 'PENDING') throw new ConflictError(`Route is ${route.status.toLowerCase()} and can no longer be declined`);
  await declineOffer({ ctx, input: { offerId: route.shares[0]!.id, reason } });
  return getRoute({ ctx, input: { id: routeId } });
}
