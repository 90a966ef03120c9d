import { sql, type SQL } from 'drizzle-orm';
import { bookings, codeOf, TRACKING_EVENT_KIND_CODES, trackingEvents, type CentreLeg } from '../../db/schema';

/**
 * When the booking (the `bookings` row of the query) was delivered, as its carrier reported it: the DELIVERED
 * event's `occurredAt` (a feeder leg's AT_CENTRE, the hand-over that completes it), not when the report came;
 * null before. One look-up by tracking_events_booking.
 */
export function deliveredAt(): SQL<number | null> {
  const feederLeg: CentreLeg = 'FEEDER';
  return sql<number | null>`(select min(${trackingEvents.occurredAt}) from ${trackingEvents}
    where ${trackingEvents.bookingId} = ${bookings.id} and (${trackingEvents.kind} = ${codeOf(TRACKING_EVENT_KIND_CODES, 'DELIVERED')}
      or (${trackingEvents.kind} = ${codeOf(TRACKING_EVENT_KIND_CODES, 'AT_CENTRE')} and ${bookings.centreLeg} = ${feederLeg})))`;
}
