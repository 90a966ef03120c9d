import { and, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { bookings, offers, shipmentRequests, type CentreLeg } from '../../db/schema';
import { ConflictError } from '../errors';
import { endRequestBookings } from './end-request-bookings';
import { inFrom, REQUEST_TRANSITIONS } from './transitions';
import { withdrawPendingOffers } from './withdraw-offers';
import type { Fallout } from './fallout';

/**
 * Returns the requests of a booking given back to the next round, before pickup: ends every booking of them with the
 * supplier's reason and withdraws their pending offers. Returns the ended bookings, and the offers withdrawn and the
 * bookings of other requests that returned with a load they shared (`returned`).
 * @throws ConflictError when the goods of any of them were already picked up.
 */
export async function giveBackRequests(tx: Tx, requestIds: number[], { leg, ...end }: { reason: string; byOrgId: number; now: Date; leg: CentreLeg | null }): Promise<{ ended: Booking[]; returned: Fallout }> {
  const { now } = end;
  const returned = await tx
    .update(shipmentRequests)
    .set({ status: REQUEST_TRANSITIONS.giveBack.to, updatedAt: now })
    .where(and(inArray(shipmentRequests.id, requestIds), inFrom(shipmentRequests.status, REQUEST_TRANSITIONS.giveBack)))
    .returning({ id: shipmentRequests.id })
    .all();
  if (returned.length !== new Set(requestIds).size) {
    // A pooled route is given back whole: another shipper's goods on board keep this booking too. A trunk loads at
    // the centre what its feeders picked up: its carrier, with nothing on board yet, is told where the goods are.
    if (leg === 'TRUNK') throw new ConflictError('Goods on this route were already picked up (a trunk leg\'s by its feeder leg, on their way to the logistics centre or there): its bookings can no longer be given back');
    throw new ConflictError(requestIds.length === 1 ? 'The goods were already picked up: the booking can no longer be given back' : 'Goods on this route were already picked up: its bookings can no longer be given back');
  }
  const ended = await endRequestBookings(tx, requestIds, { transition: 'giveBack', ...end });
  return { ended, returned: await withdrawPendingOffers(tx, inArray(offers.requestId, requestIds), now) };
}

type Booking = typeof bookings.$inferSelect;
