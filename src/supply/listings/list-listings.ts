import { and, eq, gt, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { countRows } from '../../../db/queries';
import { LISTING_STATUSES, STORAGE_CLASSES, warehouseListings } from '../../../db/schema';
import { requireRole } from '../../auth/authorize';
import { ComplexCode, getComplex } from '../../complexes/get-complex';
import type { Context } from '../../context';
import { ValidationError } from '../../errors';
import { NearInput } from '../../geo/near';
import { cursorTag, PageArgs } from '../../pagination';
import { parseArgs } from '../../validation';
import { nearCells } from '../../geo/near';
import { afterId, byDistanceConnection, byIdConnection, type Candidate } from '../supply-connection';
import type { LocatedConnection } from '../../pagination';
import { LISTING_READERS, listingsVisibleTo, selectListings, selectListingsByIds, type ListingRecord } from './listing-record';
import { CalendarDay } from './seoul-day';
import { listingsWithFreeSpace } from './free-space';

export const ListListingsInput = PageArgs.extend({
  filter: z
    .object({
      complexCode: ComplexCode.nullish(),
      status: z.enum(LISTING_STATUSES).nullish(),
      storageClass: z.enum(STORAGE_CLASSES).nullish(),
      availableFrom: CalendarDay.nullish(),
      availableTo: CalendarDay.nullish(),
      near: NearInput.nullish(),
    })
    .nullish(),
});
export type ListListingsInput = z.input<typeof ListListingsInput>;

const H3_COLUMN = {
  5: warehouseListings.h3R5,
  6: warehouseListings.h3R6,
  7: warehouseListings.h3R7,
  8: warehouseListings.h3R8,
  9: warehouseListings.h3R9,
} as const;

/**
 * The listings the caller may see (see `listingsVisibleTo`), filtered. `availableFrom`/`availableTo` keep
 * listings with space free on every day of that range, net of what bookings hold (either alone means that one day). With `near`, the
 * listings within the radius, nearest first, with their distance; otherwise in creation order.
 * @throws ForbiddenError for carriers; ValidationError for a bad filter or cursor; NotFoundError for an unknown complex code.
 */
export async function listListings({ ctx, input }: { ctx: Context; input: ListListingsInput }): Promise<LocatedConnection<ListingRecord>> {
  const viewer = requireRole(ctx, ...LISTING_READERS);
  const { first, after, filter } = parseArgs(ListListingsInput, input);
  const tag = cursorTag('warehouseListings', viewer.organisationId, filter);
  const conditions: (SQL | undefined)[] = [listingsVisibleTo(viewer)];
  if (filter?.complexCode) conditions.push(eq(warehouseListings.complexId, getComplex({ ctx, input: { code: filter.complexCode } }).id));
  if (filter?.status) conditions.push(eq(warehouseListings.status, filter.status));
  if (filter?.storageClass) conditions.push(eq(warehouseListings.storageClass, filter.storageClass));
  const from = filter?.availableFrom ?? filter?.availableTo;
  const to = filter?.availableTo ?? filter?.availableFrom;
  if (from && to) {
    if (to < from) throw new ValidationError([{ field: 'filter.availableTo', rule: 'must not be before availableFrom' }]);
    conditions.push(inArray(warehouseListings.id, await listingsWithFreeSpace(ctx.db, and(...conditions), from, to)));
  }

  if (filter?.near) {
    const near = filter.near;
    const { res, cells } = nearCells(near);
    const candidates = (await ctx.db
      .select({ id: warehouseListings.id, lat: warehouseListings.lat, lng: warehouseListings.lng })
      .from(warehouseListings)
      .where(and(inArray(H3_COLUMN[res], cells), ...conditions))
      .values()) as Candidate[];
    return byDistanceConnection(tag, candidates, near, first, after, (ids) => selectListingsByIds(ctx, viewer, ids));
  }
  const where = and(...conditions);
  const rows = await selectListings(ctx, viewer, and(where, gt(warehouseListings.id, afterId(tag, after))), first + 1);
  return byIdConnection(tag, rows, first, () => countRows(ctx.db, warehouseListings, where), after);
}
