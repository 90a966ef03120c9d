import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { shipmentRequests } from '../../db/schema';
import { canRead, requireViewer } from '../auth/authorize';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import { expireStaleRequests } from '../market/expire-stale-requests';
import { mayTake, REQUEST_TRANSITIONS } from '../market/transitions';
import type { ShipmentRequestRecord } from './request-record';

export const GetShipmentRequestInput = z.object({ id: z.number().int().positive() });
export type GetShipmentRequestInput = z.infer<typeof GetShipmentRequestInput>;

/** The owner and complex of a request, as the authorisation rules see them. */
const ownership = (r: ShipmentRequestRecord) => ({ ownerOrgId: r.shipperOrgId, complexId: r.complexId });

const isStale = (r: ShipmentRequestRecord, now: Date) => mayTake(REQUEST_TRANSITIONS.expire, r.status) && r.pickupUntil <= now;

/**
 * A shipment request, for its shipper, the operators of its complex and admins, with expiry applied.
 * @throws NotFoundError for an unknown request or one the caller may not see (they look alike).
 */
export async function getShipmentRequest({ ctx, input }: { ctx: Context; input: GetShipmentRequestInput }): Promise<ShipmentRequestRecord> {
  const viewer = requireViewer(ctx);
  const { id } = parseInput(GetShipmentRequestInput, input);
  const read = () => ctx.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get();
  let request = await read();
  if (!request || !canRead(viewer, ownership(request))) throw new NotFoundError('ShipmentRequest');
  if (isStale(request, ctx.now())) {
    await expireStaleRequests({ ctx, input: { complexId: request.complexId } });
    request = (await read())!;
  }
  return request;
}
