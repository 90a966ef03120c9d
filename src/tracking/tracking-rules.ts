import type { CentreLeg, RequestStatus, TrackingEventKind } from '../../db/schema';

interface Step {
  /** Request statuses in which the event may be reported. */
  from: readonly RequestStatus[];
  /** The request's status afterwards; null leaves it as it was. */
  to: RequestStatus | null;
}

/**
 * The order of a shipment: BOOKED → PICKED_UP → (AT_CENTRE → DEPARTED_CENTRE →) IN_TRANSIT → DELIVERED.
 * IN_TRANSIT may repeat (position updates); EXCEPTION may come at any point before delivery and changes nothing.
 */
export const TRACKING_STEPS: Record<TrackingEventKind, Step> = {
  PICKED_UP: { from: ['BOOKED'], to: 'PICKED_UP' },
  AT_CENTRE: { from: ['PICKED_UP', 'IN_TRANSIT'], to: 'AT_CENTRE' },
  DEPARTED_CENTRE: { from: ['AT_CENTRE'], to: 'IN_TRANSIT' },
  IN_TRANSIT: { from: ['PICKED_UP', 'IN_TRANSIT'], to: 'IN_TRANSIT' },
  DELIVERED: { from: ['PICKED_UP', 'IN_TRANSIT'], to: 'DELIVERED' },
  EXCEPTION: { from: ['BOOKED', 'PICKED_UP', 'AT_CENTRE', 'IN_TRANSIT'], to: null },
};

/**
 * Why `kind` may not follow a shipment in `status`, or null when it may. Goods whose destination is the
 * centre itself are delivered there, without departing again.
 */
export function outOfOrder(kind: TrackingEventKind, status: RequestStatus, destinationIsCentre: boolean): string | null {
  const { from } = TRACKING_STEPS[kind];
  if (from.includes(status) || (kind === 'DELIVERED' && status === 'AT_CENTRE' && destinationIsCentre)) return null;
  // A booked leg's request stays OFFERED while its other leg waits on offer: its carrier holds a confirmed booking.
  if (status === 'OFFERED') return `Cannot report ${kind} while the shipment is OFFERED: another leg of it (through the logistics centre, or its storage) is not booked yet`;
  return `Cannot report ${kind} while the shipment is ${status}: it may follow only ${from.join(' or ')}`;
}

/**
 * Why `kind` does not belong to this booking's way, or null when it does: a feeder ends by reporting AT_CENTRE (its
 * goods are handed over), a trunk starts by reporting DEPARTED_CENTRE; a direct booking passes no centre, so only
 * one delivering to the centre reports arriving there (then DELIVERED), and none departs from it (a shipper read
 * AT_CENTRE for goods that never went near it).
 */
export function notThisLeg(kind: TrackingEventKind, leg: CentreLeg | null, destinationIsCentre: boolean): string | null {
  if (leg === 'FEEDER' && (kind === 'DELIVERED' || kind === 'DEPARTED_CENTRE')) return `must not be ${kind}: this booking carries the goods to the logistics centre only; report AT_CENTRE there`;
  if (leg === 'TRUNK' && (kind === 'PICKED_UP' || kind === 'AT_CENTRE')) return `must not be ${kind}: this booking takes the goods on from the logistics centre; report DEPARTED_CENTRE there`;
  if (leg === null && kind === 'DEPARTED_CENTRE') return 'must not be DEPARTED_CENTRE: this booking goes direct, not through the logistics centre (DEPARTED_CENTRE is for a trunk leg leaving it)';
  if (leg === null && kind === 'AT_CENTRE' && !destinationIsCentre) return 'must not be AT_CENTRE: this booking goes direct, not through the logistics centre (AT_CENTRE is for a feeder leg, or a shipment delivered to the centre)';
  return null;
}

/**
 * Why a trunk leg may not report `kind` yet, or null when it may: until it reports DEPARTED_CENTRE the goods are not
 * on it (the feeder carries them, or they wait at the centre), so it is neither on its way with them nor delivers them.
 */
export function notLoadedYet(kind: TrackingEventKind, leg: CentreLeg | null, loaded: boolean): string | null {
  if (leg !== 'TRUNK' || loaded || (kind !== 'IN_TRANSIT' && kind !== 'DELIVERED')) return null;
  return `Cannot report ${kind} before this trunk leg reported DEPARTED_CENTRE: it takes the goods on at the centre first`;
}

/** The event that puts a leg's goods on its truck: a trunk leg takes them on leaving the centre, any other at its pickup. */
export const loadingKind = (leg: CentreLeg | null): TrackingEventKind => (leg === 'TRUNK' ? 'DEPARTED_CENTRE' : 'PICKED_UP');
