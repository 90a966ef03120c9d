import { and, asc, eq, inArray } from 'drizzle-orm';
import { bookings, HOLDING_BOOKING_STATUSES, shipmentRequests, warehouseListings } from '../../db/schema';
import { selectComplex } from '../complexes/complex-record';
import type { Context } from '../context';
import type { ShipmentRequestRecord } from '../demand/request-record';
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
export async function bookedShipment({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { booking: BookingRecord } }): Promise<ShipmentRequestRecord> {
  const { booking } = input;
  const posted = (await ctx.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, booking.requestId)).get())!;
  // Its notes are the shipper's words to its carrier (the gate, whom to call), shown once booked; not a warehouse's.
  const request = booking.kind === 'STORAGE' ? { ...posted, notes: null } : posted;
  if (booking.centreLeg) {
    const { centre } = selectComplex(ctx, { id: booking.complexId })!;
    return booking.centreLeg === 'FEEDER'
      ? { ...request, destinationLat: centre.lat, destinationLng: centre.lng, destinationIsCentre: true, destinationH3R9: centre.h3Cell, loadingAtDestination: DEFAULT_LOADING_METHOD }
      : { ...request, originLat: centre.lat, originLng: centre.lng, originIsCentre: true, originH3R9: centre.h3Cell, loadingAtOrigin: DEFAULT_LOADING_METHOD };
  }
  const warehouse = await ctx.db
    .select({ lat: warehouseListings.lat, lng: warehouseListings.lng, h3R9: warehouseListings.h3R9 })
    .from(bookings)
    .innerJoin(warehouseListings, eq(warehouseListings.id, bookings.listingId))
    .where(
      booking.kind === 'STORAGE'
        ? eq(bookings.id, booking.id)
        : and(eq(bookings.requestId, request.id), eq(bookings.kind, 'STORAGE'), inArray(bookings.status, [...HOLDING_BOOKING_STATUSES])),
    )
    // A round writes a split stay's parts in the order its route drops them: the first offer is the first warehouse,
    // whichever owner accepted first.
    .orderBy(asc(bookings.offerId))
    .get();
  if (!warehouse) return request;
  return { ...request, destinationLat: warehouse.lat, destinationLng: warehouse.lng, destinationIsCentre: false, destinationH3R9: warehouse.h3R9 };
}
