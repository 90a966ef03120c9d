import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { shipmentRequests } from '../../db/schema';
import { inFrom, REQUEST_TRANSITIONS } from './transitions';

/**
 * Marks the requests a round wrote offers for OFFERED, no longer unmatched; one that left OPEN meanwhile (cancelled,
 * expired) keeps its status.
 */
export async function markOffered(tx: Tx, requestIds: readonly number[], now: Date): Promise<void> {
  for (const id of requestIds) {
    await tx.update(shipmentRequests)
      .set({ status: REQUEST_TRANSITIONS.offer.to, updatedAt: now, unmatchedReason: null, unmatchedAt: null })
      .where(and(eq(shipmentRequests.id, id), inFrom(shipmentRequests.status, REQUEST_TRANSITIONS.offer)))
      .run();
  }
}
