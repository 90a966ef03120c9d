import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import type { OfferRecord } from '../matching/offer-record';

/**
 * CARRIER or WAREHOUSE_OWNER: offers matching rounds make to the caller, as they are written.
 * @throws UnauthenticatedError or ForbiddenError before any event is awaited.
 */
export function subscribeOffersReceived({ ctx, input }: { ctx: Context; input: { signal?: AbortSignal } }): AsyncIterable<OfferRecord> {
  const viewer = requireRole(ctx, 'CARRIER', 'WAREHOUSE_OWNER');
  const events = ctx.pubsub.subscribe('offerReceived', input.signal);
  return (async function* () {
    for await (const { offer } of events) if (offer.supplierOrgId === viewer.organisationId) yield offer;
  })();
}
