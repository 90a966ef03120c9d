import { and, inArray, isNotNull, or, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { offers } from '../../db/schema';
import { inFrom, OFFER_TRANSITIONS } from './transitions';

/**
 * Marks the PENDING offers matching `which` WITHDRAWN, in the caller's transaction. A consolidated share takes its
 * whole load with it (the load's price split depends on every share). Returns the offers withdrawn: the caller returns
 * their requests to the next round (releaseRequests) and tells their suppliers (falloutEvents).
 */
export async function withdrawUnits(tx: Tx, which: SQL): Promise<(typeof offers.$inferSelect)[]> {
  const pending = inFrom(offers.status, OFFER_TRANSITIONS.withdraw);
  const loads = await tx.selectDistinct({ routeId: offers.routeId }).from(offers).where(and(pending, which, isNotNull(offers.routeId))).all();
  const loadIds = loads.map((o) => o.routeId!);
  return tx
    .update(offers)
    .set({ status: OFFER_TRANSITIONS.withdraw.to })
    .where(and(pending, or(which, loadIds.length > 0 ? inArray(offers.routeId, loadIds) : undefined)))
    .returning()
    .all();
}
