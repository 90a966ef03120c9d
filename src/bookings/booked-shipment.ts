import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bookings, HOLDING_BOOKING_STATUSES, offers, shipmentRequests, warehouseListings } from '../../db/schema';
import { selectComplex } from '../complexes/complex-record';
import type { Context } from '../context';
import type { ShipmentRequestRecord } from '../demand/request-record';
import { stopsOfRoutes } from '../matching/route-plan';
import { DEFAULT_LOADING_METHOD } from '../supply/loading-methods';
import type { BookingRecord } from './booking-record';

/**
 * The shipment behind a booking the caller already holds (getBooking, listBookings checked access): its
 * supplier needs the exact places, load, loading methods and the shipper's notes to do the job, though not the request itself.
 * When storage is booked the goods go to the warehouse (the first one, when the stay is split), so that is
 * the destination the carrier is given; a warehouse owner's own booking receives them at its own listing, never
 * at another owner's when the stay is split. A leg through the joint logistics centre ends or starts there: the
 * feeder's carrier delivers to the centre and the trunk's collects there (at its dock, by forklift, as the
 * round planned it), and neither is given the other leg's end.
 */
export async function bookedShipment({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { booking: BookingRecord } }): Promise<BookedShipmentRecord> {
  return (await bookedShipments({ ctx, input: { bookings: [input.booking] } }))[0]!;
}

/** The shipments behind bookings, as bookedShipment gives each, in the order asked: a page of bookings in a few queries. */
export async function bookedShipments({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { bookings: readonly BookingRecord[] } }): Promise<BookedShipmentRecord[]> {
  const requestIds = [...new Set(input.bookings.map((b) => b.requestId))];
  const postedOf = new Map((await ctx.db.select().from(shipmentRequests).where(inArray(shipmentRequests.id, requestIds)).all()).map((r) => [r.id, r]));
  const direct = input.bookings.filter((b) => !b.centreLeg);
  const place = { lat: warehouseListings.lat, lng: warehouseListings.lng, h3R9: warehouseListings.h3R9 };
  // A storage booking's own warehouse; a transport booking's, the first of its request's stays held.
  const storageIds = direct.filter((b) => b.kind === 'STORAGE').map((b) => b.id);
  const ownWarehouse = new Map(
    storageIds.length === 0 ? [] : (await ctx.db.select({ id: bookings.id, ...place }).from(bookings).innerJoin(warehouseListings, eq(warehouseListings.id, bookings.listingId)).where(inArray(bookings.id, storageIds)).all()).map(({ id, ...at }) => [id, at]),
  );
  const carried = [...new Set(direct.filter((b) => b.kind !== 'STORAGE').map((b) => b.requestId))];
  const stays =
    carried.length === 0
      ? []
      : await ctx.db
          .select({ requestId: bookings.requestId, ...place })
          .from(bookings)
          .innerJoin(warehouseListings, eq(warehouseListings.id, bookings.listingId))
          .where(and(inArray(bookings.requestId, carried), eq(bookings.kind, 'STORAGE'), inArray(bookings.status, [...HOLDING_BOOKING_STATUSES])))
          // A round writes a split stay's parts in the order its route drops them: the first offer is the first
          // warehouse, whichever owner accepted first.
          .orderBy(asc(bookings.offerId))
          .all();
  const firstStay = new Map<number, WarehousePlace>();
  for (const { requestId, ...at } of stays) if (!firstStay.has(requestId)) firstStay.set(requestId, at);

  return await Promise.all(
    input.bookings.map(async (booking): Promise<BookedShipmentRecord> => {
      const posted = postedOf.get(booking.requestId)!;
      // Its notes are the shipper's words to its carrier (the gate, whom to call), shown once booked; not a warehouse's.
      const request = { ...(booking.kind === 'STORAGE' ? { ...posted, notes: null } : posted), ...NO_VISIT };
      if (booking.centreLeg) {
        const { centre } = selectComplex(ctx, { id: booking.complexId })!;
        return booking.centreLeg === 'FEEDER'
          ? { ...request, destinationLat: centre.lat, destinationLng: centre.lng, destinationIsCentre: true, destinationH3R9: centre.h3Cell, loadingAtDestination: DEFAULT_LOADING_METHOD }
          : { ...request, originLat: centre.lat, originLng: centre.lng, originIsCentre: true, originH3R9: centre.h3Cell, loadingAtOrigin: DEFAULT_LOADING_METHOD };
      }
      const warehouse = booking.kind === 'STORAGE' ? ownWarehouse.get(booking.id) : firstStay.get(booking.requestId);
      if (!warehouse) return request;
      const visit = booking.kind === 'STORAGE' ? await warehouseVisit(ctx.db, booking, warehouse) : NO_VISIT;
      return { ...request, ...visit, destinationLat: warehouse.lat, destinationLng: warehouse.lng, destinationIsCentre: false, destinationH3R9: warehouse.h3R9 };
    }),
  );
}

type WarehousePlace = { lat: number; lng: number; h3R9: string };

/** A booked shipment, and for storage when the truck bringing the goods is planned to unload them at the warehouse and leave. */
export type BookedShipmentRecord = ShipmentRequestRecord & WarehouseVisit;
type WarehouseVisit = { plannedArrivalAt: Date | null; plannedDepartureAt: Date | null };
const NO_VISIT: WarehouseVisit = { plannedArrivalAt: null, plannedDepartureAt: null };

/**
 * The drop of a storage booking's goods at its warehouse, on the route of the request's transport booking, or before
 * that is booked of the transport offered with the storage (one round offers a request's legs together). Its start
 * (within the warehouse's opening hours: an early truck waits) and departure; none when no route tells it (offers
 * made before routes, a plan retention deleted).
 */
async function warehouseVisit(db: Db, booking: BookingRecord, warehouse: { lat: number; lng: number }): Promise<WarehouseVisit> {
  const ofRequest = and(eq(bookings.requestId, booking.requestId), eq(bookings.kind, 'TRANSPORT'), inArray(bookings.status, [...HOLDING_BOOKING_STATUSES]));
  const booked = await db.select({ routeId: bookings.routeId }).from(bookings).where(ofRequest).get();
  const offered = booked
    ? undefined
    : await db
        .select({ routeId: offers.routeId })
        .from(offers)
        .where(and(eq(offers.requestId, booking.requestId), eq(offers.kind, 'TRANSPORT'), eq(offers.status, 'PENDING'), eq(offers.roundId, db.select({ roundId: offers.roundId }).from(offers).where(eq(offers.id, booking.offerId)))))
        .get();
  const routeId = (booked ?? offered)?.routeId;
  if (!routeId) return NO_VISIT;
  const stops = (await stopsOfRoutes(db, [routeId])).get(routeId) ?? [];
  const drop = stops.find((s) => s.requestId === booking.requestId && s.action === 'DROP' && s.lat === warehouse.lat && s.lng === warehouse.lng);
  return drop ? { plannedArrivalAt: drop.startAt, plannedDepartureAt: drop.departAt } : NO_VISIT;
}
