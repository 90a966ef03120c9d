import { z } from 'zod';
import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { IdempotencyKey } from '../idempotency';
import { getRoute } from '../matching/get-route';
import type { RouteView } from '../matching/route-view';
import { parseInput } from '../validation';
import type { BookingRecord } from './booking-record';
import { acceptOffer } from './accept-offer';

export const AcceptRouteInput = z.object({
  routeId: z.number().int().positive(),
  idempotencyKey: IdempotencyKey,
});
export type AcceptRouteInput = z.infer<typeof AcceptRouteInput>;

export interface AcceptedRoute {
  route: RouteView;
  /** One per share, all booked in one transaction. */
  bookings: BookingRecord[];
}

/**
 * CARRIER of the route's vehicle: accepts the whole route, booking every share in one transaction or none
 * (acceptOffer on its first share, which books the route as a unit). A retry with the same idempotency key
 * returns the first outcome.
 * @throws NotFoundError for an unknown route or another carrier's; ConflictError when it was declined, expired or
 *   withdrawn (a request on it cancelled or booked elsewhere), was accepted already, or the truck has no room left.
 */
export async function acceptRoute({ ctx, input }: { ctx: Context; input: AcceptRouteInput }): Promise<AcceptedRoute> {
  requireRole(ctx, 'CARRIER');
  const { routeId, idempotencyKey } = parseInput(AcceptRouteInput, input);
  const route = await getRoute({ ctx, input: { id: routeId } });
  // Never accepted, so no retry to answer: say why in the route's terms. Races are refused by acceptOffer itself.
  if (route.status !== 'PENDING' && route.status !== 'ACCEPTED') throw new ConflictError(`Route is ${route.status.toLowerCase()} and can no longer be accepted`);
  try {
    const { bookings } = await acceptOffer({ ctx, input: { offerId: route.shares[0]!.id, idempotencyKey } });
    return { route: await getRoute({ ctx, input: { id: routeId } }), bookings };
  } catch (error) {
    // Accepted before under another key (or meanwhile): refused in the route's terms, not its first share's.
    if (error instanceof ConflictError && (await getRoute({ ctx, input: { id: routeId } })).status === 'ACCEPTED') {
      throw new ConflictError('Route is accepted already: a retry of that accept sends its idempotencyKey again');
    }
    throw error;
  }
}
