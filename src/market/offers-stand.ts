import type { offers, RequestTerm, shipmentRequests } from '../../db/schema';
import { seoulDay } from '../supply/listings/seoul-day';

/** What offersStand reads of a pending offer. */
export type StandingOffer = Pick<typeof offers.$inferSelect, 'kind' | 'centreLeg' | 'priceKrw' | 'pickupAt' | 'deliverAt' | 'storageFromDay'>;
/** What offersStand reads of a request's new terms. */
export type StandingTerms = Pick<typeof shipmentRequests.$inferSelect, 'maxPriceKrw' | 'pickupFrom' | 'pickupUntil' | 'deliverBy'>;

/** The terms whose change a pending offer can still meet: every other change (load, ends, cargo, storage, notes) withdraws. */
const CHECKED = ['maxPrice', 'deliverBy', 'pickupWindow'] as const satisfies readonly RequestTerm[];
type Checked = (typeof CHECKED)[number];
const checked = (term: RequestTerm): term is Checked => (CHECKED as readonly RequestTerm[]).includes(term);

/**
 * Whether a request's `pending` offers (every leg and storage part, all of them) still meet its new `terms` after the
 * `changed` ones, as a round would have made them, so that they stand (amendRequest). Conservative: only a changed
 * price limit, delivery deadline or pickup window is checked (the terms unchanged, the offers met when made). The price
 * limit covers all the offers together (a round fits transport within what storage leaves of it, a trunk within what
 * its feeder leaves): alternatives for one leg are summed too, which may withdraw offers one alone would have kept.
 * Notes withdraw: they may carry handling instructions the suppliers priced for, which no column can compare.
 * None pending: false (nothing to keep; the request goes OPEN as any change leaves it).
 */
export function offersStand(pending: readonly StandingOffer[], terms: StandingTerms, changed: readonly RequestTerm[]): boolean {
  if (pending.length === 0 || !changed.every(checked)) return false;
  const meets: Record<Checked, () => boolean> = {
    maxPrice: () => terms.maxPriceKrw === null || pending.reduce((krw, o) => krw + o.priceKrw, 0) <= terms.maxPriceKrw,
    deliverBy: () => pending.every((o) => o.deliverAt === null || o.deliverAt <= terms.deliverBy),
    // A trunk picks up at the centre, after its feeder (which is checked); a stay starts on the window's first day.
    pickupWindow: () =>
      pending.every((o) =>
        o.kind === 'STORAGE'
          ? o.storageFromDay === seoulDay(terms.pickupFrom)
          : o.centreLeg === 'TRUNK' || (o.pickupAt !== null && o.pickupAt >= terms.pickupFrom && o.pickupAt <= terms.pickupUntil),
      ),
  };
  return changed.filter(checked).every((term) => meets[term]());
}
