import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { filterEvents, type BookingEndedEvent } from '../pubsub';

/**
 * CARRIER or WAREHOUSE_OWNER: the caller's bookings that end without it, as they end (bookingEndedEvents).
 * @throws UnauthenticatedError or ForbiddenError before any event is awaited.
 */
export function subscribeBookingsEnded({ ctx, input }: { ctx: Context; input: { signal?: AbortSignal } }): AsyncIterable<BookingEndedEvent> {
  const viewer = requireRole(ctx, 'CARRIER', 'WAREHOUSE_OWNER');
  return filterEvents(ctx.pubsub.subscribe('bookingEnded', input.signal), ({ booking }) => booking.supplierOrgId === viewer.organisationId);
}
