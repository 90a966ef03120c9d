import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import { listingAvailability, organisations, warehouseListings } from '../../../db/schema';
import type { Context, Viewer } from '../../context';

export type ListingRow = typeof warehouseListings.$inferSelect;

/** Idle pallet positions on every day from `from` to `to` (inclusive, Asia/Seoul dates). */
export interface ListingWindow {
  from: string;
  to: string;
  idlePallets: number;
}

export interface ListingContact {
  name: string | null;
  phone: string | null;
}

/** A listing as a viewer may see it. */
export interface ListingRecord extends ListingRow {
  availability: ListingWindow[];
  ownerName: string;
  /** The owner's contact person and phone; null for MANUFACTURER viewers, who book through the exchange. */
  ownerContact: ListingContact | null;
}

/** Roles that may read listings at all; which ones each sees is `listingsVisibleTo`. */
export const LISTING_READERS = ['WAREHOUSE_OWNER', 'MANUFACTURER', 'OPERATOR', 'ADMIN'] as const;

/**
 * Which listings a viewer may read, as a WHERE condition: the owner its own, an operator all of its complex,
 * an admin all, and a MANUFACTURER the ACTIVE listings of its own complex (it shops there for storage).
 */
export function listingsVisibleTo(viewer: Viewer): SQL | undefined {
  switch (viewer.role) {
    case 'ADMIN':
      return undefined;
    case 'OPERATOR':
      return eq(warehouseListings.complexId, viewer.complexId!);
    case 'MANUFACTURER':
      return and(eq(warehouseListings.complexId, viewer.complexId!), eq(warehouseListings.status, 'ACTIVE'));
    default:
      return eq(warehouseListings.ownerOrgId, viewer.organisationId);
  }
}

/** Listings matching `where` (in id order, at most `limit`), with their windows and owner, redacted for the viewer. */
export async function selectListings(ctx: Pick<Context, 'db'>, viewer: Viewer, where: SQL | undefined, limit?: number): Promise<ListingRecord[]> {
  const query = ctx.db
    .select({ listing: warehouseListings, ownerName: organisations.name, contactName: organisations.contactName, contactPhone: organisations.contactPhone })
    .from(warehouseListings)
    .innerJoin(organisations, eq(organisations.id, warehouseListings.ownerOrgId))
    .where(where)
    .orderBy(asc(warehouseListings.id));
  const rows = await (limit === undefined ? query.all() : query.limit(limit).all());
  if (rows.length === 0) return [];
  const windows = await ctx.db
    .select()
    .from(listingAvailability)
    .where(inArray(listingAvailability.listingId, rows.map((r) => r.listing.id)))
    .orderBy(asc(listingAvailability.listingId), asc(listingAvailability.fromDay))
    .all();
  const byListing = new Map<number, ListingWindow[]>();
  for (const w of windows) {
    const list = byListing.get(w.listingId) ?? [];
    list.push({ from: w.fromDay, to: w.toDay, idlePallets: w.idlePallets });
    byListing.set(w.listingId, list);
  }
  const shopper = viewer.role === 'MANUFACTURER';
  return rows.map(({ listing, ownerName, contactName, contactPhone }) => ({
    ...listing,
    availability: byListing.get(listing.id) ?? [],
    ownerName,
    ownerContact: shopper ? null : { name: contactName, phone: contactPhone },
  }));
}

/** The listings of `ids` the viewer may read, in the order of `ids`. */
export async function selectListingsByIds(ctx: Pick<Context, 'db'>, viewer: Viewer, ids: number[]): Promise<ListingRecord[]> {
  if (ids.length === 0) return [];
  const byId = new Map((await selectListings(ctx, viewer, and(inArray(warehouseListings.id, ids), listingsVisibleTo(viewer)))).map((l) => [l.id, l]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
