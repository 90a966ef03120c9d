import { and, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { bookings, HOLDING_BOOKING_STATUSES, offers, shipmentRequests } from '../../db/schema';
import { REQUEST_TRANSITIONS } from './transitions';

/**
 * The OFFERED requests of `requestIds` that still have a PENDING offer but can no longer be booked whole: a transport
 * leg their round offered (the whole way, or a leg through the centre) has neither a booking nor a pending offer
 * left, or their booked and pending storage holds fewer pallets than they store. The round that offered them made
 * each offer for the others (a route drops the goods at the warehouses offered with it, a leg hands them over to the
 * other): their pending offers can only wait to be refused or to expire. Call inside the transaction that ended an
 * offer of theirs.
 */
export async function strandedRequests(tx: Tx, requestIds: readonly number[]): Promise<number[]> {
  if (requestIds.length === 0) return [];
  const offered = await tx
    .select({ id: shipmentRequests.id, storagePallets: shipmentRequests.storagePallets })
    .from(shipmentRequests)
    .where(and(inArray(shipmentRequests.id, [...requestIds]), inArray(shipmentRequests.status, REQUEST_TRANSITIONS.release.from)))
    .all();
  if (offered.length === 0) return [];
  const ids = offered.map((r) => r.id);
  const made = await tx
    .select({ requestId: offers.requestId, roundId: offers.roundId, kind: offers.kind, status: offers.status, centreLeg: offers.centreLeg, storagePallets: offers.storagePallets })
    .from(offers)
    .where(inArray(offers.requestId, ids))
    .all();
  const held = await tx
    .select({ requestId: bookings.requestId, kind: bookings.kind, centreLeg: bookings.centreLeg, pallets: bookings.pallets })
    .from(bookings)
    .where(and(inArray(bookings.requestId, ids), inArray(bookings.status, HOLDING_BOOKING_STATUSES)))
    .all();
  return offered
    .filter((request) => {
      const own = made.filter((o) => o.requestId === request.id);
      const pending = own.filter((o) => o.status === 'PENDING');
      if (pending.length === 0) return false; // released as it is
      // Its offers come from one round (a request is offered again only once back OPEN): the latest one's legs are its legs.
      const round = Math.max(...own.map((o) => o.roundId));
      const legs = new Set(own.filter((o) => o.roundId === round && o.kind !== 'STORAGE').map((o) => o.centreLeg));
      const mine = held.filter((b) => b.requestId === request.id);
      const covered = (leg: (typeof own)[number]['centreLeg']) =>
        mine.some((b) => b.kind !== 'STORAGE' && b.centreLeg === leg) || pending.some((o) => o.kind !== 'STORAGE' && o.centreLeg === leg);
      if (![...legs].every(covered)) return true;
      if (!request.storagePallets) return false;
      const storable = mine.filter((b) => b.kind === 'STORAGE').reduce((n, b) => n + b.pallets, 0) + pending.filter((o) => o.kind === 'STORAGE').reduce((n, o) => n + (o.storagePallets ?? 0), 0);
      return storable < request.storagePallets;
    })
    .map((r) => r.id);
}

