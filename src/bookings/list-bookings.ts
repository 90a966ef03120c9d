import { and, desc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { countRows } from '../../db/queries';
import { BOOKING_STATUSES, bookings } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';
import { cursorTag, idOfCursor, PageArgs, toConnection, type Connection } from '../pagination';
import { parseArgs } from '../validation';
import { bookingScope, type BookingRecord } from './booking-record';

export const ListBookingsInput = PageArgs.extend({
  status: z.enum(BOOKING_STATUSES).nullish(),
  requestId: z.number().int().positive().nullish(),
  routeId: z.number().int().positive().nullish(),
  listingId: z.number().int().positive().nullish(),
});
export type ListBookingsInput = z.input<typeof ListBookingsInput>;

/** Bookings the caller may see, newest first, filtered by status, request, consolidated load or warehouse listing. */
export async function listBookings({ ctx, input }: { ctx: Context; input: ListBookingsInput }): Promise<Connection<BookingRecord>> {
  const viewer = requireViewer(ctx);
  const { first, after, status, requestId, routeId, listingId } = parseArgs(ListBookingsInput, input);
  const where = and(
    bookingScope(viewer),
    status ? eq(bookings.status, status) : undefined,
    requestId ? eq(bookings.requestId, requestId) : undefined,
    routeId ? eq(bookings.routeId, routeId) : undefined,
    listingId ? eq(bookings.listingId, listingId) : undefined,
  );
  // Not 'bookings': its cursors were of the list oldest first, and would page on the wrong way.
  const tag = cursorTag('bookings, newest first', viewer.organisationId, { status, requestId, routeId, listingId });
  const beforeId = after ? idOfCursor(tag, after) : null;
  const rows = await ctx.db
    .select()
    .from(bookings)
    .where(and(where, beforeId ? lt(bookings.id, beforeId) : undefined))
    .orderBy(desc(bookings.id))
    .limit(first + 1)
    .all();
  return toConnection(tag, rows, first, (b) => b.id, () => countRows(ctx.db, bookings, where), beforeId !== null);
}
