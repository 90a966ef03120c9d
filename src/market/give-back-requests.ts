import { and, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { bookings, offers, shipmentRequests } from '../../db/schema';
import { ConflictError } from '../errors';
import { trunkDeparted, WITH_FEEDER_OR_CENTRE } from './awaiting-trunk';
import { endBookings, endRequestBookings } from './end-request-bookings';
import { inFrom, REQUEST_TRANSITIONS } from './transitions';
import { withdrawPendingOffers } from './withdraw-offers';
import type { Fallout } from './fallout';

/**
 * Gives back the bookings of `unit` (one booking, or the shares of a route not picked up yet). Their requests not yet picked up return
 * to the next round: every booking of them ends with the supplier's reason and their pending offers are withdrawn. A
 * trunk leg whose feeder already picked the goods up, and which has loaded nothing yet, ends alone: its request keeps
 * its status and feeder, and awaits a trunk from the centre in the next rounds (awaiting-trunk.ts). Returns the ended
 * bookings, and the offers withdrawn and the bookings of other requests that returned with a load they shared (`returned`).
 * @throws ConflictError when goods on the unit were already picked up by it (a trunk: loaded at the centre).
 */
export async function giveBackRequests(tx: Tx, unit: Booking[], end: { reason: string; byOrgId: number; now: Date }): Promise<{ ended: Booking[]; returned: Fallout }> {
  const { now } = end;
  const statuses = await tx.select({ id: shipmentRequests.id, status: shipmentRequests.status }).from(shipmentRequests).where(inArray(shipmentRequests.id, unit.map((b) => b.requestId))).all();
  const pastPickup = new Set(statuses.filter((r) => WITH_FEEDER_OR_CENTRE.includes(r.status)).map((r) => r.id));
  const trunks = unit.filter((b) => b.centreLeg === 'TRUNK' && pastPickup.has(b.requestId));
  const requestIds = [...new Set(unit.filter((b) => !trunks.includes(b)).map((b) => b.requestId))];
  const returned = await tx
    .update(shipmentRequests)
    .set({ status: REQUEST_TRANSITIONS.giveBack.to, updatedAt: now })
    .where(and(inArray(shipmentRequests.id, requestIds), inFrom(shipmentRequests.status, REQUEST_TRANSITIONS.giveBack)))
    .returning({ id: shipmentRequests.id })
    .all();
  // The caller leaves out the loads on board (give-back-booking.ts): one picked up since keeps its booking, and so the unit.
  if (returned.length !== requestIds.length) throw new ConflictError(unit.length === 1 ? 'The goods were already picked up: the booking can no longer be given back' : 'Goods on this route were already picked up: its bookings can no longer be given back');
  const given = await endBookings(tx, trunks.map((b) => b.id), { transition: 'giveBack', ...end });
  for (const trunk of given)
    if (await trunkDeparted(tx, trunk.id)) throw new ConflictError('Goods on this route were already loaded at the logistics centre (DEPARTED_CENTRE): its bookings can no longer be given back');
  const ended = [...given, ...(await endRequestBookings(tx, requestIds, { transition: 'giveBack', ...end }))];
  return { ended, returned: await withdrawPendingOffers(tx, inArray(offers.requestId, requestIds), now, 'givenBack') };
}

type Booking = typeof bookings.$inferSelect;
