import { and, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { codeOf, OFFER_WITHDRAWAL_REASON_CODES, offers } from '../../db/schema';
import { inFrom, OFFER_TRANSITIONS } from './transitions';
import type { Withdrawal } from './fallout';

/**
 * Marks the PENDING offers matching `which` WITHDRAWN, in the caller's transaction, for `why`: its `own` reason, or
 * `partner` on a share that went only with its load. A consolidated share takes its whole load with it (the load's
 * price split depends on every share). Returns the offers withdrawn: the caller returns
 * their requests to the next round (releaseRequests) and tells their suppliers (falloutEvents).
 */
export async function withdrawUnits(tx: Tx, which: SQL, why: Withdrawal): Promise<(typeof offers.$inferSelect)[]> {
  const pending = inFrom(offers.status, OFFER_TRANSITIONS.withdraw);
  const loads = await tx.selectDistinct({ routeId: offers.routeId }).from(offers).where(and(pending, which, isNotNull(offers.routeId))).all();
  const loadIds = loads.map((o) => o.routeId!);
  return tx
    .update(offers)
    .set({
      status: OFFER_TRANSITIONS.withdraw.to,
      withdrawalReason: sql`case when ${which} then ${codeOf(OFFER_WITHDRAWAL_REASON_CODES, why.own)} else ${codeOf(OFFER_WITHDRAWAL_REASON_CODES, why.partner)} end`,
    })
    .where(and(pending, or(which, loadIds.length > 0 ? inArray(offers.routeId, loadIds) : undefined)))
    .returning()
    .all();
}
