import type { bookings, offers, OfferWithdrawalReason, RequestStatus } from '../../db/schema';
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

/** A request back on the market, with its shipper, when, and why in its shipper's words (RETURN_REASONS). */
export interface Released {
  id: number;
  shipperOrgId: number;
  at: Date;
  reason: string;
}

/**
 * Why requests went back to the next round, as their shippers read it (shipmentUpdated's `reason`, shipment.updated's):
 * the change that withdrew or ended their offers, not the whole cascade (a route's other shares, a request's other leg).
 * "Another request", not "another shipper": a route may pool two loads of one shipper.
 */
export const RETURN_REASONS = {
  partnerCancelled: 'The pooled offer was withdrawn: another request on the route was cancelled',
  partnerChanged: 'The pooled offer was withdrawn: another request on the route was changed',
  partnerExpired: 'The pooled offer was withdrawn: another request on the route expired',
  partnerBooked: 'The pooled offer was withdrawn: another request on the route was booked with another offer',
  listingWithdrawn: 'The offer was withdrawn: the warehouse withdrew the listing it was planned with',
  listingChanged: "The offer was withdrawn: the warehouse changed the listing's place, storage class or hours it was planned with",
  listingShrunk: 'The offer was withdrawn: the warehouse now lists too few idle pallets on days of the stay it was planned for',
  vehicleRetired: 'The offer was withdrawn: the carrier retired the truck it was planned with',
  vehicleRetiredByOperator: "The offer was withdrawn: the complex's operator retired the truck it was planned with",
  vehicleChanged: "The offer was withdrawn: the carrier changed the truck's rate card or capacity it was priced on",
  declined: 'A supplier declined an offer for it',
  expired: 'An offer for it expired unanswered',
  lapsed: "An offer for it lapsed: the truck's route changed or it was booked for other work before the accept",
  listingFull: "An offer for it lapsed: the warehouse's idle pallets were booked for other stays or no longer listed on days of its stay before the accept",
  // A give-back's: the request shared a pooled offer with a request given back (or was itself, with a leg still offered).
  givenBack: 'An offer for it was withdrawn when a booking was given back to the next round',
} as const;
export type ReturnCause = keyof typeof RETURN_REASONS;

/** Why offers were withdrawn, as their suppliers read it: those the change hit (`own`), and the other shares of the pooled routes they took along. */
export interface Withdrawal {
  own: OfferWithdrawalReason;
  partner: OfferWithdrawalReason;
}

/**
 * The withdrawal each change that withdraws offers makes, by its cause as the shippers of the requests it returns read
 * it: a cancel tells those shippers partnerCancelled, and the suppliers REQUEST_CANCELLED (the cancelled request's
 * offers) or PARTNER_CANCELLED (the other shares of its pooled routes).
 */
export const WITHDRAWALS = {
  partnerCancelled: { own: 'REQUEST_CANCELLED', partner: 'PARTNER_CANCELLED' },
  partnerChanged: { own: 'REQUEST_CHANGED', partner: 'PARTNER_CHANGED' },
  partnerExpired: { own: 'REQUEST_EXPIRED', partner: 'PARTNER_EXPIRED' },
  partnerBooked: { own: 'REQUEST_BOOKED_ELSEWHERE', partner: 'PARTNER_BOOKED' },
  givenBack: { own: 'REQUEST_GIVEN_BACK', partner: 'PARTNER_GIVEN_BACK' },
  listingWithdrawn: { own: 'LISTING_WITHDRAWN', partner: 'LISTING_WITHDRAWN' },
  listingChanged: { own: 'LISTING_CHANGED', partner: 'LISTING_CHANGED' },
  listingShrunk: { own: 'LISTING_SHRUNK', partner: 'LISTING_SHRUNK' },
  vehicleRetired: { own: 'VEHICLE_RETIRED', partner: 'VEHICLE_RETIRED' },
  vehicleRetiredByOperator: { own: 'VEHICLE_RETIRED_BY_OPERATOR', partner: 'VEHICLE_RETIRED_BY_OPERATOR' },
  vehicleChanged: { own: 'VEHICLE_CHANGED', partner: 'VEHICLE_CHANGED' },
} as const satisfies Partial<Record<ReturnCause, Withdrawal>>;
export type WithdrawalCause = keyof typeof WITHDRAWALS;

/** The cascade's: a request's pending offers that can no longer book it whole (strandedRequests), and their pooled partners. */
export const STRANDED: Withdrawal = { own: 'OTHER_LEG_LOST', partner: 'PARTNER_LEG_LOST' };

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
    ...released.map((r) => statusUpdate(r, 'OPEN', r.at, r.reason)),
  ];
}

/**
 * Tells a request's shipper (shipmentUpdated, shipment.updated) that its request is now `status`: offered by a round,
 * back on the market (and why), or expired unserved.
 */
export function statusUpdate(request: { id: number; shipperOrgId: number }, status: RequestStatus, at: Date, reason: string | null = null): Publication {
  return ['shipmentUpdated', { requestId: request.id, shipperOrgId: request.shipperOrgId, status, at, trackingEvent: null, reason }];
}
