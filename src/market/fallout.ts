import type { bookings, offers, RequestStatus } from '../../db/schema';
import type { Publication } from '../pubsub';

/** What a change to the market ended besides itself, whose suppliers are to be told once it commits (falloutEvents). */
export interface Fallout {
  /** Pending offers it withdrew (never one accepted, declined or expired): the supplier is not to accept them. */
  withdrawn: (typeof offers.$inferSelect)[];
  /** Bookings that ended with them: a request's other leg, or one of a request that returned with a load it shared. */
  ended: (typeof bookings.$inferSelect)[];
  /** Requests it returned to the next round (OPEN, no offer left): their shippers are to be told. */
  released: Released[];
}

/** A request back on the market, with its shipper and when. */
export interface Released {
  id: number;
  shipperOrgId: number;
  at: Date;
}

export const noFallout: Fallout = { withdrawn: [], ended: [], released: [] };

export const joinFallout = (...parts: Partial<Fallout>[]): Fallout => ({
  withdrawn: parts.flatMap((p) => p.withdrawn ?? []),
  ended: parts.flatMap((p) => p.ended ?? []),
  released: parts.flatMap((p) => p.released ?? []),
});

/**
 * What tells each supplier of its offers withdrawn (offerWithdrawn) and of its bookings that ended without it
 * (bookingEnded), and each shipper of its request back on the market (shipmentUpdated, OPEN).
 */
export function falloutEvents({ withdrawn, ended, released }: Fallout): Publication[] {
  return [
    ...withdrawn.map((offer): Publication => ['offerWithdrawn', { offer }]),
    ...ended.map((booking): Publication => ['bookingEnded', { booking }]),
    ...released.map((r) => statusUpdate(r, 'OPEN', r.at)),
  ];
}

/** Tells a request's shipper (shipmentUpdated, shipment.updated) that its request is now `status`: offered by a round, back on the market, or expired unserved. */
export function statusUpdate(request: { id: number; shipperOrgId: number }, status: RequestStatus, at: Date): Publication {
  return ['shipmentUpdated', { requestId: request.id, shipperOrgId: request.shipperOrgId, status, at, trackingEvent: null, reason: null }];
}
