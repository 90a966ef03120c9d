import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { filterEvents, type OfferReceivedEvent } from '../pubsub';

/**
 * CARRIER or WAREHOUSE_OWNER: offers matching rounds make to the caller, as they are written (each event's `offer`).
 * @throws UnauthenticatedError or ForbiddenError before any event is awaited.
 */
export function subscribeOffersReceived({ ctx, input }: { ctx: Context; input: { signal?: AbortSignal } }): AsyncIterable<OfferReceivedEvent> {
  const viewer = requireRole(ctx, 'CARRIER', 'WAREHOUSE_OWNER');
  return filterEvents(ctx.pubsub.subscribe('offerReceived', input.signal), ({ offer }) => offer.supplierOrgId === viewer.organisationId);
}
