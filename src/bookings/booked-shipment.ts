import { eq } from 'drizzle-orm';
import { shipmentRequests } from '../../db/schema';
import type { Context } from '../context';
import type { ShipmentRequestRecord } from '../demand/request-record';
import type { BookingRecord } from './booking-record';

/**
 * The shipment behind a booking the caller already holds (getBooking, listBookings checked access): its
 * supplier needs the exact places, load and loading methods to do the job, though not the request itself.
 */
export function bookedShipment({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { booking: BookingRecord } }): ShipmentRequestRecord {
  return ctx.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, input.booking.requestId)).get()!;
}
