import { and, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { idList, inIdList, preparedPerDatabase } from '../../db/prepared';
import { offers, shipmentRequests } from '../../db/schema';
import { inFrom, OFFER_TRANSITIONS, REQUEST_TRANSITIONS } from './transitions';

/** `now` bound as epoch ms: drizzle's encoder would not take an update's placeholder. */
const nowParam = sql`${sql.placeholder('now')}`;

/** A booking's status changes, prepared once per database (every accept runs them). */
const statements = preparedPerDatabase((db) => ({
  accept: db.update(offers).set({ status: OFFER_TRANSITIONS.accept.to, respondedAt: nowParam }).where(inIdList(offers.id, 'ids')).returning().prepare(),
  markBooked: db
    .update(shipmentRequests)
    .set({ status: REQUEST_TRANSITIONS.book.to, updatedAt: nowParam })
    .where(and(inIdList(shipmentRequests.id, 'ids'), inFrom(shipmentRequests.status, REQUEST_TRANSITIONS.book)))
    .prepare(),
}));

/** Accepts the offers of a unit being booked (the caller checked each is PENDING), in the caller's transaction on `db`. */
export async function acceptOffers(db: Db, offerIds: readonly number[], now: Date) {
  return await statements(db).accept.all({ ids: idList(offerIds), now: now.getTime() });
}

/** Marks the requests whose every leg is now booked BOOKED, in the caller's transaction on `db`. */
export async function markBooked(db: Db, requestIds: readonly number[], now: Date): Promise<void> {
  if (requestIds.length > 0) await statements(db).markBooked.run({ ids: idList(requestIds), now: now.getTime() });
}
