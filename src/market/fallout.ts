import type { bookings, offers, RequestStatus } from '../../db/schema';
import type { Publication } from '../pubsub';

/** What a change to the market ended besides itself, whose suppliers are to be told once it commits (falloutEvents). */
export interface Fallout {
  /** Pending offers it withdrew (never one accepted, declined or expired): the supplier is not to accept them. */
  withdrawn: (typeof offers.$inferSelect)[];
  /** Bookings that ended with them: a request's other leg, or one of a request that returned with a load it shared. */
  ended: (typeof bookings.$inferSelect)[];
}

export const noFallout: Fallout = { withdrawn: [], ended: [] };

export const joinFallout = (...parts: Fallout[]): Fallout => ({ withdrawn: parts.flatMap((p) => p.withdrawn), ended: parts.flatMap((p) => p.ended) });

/** What tells each supplier of its offers withdrawn (offerWithdrawn) and of its bookings that ended without it (bookingEnded). */
export function falloutEvents({ withdrawn, ended }: Fallout): Publication[] {
  return [...withdrawn.map((offer): Publication => ['offerWithdrawn', { offer }]), ...ended.map((booking): Publication => ['bookingEnded', { booking }])];
}

/** Tells each request's shipper (shipmentUpdated, shipment.updated) that its request is now `status`: a round offered it, or it expired unserved. */
export function statusUpdates(requests: readonly { id: number; shipperOrgId: number }[], status: RequestStatus, at: Date): Publication[] {
  return requests.map((r): Publication => ['shipmentUpdated', { requestId: r.id, shipperOrgId: r.shipperOrgId, status, at, trackingEvent: null, reason: null }]);
}
