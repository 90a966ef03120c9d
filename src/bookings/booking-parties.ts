import { inArray } from 'drizzle-orm';
import { organisations, vehicles } from '../../db/schema';
import type { Context } from '../context';

export interface BookingParty {
  name: string;
  contactName: string | null;
  contactPhone: string | null;
}

/**
 * Sides of bookings the caller already holds (getBooking, listBookings checked access), by organisation id, in the
 * order asked: its shipper, or its carrier or warehouse owner. Once booked each must reach the other (the board and
 * offers name neither before). One query for a page of bookings.
 */
export async function bookingParties({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { organisationIds: readonly number[] } }): Promise<BookingParty[]> {
  const rows = await ctx.db
    .select({ id: organisations.id, name: organisations.name, contactName: organisations.contactName, contactPhone: organisations.contactPhone })
    .from(organisations)
    .where(inArray(organisations.id, [...new Set(input.organisationIds)]))
    .all();
  const partyOf = new Map(rows.map(({ id, ...party }) => [id, party]));
  return input.organisationIds.map((id) => partyOf.get(id)!);
}

/**
 * The registration plates of transport bookings' trucks, which the shipper's gate checks at pickup, by vehicle id in
 * the order asked (null for storage, which has no vehicle). One query for a page of bookings.
 */
export async function vehiclePlates({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { vehicleIds: readonly (number | null)[] } }): Promise<(string | null)[]> {
  const ids = [...new Set(input.vehicleIds.filter((id): id is number => id !== null))];
  const plateOf = new Map(ids.length === 0 ? [] : (await ctx.db.select({ id: vehicles.id, plate: vehicles.plateNumber }).from(vehicles).where(inArray(vehicles.id, ids)).all()).map((v) => [v.id, v.plate]));
  return input.vehicleIds.map((id) => (id === null ? null : (plateOf.get(id) ?? null)));
}
