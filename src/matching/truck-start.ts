import { and, desc, eq, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { bookings, codeOf, HOLDING_BOOKING_CODES, HOLDING_BOOKING_STATUSES, OFFER_KIND_CODES, shipmentRequests, trackingEvents, vehicles } from '../../db/schema';
import { deliveredAt } from '../tracking/delivered-at';
import type { Tx } from '../../db/transaction';
import type { LatLng } from '../geo/distance';

/** Where a booking leaves its truck, and when it is (or was planned to be) there. */
export interface Drop extends LatLng {
  at: Date;
}

/**
 * Where a booking leaves its truck, read beside `bookings` and its `shipment_requests` row: at the centre after a
 * feeder leg (its trunk takes the goods on), at the warehouse when storage is booked, else at the destination.
 */
export function dropOf(centre: LatLng): { lat: SQL<number>; lng: SQL<number> } {
  const at = (column: 'lat' | 'lng') => {
    const warehouse = sql`(select l.${sql.raw(column)} from bookings s join warehouse_listings l on l.id = s.listing_id
      where s.request_id = ${bookings.requestId} and s.kind = ${codeOf(OFFER_KIND_CODES, 'STORAGE')} and s.status in (${HOLDING_BOOKING_CODES}) order by s.id limit 1)`;
    const destination = column === 'lat' ? shipmentRequests.destinationLat : shipmentRequests.destinationLng;
    return sql<number>`case when ${eq(bookings.centreLeg, 'FEEDER')} then ${centre[column]} else coalesce(${warehouse}, ${destination}) end`;
  };
  return { lat: at('lat'), lng: at('lng') };
}

/**
 * The last work done by `now` of each truck that `fleet` (a condition on `vehicles`) selects: the drop of its booking
 * (CONFIRMED or COMPLETED: a cancelled or given-back one never took the truck there) that ends the route of its last
 * booking done by now (delivered, or past its planned pickup and delivery), when that route's last drop is done: delivered (`at`: when it happened, as reported, not when the report came:
 * a driver may report at night a delivery made at noon) or past its planned delivery with nothing reported (`at`: that
 * delivery). A route's last drop is its share delivered last, not the one picked up last (a pooled route may deliver
 * in any order). Per truck, one step back along bookings_vehicle_pickup from now, one look-up by route and one by
 * tracking_events_booking: three years of history cost what one week does.
 */
export async function lastDropsDone(tx: Tx, fleet: SQL | undefined, centre: LatLng, now: Date): Promise<Map<number, Drop>> {
  const started = alias(bookings, 'started');
  const lastDone = tx
    .select({ id: started.id })
    .from(started)
    // Done by now: delivered (a truck loaded early may deliver before its planned pickup), or its planned pickup and
    // delivery passed. Not a booking whose pickup time has passed without a report: the truck may be late for it, and
    // is then where its work before left it.
    .where(and(eq(started.vehicleId, vehicles.id), inArray(started.status, HOLDING_BOOKING_STATUSES), or(and(lte(started.pickupAt, now), lte(started.deliverAt, now)), eq(started.status, 'COMPLETED'))))
    .orderBy(desc(started.pickupAt))
    .limit(1);
  const route = alias(bookings, 'route');
  const share = alias(bookings, 'share');
  const deliveredLast = tx
    .select({ id: share.id })
    .from(share)
    .where(and(eq(share.routeId, route.routeId), inArray(share.status, HOLDING_BOOKING_STATUSES)))
    .orderBy(desc(share.deliverAt))
    .limit(1);
  const ends = tx.select({ id: sql<number>`coalesce(${deliveredLast}, ${route.id})` }).from(route).where(inArray(route.id, tx.select({ id: sql<number>`${lastDone}` }).from(vehicles).where(fleet)));
  const drop = dropOf(centre);
  const rows = await tx
    .select({ vehicleId: bookings.vehicleId, status: bookings.status, deliverAt: bookings.deliverAt, delivered: deliveredAt().mapWith(trackingEvents.occurredAt), lat: drop.lat, lng: drop.lng })
    .from(bookings)
    .innerJoin(shipmentRequests, eq(shipmentRequests.id, bookings.requestId))
    // The fleet's last bookings by id (IN, not a join, so that PostgreSQL too starts from the fleet).
    .where(inArray(bookings.id, ends))
    .all();
  const done = rows.filter((d) => d.status === 'COMPLETED' || d.deliverAt! <= now);
  return new Map(done.map((d) => [d.vehicleId!, { at: d.delivered ?? d.deliverAt!, lat: d.lat, lng: d.lng }]));
}

/**
 * Where a truck starts its next work (null: where its carrier last put it, `vehicles.lat/lng`). After its last
 * booking ahead, where that leaves it: pricing a later job from where the truck stands now would hide the empty run
 * from that drop to the next pickup. With none ahead, where its last work done left it, unless its carrier reported
 * a position since: a truck that delivered to Busan is in Busan until it says otherwise.
 */
export function truckStart(v: Pick<typeof vehicles.$inferSelect, 'locationUpdatedAt'>, ahead: LatLng | undefined, done: Drop | undefined): LatLng | null {
  const drop = ahead ?? (done && done.at > v.locationUpdatedAt ? done : undefined);
  return drop ? { lat: drop.lat, lng: drop.lng } : null;
}
