import { and, eq, inArray, or } from 'drizzle-orm';
import { awaitsTrunk } from '../market/awaiting-trunk';
import type { Tx } from '../../db/transaction';
import { shipmentRequests, type UnmatchedReason } from '../../db/schema';
import type { UnservedRequest } from './engine';

/**
 * Tells each request the round considered and did not offer why (`ShipmentRequest.unmatched`), inside the round's
 * write transaction, one update per reason (a request awaiting a trunk too: its goods wait at the centre). A request
 * that left OPEN meanwhile keeps what it had; an offer clears it (markOffered, recordOffers).
 */
export async function recordUnserved(tx: Tx, unserved: readonly UnservedRequest[], at: Date): Promise<void> {
  const idsBy = new Map<UnmatchedReason, number[]>();
  for (const { requestId, reason } of unserved) idsBy.set(reason, [...(idsBy.get(reason) ?? []), Number(requestId)]);
  for (const [reason, ids] of idsBy) {
    await tx.update(shipmentRequests).set({ unmatchedReason: reason, unmatchedAt: at }).where(and(inArray(shipmentRequests.id, ids), or(eq(shipmentRequests.status, 'OPEN'), awaitsTrunk(tx)))).run();
  }
}
