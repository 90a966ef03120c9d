import { eq } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { offers } from '../../db/schema';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { expireLapsedOffers } from '../market/expire-offers';
import { publishAll } from '../pubsub';
import { daysWithoutRoom, type Stay } from '../supply/listings/free-space';
import { dayRanges } from '../supply/listings/seoul-day';

/** A storage offer whose stay found no room in its listing (the capacity trigger): lapseFullStay tells on which days. */
export class StayFullError extends ConflictError {
  constructor(
    readonly offerId: number,
    readonly stay: Stay,
    message: string,
  ) {
    super(message);
  }
}

/**
 * After the accepting transaction rolled back on `refused`: lets the storage offer lapse (EXPIRED, its request back to
 * the next round, the truck offered with it withdrawn, a leg of it booked by another supplier given back and that
 * supplier told) in a transaction of its own, if its stay still does not fit in the listing then, as a route whose
 * truck is booked elsewhere lapses: the warehouse can hold it again only once a stay is given back or the owner lists
 * more, so it would otherwise keep its request OFFERED with an offer nobody can book until it expires.
 * @throws ConflictError naming the days the warehouse is full on (or `refused` itself when the stay fits again).
 */
export async function lapseFullStay(ctx: Pick<Context, 'db' | 'pubsub'>, refused: StayFullError, now: Date): Promise<never> {
  const { days, told } = await transact(ctx.db, async (tx) => {
    const days = await daysWithoutRoom(tx, refused.stay);
    if (days.length === 0) throw refused;
    return { days, told: await expireLapsedOffers(tx, eq(offers.id, refused.offerId), now, 'listingFull') };
  });
  publishAll(ctx.pubsub, told);
  throw new ConflictError(
    `The warehouse has no idle pallets left for this stay on ${dayRanges(days)}: other stays booked them, or they are no longer listed: the offer expired and its request returns to the next matching round`,
  );
}
