import { eq, inArray, type Column, type SQL } from 'drizzle-orm';
import type { BookingStatus, OfferStatus, RequestStatus } from '../../db/schema';

/** One status change: the statuses a row may be in, and the one it moves to. */
export interface Transition<S extends string> {
  from: readonly S[];
  to: S;
}

/**
 * The market's lifecycle before pickup: every status change of a shipment request, an offer and a booking, as data
 * (a shipment's steps from pickup on are src/tracking/tracking-rules.ts). Each function in src/market applies one in
 * the caller's transaction with its `from` in the UPDATE's WHERE, so a row that moved meanwhile keeps its status.
 */
export const REQUEST_TRANSITIONS = {
  /** A round wrote offers for it. */
  offer: { from: ['OPEN'], to: 'OFFERED' },
  /** Every leg of it is booked. */
  book: { from: ['OFFERED'], to: 'BOOKED' },
  /** It has no pending offer left (declined, expired, withdrawn): back to the next round. */
  release: { from: ['OFFERED'], to: 'OPEN' },
  /** Its supplier gave a booking back before pickup: back to the next round. */
  giveBack: { from: ['OFFERED', 'BOOKED'], to: 'OPEN' },
  /**
   * The shipper changed its terms before any supplier agreed to them: back to (or still in) the next round; an OFFERED
   * request whose pending offers all meet the new terms keeps them and its status (amend-request.ts).
   */
  amend: { from: ['OPEN', 'OFFERED'], to: 'OPEN' },
  /** Nobody has collected the goods yet: the shipper may still cancel. */
  cancel: { from: ['OPEN', 'OFFERED', 'BOOKED'], to: 'CANCELLED' },
  /** Its pickup window passed (BOOKED is the carrier's to report on). */
  expire: { from: ['OPEN', 'OFFERED'], to: 'EXPIRED' },
} as const satisfies Record<string, Transition<RequestStatus>>;

export const OFFER_TRANSITIONS = {
  accept: { from: ['PENDING'], to: 'ACCEPTED' },
  decline: { from: ['PENDING'], to: 'DECLINED' },
  /** A rival was accepted, its request was cancelled, expired or given back, its load lost a share, or another offer its request needs fell through. */
  withdraw: { from: ['PENDING'], to: 'WITHDRAWN' },
  /** Unanswered past its expiry, or an extension whose booked route changed. */
  expire: { from: ['PENDING'], to: 'EXPIRED' },
} as const satisfies Record<string, Transition<OfferStatus>>;

export const BOOKING_TRANSITIONS = {
  /** Its request was cancelled, or expired before every leg was booked. */
  cancel: { from: ['CONFIRMED'], to: 'CANCELLED' },
  /** Given back by its supplier, or a sibling leg was declined or expired. */
  giveBack: { from: ['CONFIRMED'], to: 'RETURNED' },
  /** Delivered, or a feeder's goods handed over at the centre. */
  complete: { from: ['CONFIRMED'], to: 'COMPLETED' },
} as const satisfies Record<string, Transition<BookingStatus>>;

/** The WHERE condition of `transition` on `status`: `=` for one status (the SQL as before), `in` for several. */
export function inFrom(status: Column, transition: Transition<string>): SQL {
  return transition.from.length === 1 ? eq(status, transition.from[0]) : inArray(status, transition.from);
}

/** Whether a row in `status` may take `transition`. */
export const mayTake = (transition: Transition<string>, status: string): boolean => transition.from.includes(status);
