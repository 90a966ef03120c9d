import { eq } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { z } from 'zod';
import { shipmentRequests } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import { cancelRequest } from '../market/cancel-request';
import { falloutEvents } from '../market/fallout';
import { mayTake, REQUEST_TRANSITIONS } from '../market/transitions';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { FREE_TEXT, parseInput } from '../validation';
import { complexCodeOf } from '../complexes/complex-code';
import { recordWebhookEvents } from '../webhooks/record-event';
import { publishAll, type Publication } from '../pubsub';
import { requestActivity } from './activity';
import { getShipmentRequest } from './get-shipment-request';
import type { ShipmentRequestRecord } from './request-record';

export const CANCEL_REASON_MAX_LENGTH = 500;

export const CancelShipmentRequestInput = z.object({
  id: z.number().int().positive(),
  reason: z.string().trim().min(1).max(CANCEL_REASON_MAX_LENGTH).regex(...FREE_TEXT),
});
export type CancelShipmentRequestInput = z.input<typeof CancelShipmentRequestInput>;

/**
 * MANUFACTURER that posted it: cancels a request nobody has collected yet (OPEN, OFFERED or BOOKED), withdrawing
 * its pending offers and ending its bookings, and tells the complex's feed and each supplier whose offer it withdrew
 * (`offerWithdrawn`) or booking it ended (`bookingEnded`). Cancelling again returns the cancelled request unchanged.
 * @throws NotFoundError for an unknown request or another tenant's; ForbiddenError for any role but
 * MANUFACTURER (operators read, they do not cancel); ConflictError once picked up, delivered or expired.
 */
export async function cancelShipmentRequest({ ctx, input }: { ctx: Context; input: CancelShipmentRequestInput }): Promise<ShipmentRequestRecord> {
  requireRole(ctx, 'MANUFACTURER');
  const { id, reason } = parseInput(CancelShipmentRequestInput, input);
  // A manufacturer sees only its own requests; the look-up also applies expiry, so a lapsed request is not cancelled.
  await getShipmentRequest({ ctx, input: { id } });
  const now = ctx.now();
  const { request, events } = await transact(ctx.db, async (tx) => {
    const current = (await tx.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!;
    if (current.status === 'CANCELLED') return { request: current, events: [] };
    if (!mayTake(REQUEST_TRANSITIONS.cancel, current.status)) {
      throw new ConflictError(
        current.status === 'EXPIRED'
          ? 'ShipmentRequest expired (its pickup window passed) and can no longer be cancelled'
          : `ShipmentRequest is ${current.status} and can no longer be cancelled: only requests not yet picked up can`,
      );
    }
    const { cancelled, ...fallout } = await cancelRequest(tx, id, { reason, byOrgId: current.shipperOrgId, now });
    // The operators' feed, and each supplier whose offer was withdrawn or booking ended: its truck or warehouse is not to wait for the goods.
    const told: Publication[] = [
      ['complexActivity', requestActivity(complexCodeOf(ctx, cancelled.complexId), 'REQUEST_CANCELLED', cancelled, now)],
      ...falloutEvents(fallout),
    ];
    await recordWebhookEvents(tx, told, now);
    return { request: cancelled, events: told };
  });
  publishAll(ctx.pubsub, events);
  return request;
}
