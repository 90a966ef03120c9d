import { and, eq, gt, lte, or, type SQL } from 'drizzle-orm';
import { offers, type OfferStatus } from '../../db/schema';

export type OfferRecord = typeof offers.$inferSelect;

/** What an offer's price is made of, as the API and the webhooks give it (`CostBreakdown`). */
export const breakdownOf = (o: OfferRecord) => ({ baseKrw: o.baseKrw, distanceKrw: o.distanceKrw, storageKrw: o.storageKrw, handlingKrw: o.handlingKrw, stopsKrw: o.stopsKrw, waitingKrw: o.waitingKrw });

/**
 * An offer's status as of `now`: one still PENDING past its expiry is EXPIRED, as the next round will mark it. Reads
 * do not wait for that round (rounds may be minutes apart, or off): nobody is shown an offer it can no longer accept.
 */
export const offerStatusAt = (o: Pick<OfferRecord, 'status' | 'expiresAt'>, now: Date): OfferStatus => (o.status === 'PENDING' && o.expiresAt <= now ? 'EXPIRED' : o.status);

/** The offers whose status as of `now` is `status` (`offerStatusAt` in SQL). */
export function offerStatusIs(status: OfferStatus, now: Date): SQL | undefined {
  if (status === 'PENDING') return and(eq(offers.status, 'PENDING'), gt(offers.expiresAt, now));
  if (status === 'EXPIRED') return or(eq(offers.status, 'EXPIRED'), and(eq(offers.status, 'PENDING'), lte(offers.expiresAt, now)));
  return eq(offers.status, status);
}
