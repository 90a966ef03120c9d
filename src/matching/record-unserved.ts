import { and, eq, inArray, or } from 'drizzle-orm';
import { awaitsTrunk } from '../market/awaiting-trunk';
import type { Tx } from '../../db/transaction';
import { shipmentRequests, type UnmatchedReason } from '../../db/schema';
import type { UnservedRequest } from './engine';
import { asRead, type RoundRead } from './round-input';
import { idList } from '../../db/prepared';
import { inJson } from '../../db/sql';

/**
 * Tells each request the round considered and did not offer why (`ShipmentRequest.unmatched`), inside the round's
 * write transaction, one update per reason (a request awaiting a trunk too: its goods wait at the centre). A request
 * that left OPEN meanwhile keeps what it had, and so does one whose shipper changed it since the round read it
 * (updated_at no longer as read, as recordOffers checks): the reason was the old terms', and the change cleared it.
 * An offer clears it (markOffered, recordOffers).
 */
export async function recordUnserved(tx: Tx, input: Pick<RoundRead, 'updatedAtRead'>, unserved: readonly UnservedRequest[], at: Date): Promise<void> {
  if (unserved.length === 0) return;
  const ids = unserved.map((u) => Number(u.requestId));
  const changed = new Set(
    (await tx.select({ id: shipmentRequests.id, updatedAt: shipmentRequests.updatedAt }).from(shipmentRequests).where(and(inJson(shipmentRequests.id, idList(ids)), eq(shipmentRequests.status, 'OPEN'))).all())
      .filter((r) => !asRead(input, r))
      .map((r) => r.id),
  );
  const idsBy = new Map<UnmatchedReason, number[]>();
  for (const { requestId, reason } of unserved) if (!changed.has(Number(requestId))) idsBy.set(reason, [...(idsBy.get(reason) ?? []), Number(requestId)]);
  for (const [reason, ids] of idsBy) {
    await tx.update(shipmentRequests).set({ unmatchedReason: reason, unmatchedAt: at }).where(and(inArray(shipmentRequests.id, ids), or(eq(shipmentRequests.status, 'OPEN'), awaitsTrunk(tx)))).run();
  }
}
