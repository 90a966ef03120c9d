import { and, between, eq, gte, isNull, lte, sum } from 'drizzle-orm';
import { z } from 'zod';
import { listingAvailability, listingReservations, warehouseListings } from '../../../db/schema';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { NotFoundError } from '../../errors';
import { dayFromIso } from '../../matching/engine/days';
import { parseArgs } from '../../validation';
import { LISTING_READERS, listingsVisibleTo } from './listing-record';
import { addDays, CalendarDay } from './seoul-day';

/** As long as an insights period: a year, leap day included. */
const MAX_PERIOD_DAYS = 366;

const periodDays = (p: { from: string; to: string }) => dayFromIso(p.to) - dayFromIso(p.from) + 1;

// The period's rules wait for both days to be real ones (a day that is not is named already).
const whenDaysPass = { when: (payload: { issues: unknown[] }) => payload.issues.length === 0 };

export const GetListingOccupancyInput = z
  .object({ listingId: z.number().int().positive(), from: CalendarDay, to: CalendarDay })
  .refine((p) => p.to >= p.from, { path: ['to'], message: 'must not be before from', ...whenDaysPass })
  .refine((p) => periodDays(p) <= MAX_PERIOD_DAYS, { path: ['to'], message: `must be at most ${MAX_PERIOD_DAYS} days from from, both included`, ...whenDaysPass });
export type GetListingOccupancyInput = z.infer<typeof GetListingOccupancyInput>;

/** One Asia/Seoul day of a listing: pallets listed idle, held by booked stays, and still free. */
export interface ListingDay {
  day: string;
  idlePallets: number;
  bookedPallets: number;
  freePallets: number;
}

/**
 * How full a listing is on each day from `from` to `to` (inclusive): the idle pallets listed that day (0 outside
 * every window) and the pallets its held stays reserve, counted as the listing_over_capacity trigger counts them
 * (listing_reservations not released against the largest window covering the day), so the owner reads the numbers
 * the database enforces. For the owner, its complex's operators and admins; null for MANUFACTURER viewers, who
 * shop the listing but whose business another shipper's bookings are not.
 * @throws ForbiddenError for carriers; ValidationError naming `to` for a reversed period or one over 366 days;
 *   NotFoundError for a listing the caller may not see.
 */
export async function getListingOccupancy({ ctx, input }: { ctx: Context; input: GetListingOccupancyInput }): Promise<ListingDay[] | null> {
  const viewer = requireRole(ctx, ...LISTING_READERS);
  const { listingId, from, to } = parseArgs(GetListingOccupancyInput, input);
  if (viewer.role === 'MANUFACTURER') return null;
  const visible = await ctx.db.select({ id: warehouseListings.id }).from(warehouseListings).where(and(eq(warehouseListings.id, listingId), listingsVisibleTo(viewer))).get();
  if (!visible) throw new NotFoundError('Warehouse listing');

  const windows = await ctx.db
    .select({ fromDay: listingAvailability.fromDay, toDay: listingAvailability.toDay, idlePallets: listingAvailability.idlePallets })
    .from(listingAvailability)
    .where(and(eq(listingAvailability.listingId, listingId), lte(listingAvailability.fromDay, to), gte(listingAvailability.toDay, from)))
    .all();
  // One grouped read over the period, by the index of held reservations (listing, day).
  const held = await ctx.db
    .select({ day: listingReservations.day, pallets: sum(listingReservations.pallets).mapWith(Number) })
    .from(listingReservations)
    .where(and(eq(listingReservations.listingId, listingId), isNull(listingReservations.releasedAt), between(listingReservations.day, from, to)))
    .groupBy(listingReservations.day)
    .all();
  const booked = new Map(held.map((h) => [h.day, h.pallets]));

  // Counted, not walked to `to`: the day after 9999-12-31 sorts before it (see LAST_DAY_END).
  return Array.from({ length: periodDays({ from, to }) }, (_, i) => {
    const day = addDays(from, i);
    const idlePallets = Math.max(0, ...windows.filter((w) => w.fromDay <= day && w.toDay >= day).map((w) => w.idlePallets));
    const bookedPallets = booked.get(day) ?? 0;
    return { day, idlePallets, bookedPallets, freePallets: Math.max(0, idlePallets - bookedPallets) };
  });
}
