import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { filterEvents, type OfferReceivedEvent, type OfferWithdrawnEvent } from '../pubsub';

/**
 * CARRIER or WAREHOUSE_OWNER: offers matching rounds make to the caller, as they are written (each event's `offer`).
 * @throws UnauthenticatedError or ForbiddenError before any event is awaited.
 */
export function subscribeOffersReceived({ ctx, input }: { ctx: Context; input: { signal?: AbortSignal } }): AsyncIterable<OfferReceivedEvent> {
  return callersOffers(ctx, 'offerReceived', input.signal);
}

/**
 * CARRIER or WAREHOUSE_OWNER: the caller's pending offers, as they are withdrawn (falloutEvents); not those that expire.
 * @throws UnauthenticatedError or ForbiddenError before any event is awaited.
 */
export function subscribeOffersWithdrawn({ ctx, input }: { ctx: Context; input: { signal?: AbortSignal } }): AsyncIterable<OfferWithdrawnEvent> {
  return callersOffers(ctx, 'offerWithdrawn', input.signal);
}

function callersOffers(ctx: Context, topic: 'offerReceived' | 'offerWithdrawn', signal: AbortSignal | undefined) {
  const viewer = requireRole(ctx, 'CARRIER', 'WAREHOUSE_OWNER');
  return filterEvents(ctx.pubsub.subscribe(topic, signal), ({ offer }) => offer.supplierOrgId === viewer.organisationId);
}
