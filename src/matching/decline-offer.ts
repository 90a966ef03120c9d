import { eq } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { z } from 'zod';
import { offers } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { ConflictError, NotFoundError } from '../errors';
import { FREE_TEXT, parseInput } from '../validation';
import { offerStatusAt, type OfferRecord } from './offer-record';
import { declineOffers } from '../market/decline-offers';
import { falloutEvents } from '../market/fallout';
import { publishAll } from '../pubsub';
import { recordWebhookEvents } from '../webhooks/record-event';

export const DeclineOfferInput = z.object({
  offerId: z.number().int().positive(),
  reason: z.string().trim().max(500).regex(...FREE_TEXT).nullish(),
});
export type DeclineOfferInput = z.infer<typeof DeclineOfferInput>;

/**
 * CARRIER or WAREHOUSE_OWNER to whom the offer was made: declines it. The pair is not offered again (until the shipper changes the request);
 * the request returns to the next round when it has no other pending offer. A consolidated load is
 * declined as one unit. Declining again returns the declined offer.
 * @throws NotFoundError for an unknown offer or one made to someone else; ConflictError once it was accepted, expired or withdrawn.
 */
export async function declineOffer({ ctx, input }: { ctx: Context; input: DeclineOfferInput }): Promise<OfferRecord> {
  const viewer = requireRole(ctx, 'CARRIER', 'WAREHOUSE_OWNER');
  const { offerId, reason } = parseInput(DeclineOfferInput, input);
  const { declined, events } = await transact(ctx.db, async (tx) => {
    const offer = await tx.select().from(offers).where(eq(offers.id, offerId)).get();
    if (!offer || offer.supplierOrgId !== viewer.organisationId) throw new NotFoundError('Offer');
    if (offer.status === 'DECLINED') return { declined: offer, events: [] };
    const now = ctx.now();
    // Past its expiry it reads EXPIRED (a round marks it so later): a late no would rewrite that lapse as DECLINED.
    const status = offerStatusAt(offer, now);
    if (status !== 'PENDING') throw new ConflictError(`Offer is ${status.toLowerCase()} and can no longer be declined`);
    const unit = offer.routeId ? eq(offers.routeId, offer.routeId) : eq(offers.id, offer.id);
    // The request's other offers go with it, and its other leg, booked by another supplier: their suppliers are told.
    const told = falloutEvents(await declineOffers(tx, unit, now, reason ?? null));
    await recordWebhookEvents(tx, told, now);
    return { declined: (await tx.select().from(offers).where(eq(offers.id, offerId)).get())!, events: told };
  });
  publishAll(ctx.pubsub, events);
  return declined;
}
