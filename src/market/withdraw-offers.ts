import { and, sql, type SQL } from 'drizzle-orm';
import { codeOf, OFFER_KIND_CODES, offers } from '../../db/schema';
import { releaseRequests } from './release-requests';
import { withdrawUnits } from './withdraw-units';
import { inFrom, OFFER_TRANSITIONS } from './transitions';
import type { Tx } from '../../db/transaction';
import { idList, inIdList, preparedPerDatabase } from '../../db/prepared';
import { inJson, notInJson } from '../../db/sql';
import { joinFallout, WITHDRAWALS, type Fallout, type ReturnCause, type WithdrawalCause } from './fallout';

/**
 * Withdraws the PENDING offers matching `which`. A consolidated share takes its whole load with it (the load's
 * price split depends on every share), and requests left without a pending offer return to the next round,
 * except `keep`: requests being booked right now. Their shippers and the offers' suppliers are told why (`cause`,
 * WITHDRAWALS). Returns the offers withdrawn and the bookings that ended with them (a leg of a request that
 * returned), whose suppliers are to be told (falloutEvents).
 */
export async function withdrawPendingOffers(tx: Tx, which: SQL, now: Date, cause: WithdrawalCause, keep: readonly number[] = []): Promise<Fallout> {
  return releaseWithdrawn(tx, await withdrawUnits(tx, which, WITHDRAWALS[cause]), now, cause, keep);
}

/** The offers that competed with an accepted unit for the same legs. */
export interface RivalOffers {
  requestIds: readonly number[];
  /** Storage offers compete only with storage offers, transport offers with transport offers. */
  storage: boolean;
  acceptedIds: readonly number[];
}

const rivalStatements = preparedPerDatabase((db) => {
  const pending = inFrom(offers.status, OFFER_TRANSITIONS.withdraw);
  const rivals = and(
    inIdList(offers.requestId, 'requestIds'),
    sql`(${offers.kind} = ${codeOf(OFFER_KIND_CODES, 'STORAGE')}) = ${sql.placeholder('storage')}`,
    // The other leg of a request through the centre, whose one leg is accepted, is a sibling to book too.
    sql`not exists (select 1 from offers a where ${inJson(sql`a.id`, sql.placeholder('acceptedIds'))}
      and a.request_id = "offers"."request_id" and a.centre_leg is not null and "offers"."centre_leg" is not null and a.centre_leg <> "offers"."centre_leg")`,
    notInJson(offers.id, sql.placeholder('acceptedIds')),
  );
  return {
    withdraw: db.update(offers).set({ status: OFFER_TRANSITIONS.withdraw.to, withdrawalReason: WITHDRAWALS.partnerBooked.own }).where(and(pending, rivals)).returning().prepare(),
    withdrawLoads: db
      .update(offers)
      .set({ status: OFFER_TRANSITIONS.withdraw.to, withdrawalReason: WITHDRAWALS.partnerBooked.partner })
      .where(and(pending, inIdList(offers.routeId, 'loadIds')))
      .returning()
      .prepare(),
  };
});

/**
 * `withdrawPendingOffers` for the rivals of a unit just accepted, with statements prepared once per database
 * (every accept runs it); the rivals' requests, being booked, stay off the market. A rival that is a consolidated
 * share takes the rest of its load with it in a second statement, only then (most rivals travel alone).
 */
export async function withdrawRivalOffers(tx: Tx, rivals: RivalOffers, now: Date): Promise<Fallout> {
  const statements = rivalStatements(tx);
  const withdrawn = await statements.withdraw.all({ requestIds: idList(rivals.requestIds), storage: rivals.storage ? 1 : 0, acceptedIds: idList(rivals.acceptedIds) });
  const loadIds = [...new Set(withdrawn.flatMap((o) => (o.routeId ? [o.routeId] : [])))];
  if (loadIds.length > 0) withdrawn.push(...(await statements.withdrawLoads.all({ loadIds: idList(loadIds) })));
  return releaseWithdrawn(tx, withdrawn, now, 'partnerBooked', rivals.requestIds);
}

async function releaseWithdrawn(tx: Tx, withdrawn: Fallout['withdrawn'], now: Date, cause: ReturnCause, keep: readonly number[]): Promise<Fallout> {
  return joinFallout({ withdrawn, ended: [] }, await releaseRequests(tx, [...new Set(withdrawn.map((o) => o.requestId))], now, cause, keep));
}
