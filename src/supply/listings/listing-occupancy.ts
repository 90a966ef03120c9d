import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { warehouseListings } from '../../../db/schema';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { NotFoundError } from '../../errors';
import { dayFromIso } from '../../matching/engine/days';
import { parseArgs } from '../../validation';
import { LISTING_READERS, listingsVisibleTo } from './listing-record';
import { listedDays, type ListedDay } from './free-space';
import { CalendarDay } from './seoul-day';

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
export interface ListingDay extends ListedDay {
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

  return (await listedDays(ctx.db, listingId, from, to)).map((d) => ({ ...d, freePallets: Math.max(0, d.idlePallets - d.bookedPallets) }));
}
