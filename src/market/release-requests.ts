import { and, eq, inArray, notExists } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { offers, shipmentRequests } from '../../db/schema';
import { RETURN_REASONS, STRANDED, type Fallout, type Released, type ReturnCause } from './fallout';
import { endRequestBookings } from './end-request-bookings';
import { END_REASONS } from './end-reasons';
import { strandedRequests } from './stranded-requests';
import { inFrom, REQUEST_TRANSITIONS } from './transitions';
import { withdrawUnits } from './withdraw-units';

/**
 * Returns OFFERED requests that no longer have a PENDING offer to OPEN, so the next round considers
 * them again, releasing any leg of them already booked. A request whose pending offers can no longer book it whole
 * (another leg or its storage declined, withdrawn or expired: strandedRequests) has them withdrawn and returns too,
 * at once rather than when they expire; a load they shared takes its other requests along. `keep`: requests being
 * booked right now, never released. `cause`: what ended their offers, told their shippers (RETURN_REASONS). Call
 * inside the transaction that ended their offers.
 * Returns the offers it withdrew and the bookings it ended, whose suppliers are to be told (falloutEvents).
 */
export async function releaseRequests(tx: Tx, requestIds: readonly number[], now: Date, cause: ReturnCause, keep: readonly number[] = []): Promise<Fallout> {
  const released: Released[] = [];
  const withdrawn: Fallout['withdrawn'] = [];
  const seen = new Set([...requestIds, ...keep]);
  for (let asked = [...new Set(requestIds)].filter((id) => !keep.includes(id)); asked.length > 0; ) {
    released.push(...(await releaseIdle(tx, asked, now, RETURN_REASONS[cause])));
    const stranded = await strandedRequests(tx, asked);
    if (stranded.length === 0) break;
    const units = await withdrawUnits(tx, inArray(offers.requestId, stranded), STRANDED);
    withdrawn.push(...units);
    const touched = units.map((o) => o.requestId).filter((id) => !seen.has(id));
    for (const id of touched) seen.add(id);
    asked = [...stranded, ...new Set(touched)];
  }
  // A request back on the market holds nothing: a leg accepted before another was declined or expired is released.
  const ended = await endRequestBookings(tx, released.map((r) => r.id), { transition: 'giveBack', reason: END_REASONS.legReleased.en, byOrgId: null, now });
  return { withdrawn, ended, released };
}

/** Returns the OFFERED requests of `requestIds` without a PENDING offer to OPEN, for `reason`; returns them. */
async function releaseIdle(tx: Tx, requestIds: number[], now: Date, reason: string): Promise<Released[]> {
  const released = await tx
    .update(shipmentRequests)
    .set({ status: REQUEST_TRANSITIONS.release.to, updatedAt: now })
    .where(
      and(
        inArray(shipmentRequests.id, requestIds),
        inFrom(shipmentRequests.status, REQUEST_TRANSITIONS.release),
        notExists(tx.select({ id: offers.id }).from(offers).where(and(eq(offers.requestId, shipmentRequests.id), eq(offers.status, 'PENDING')))),
      ),
    )
    .returning({ id: shipmentRequests.id, shipperOrgId: shipmentRequests.shipperOrgId })
    .all();
  return released.map((r) => ({ ...r, at: now, reason }));
}
