import { requireRole } from '../auth/authorize';
import { filterEvents, type ShipmentUpdatedEvent } from '../pubsub';
import type { Context } from '../context';
import { getShipmentRequest } from '../demand/get-shipment-request';

/**
 * MANUFACTURER: status changes and tracking events of its own shipments, or of one of them.
 * @throws UnauthenticatedError, ForbiddenError, or NotFoundError for a request that is not the caller's, before any event is awaited.
 */
export async function subscribeShipmentUpdates({ ctx, input }: { ctx: Context; input: { requestId?: number | null; signal?: AbortSignal } }): Promise<AsyncIterable<ShipmentUpdatedEvent>> {
  const viewer = requireRole(ctx, 'MANUFACTURER');
  if (input.requestId) await getShipmentRequest({ ctx, input: { id: input.requestId } });
  return filterEvents(
    ctx.pubsub.subscribe('shipmentUpdated', input.signal),
    (event) => event.shipperOrgId === viewer.organisationId && (!input.requestId || event.requestId === input.requestId),
  );
}
