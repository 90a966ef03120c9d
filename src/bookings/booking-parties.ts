import { eq } from 'drizzle-orm';
import { organisations, vehicles } from '../../db/schema';
import type { Context } from '../context';
import type { BookingRecord } from './booking-record';

export interface BookingParty {
  name: string;
  contactName: string | null;
  contactPhone: string | null;
}

/**
 * One side of a booking the caller already holds (getBooking, listBookings checked access): its shipper, or its
 * carrier or warehouse owner. Once booked each must reach the other (the board and offers name neither before).
 */
export async function bookingParty({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { organisationId: number } }): Promise<BookingParty> {
  return (await ctx.db
    .select({ name: organisations.name, contactName: organisations.contactName, contactPhone: organisations.contactPhone })
    .from(organisations)
    .where(eq(organisations.id, input.organisationId))
    .get())!;
}

/** The registration plate of a transport booking's truck, which the shipper's gate checks at pickup; null for storage. */
export async function vehiclePlate({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { booking: BookingRecord } }): Promise<string | null> {
  const { vehicleId } = input.booking;
  if (!vehicleId) return null;
  return (await ctx.db.select({ plate: vehicles.plateNumber }).from(vehicles).where(eq(vehicles.id, vehicleId)).get())?.plate ?? null;
}
