import { and, eq, notExists } from 'drizzle-orm';
import { transact } from '../../../db/transaction';
import { z } from 'zod';
import { offers, warehouseListings } from '../../../db/schema';
import { withdrawPendingOffers } from '../../market/withdraw-offers';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { publishAll, type ComplexActivityEvent, type Publication } from '../../pubsub';
import { recordWebhookEvents } from '../../webhooks/record-event';
import { falloutEvents } from '../../market/fallout';
import { ConflictError, NotFoundError } from '../../errors';
import { parseInput } from '../../validation';
import { complexCodeOf } from '../../complexes/complex-code';
import { heldStays } from './held-stays';
import { selectListingsByIds, type ListingRecord } from './listing-record';
import { seoulDay } from './seoul-day';
import { activityId, listingWithdrawnLine } from '../../complexes/activity-lines';

export const WithdrawListingInput = z.object({ listingId: z.number().int().positive() });
export type WithdrawListingInput = z.infer<typeof WithdrawListingInput>;

/**
 * WAREHOUSE_OWNER: takes its own listing off the exchange (status WITHDRAWN), with the storage offers still pending on
 * it (their requests return to the next round, as after a decline). Withdrawing again changes nothing and returns the
 * listing as it is.
 * @throws ForbiddenError for other roles; NotFoundError for an unknown listing or another owner's;
 *   ConflictError while pallets are booked in it from today on.
 */
export async function withdrawListing({ ctx, input }: { ctx: Context; input: WithdrawListingInput }): Promise<ListingRecord> {
  const viewer = requireRole(ctx, 'WAREHOUSE_OWNER');
  const { listingId } = parseInput(WithdrawListingInput, input);
  // One transaction with the webhook outbox row.
  const withdrawn = await transact(ctx.db, async (tx) => {
    // One instant for the check, the row and the line: recent activity tells the withdrawal at the listing's updated_at.
    const now = ctx.now();
    // Checked in the same UPDATE, so no storage booking can slip in between the check and the withdrawal.
    const heldDays = heldStays(tx, listingId, seoulDay(now));
    const row = await tx
      .update(warehouseListings)
      .set({ status: 'WITHDRAWN', updatedAt: now })
      .where(and(eq(warehouseListings.id, listingId), eq(warehouseListings.ownerOrgId, viewer.organisationId), eq(warehouseListings.status, 'ACTIVE'), notExists(heldDays)))
      .returning({ id: warehouseListings.id, complexId: warehouseListings.complexId, totalPallets: warehouseListings.totalPallets, storageClass: warehouseListings.storageClass })
      .get();
    if (!row) return undefined;
    // Space no longer on the exchange is booked no more: an offer of it accepted later would hold a withdrawn listing.
    // A request's other leg, booked by another supplier, goes back with its offer: the suppliers of both are told.
    const fallout = await withdrawPendingOffers(tx, eq(offers.listingId, listingId), now, 'listingWithdrawn');
    const event: ComplexActivityEvent = {
      id: activityId('LISTING_WITHDRAWN', row.id),
      complexCode: complexCodeOf(ctx, row.complexId),
      kind: 'LISTING_WITHDRAWN',
      at: now,
      ...listingWithdrawnLine({ totalPallets: row.totalPallets, storageClass: row.storageClass }),
    };
    const told: Publication[] = [['complexActivity', event], ...falloutEvents(fallout)];
    await recordWebhookEvents(tx, told, event.at);
    return told;
  });
  if (withdrawn) publishAll(ctx.pubsub, withdrawn);
  const [listing] = await selectListingsByIds(ctx, viewer, [listingId]);
  if (!listing) throw new NotFoundError('Warehouse listing');
  if (!withdrawn && listing.status === 'ACTIVE') throw new ConflictError('Pallets are booked in this listing: it can be withdrawn once those stays have ended');
  return listing;
}
