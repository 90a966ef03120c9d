import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { bookings } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import { bookingScope, type BookingRecord } from './booking-record';

export const GetBookingInput = z.object({ id: z.number().int().positive() });
export type GetBookingInput = z.infer<typeof GetBookingInput>;

/**
 * One booking, for its shipper, its supplier, the operators of its complex and admins.
 * @throws NotFoundError for an unknown booking or one the caller may not see (they look alike).
 */
export async function getBooking({ ctx, input }: { ctx: Context; input: GetBookingInput }): Promise<BookingRecord> {
  const viewer = requireViewer(ctx);
  const { id } = parseInput(GetBookingInput, input);
  const booking = await ctx.db.select().from(bookings).where(and(eq(bookings.id, id), bookingScope(viewer))).get();
  if (!booking) throw new NotFoundError('Booking');
  return booking;
}
