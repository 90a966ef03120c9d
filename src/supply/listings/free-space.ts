import { and, between, eq, gte, inArray, isNull, lte, sum, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { listingAvailability, listingReservations, warehouseListings } from '../../../db/schema';
import { dayFromIso } from '../../matching/engine/days';
import type { ListingWindow } from '../../matching/engine';
import { netIdlePallets } from '../../matching/net-availability';
import { addDays } from './seoul-day';

/**
 * The ids of the listings matching `where` with space free on every day from `from` to `to` (inclusive,
 * YYYY-MM-DD): the idle pallets listed that day minus the pallets bookings hold on it, as a matching round nets them
 * (netIdlePallets). A listing fully booked on one of the days is not among them.
 */
export async function listingsWithFreeSpace(db: Db, where: SQL | undefined, from: string, to: string): Promise<number[]> {
  const w = listingAvailability;
  const windows = await db
    .select({ listingId: w.listingId, fromDay: w.fromDay, toDay: w.toDay, idlePallets: w.idlePallets })
    .from(w)
    .innerJoin(warehouseListings, eq(warehouseListings.id, w.listingId))
    .where(and(where, lte(w.fromDay, to), gte(w.toDay, from)))
    .all();
  const ids = [...new Set(windows.map((x) => x.listingId))];
  if (ids.length === 0) return [];
  const held = await db
    .select({ listingId: listingReservations.listingId, day: listingReservations.day, pallets: sum(listingReservations.pallets).mapWith(Number) })
    .from(listingReservations)
    .where(and(inArray(listingReservations.listingId, ids), isNull(listingReservations.releasedAt), between(listingReservations.day, from, to)))
    .groupBy(listingReservations.listingId, listingReservations.day)
    .all();
  const [first, last] = [dayFromIso(from), dayFromIso(to)];
  const listed = new Map(ids.map((id) => [id, [] as ListingWindow[]]));
  for (const x of windows) listed.get(x.listingId)!.push({ fromDay: Math.max(dayFromIso(x.fromDay), first), toDay: Math.min(dayFromIso(x.toDay), last), idlePallets: x.idlePallets });
  const reserved = new Map(ids.map((id) => [id, new Map<number, number>()]));
  for (const h of held) reserved.get(h.listingId)!.set(dayFromIso(h.day), h.pallets);
  // Windows never overlap, so the free days add up to the range's length exactly when none is missing or full.
  return ids.filter((id) => netIdlePallets(listed.get(id)!, reserved.get(id)!).reduce((n, x) => n + x.toDay - x.fromDay + 1, 0) === last - first + 1);
}

/** A stay in a listing: its pallets on every day from `from` to `to` (inclusive, YYYY-MM-DD). */
export interface Stay {
  listingId: number;
  from: string;
  to: string;
  pallets: number;
}

/** One Asia/Seoul day of a listing: the idle pallets listed (0 outside every window) and those its held stays reserve. */
export interface ListedDay {
  day: string;
  idlePallets: number;
  bookedPallets: number;
}

/**
 * A listing's days from `from` to `to` (inclusive), counted as the capacity trigger counts them: the largest window
 * covering the day against the listing_reservations not released. Two reads, one grouped over the period (the index
 * of held reservations by listing and day), whatever its length.
 */
export async function listedDays(db: Db, listingId: number, from: string, to: string): Promise<ListedDay[]> {
  const w = listingAvailability;
  const windows = await db
    .select({ fromDay: w.fromDay, toDay: w.toDay, idlePallets: w.idlePallets })
    .from(w)
    .where(and(eq(w.listingId, listingId), lte(w.fromDay, to), gte(w.toDay, from)))
    .all();
  const held = await db
    .select({ day: listingReservations.day, pallets: sum(listingReservations.pallets).mapWith(Number) })
    .from(listingReservations)
    .where(and(eq(listingReservations.listingId, listingId), isNull(listingReservations.releasedAt), between(listingReservations.day, from, to)))
    .groupBy(listingReservations.day)
    .all();
  const booked = new Map(held.map((h) => [h.day, h.pallets]));
  // Counted, not walked to `to`: the day after 9999-12-31 sorts before it (see LAST_DAY_END).
  return Array.from({ length: dayFromIso(to) - dayFromIso(from) + 1 }, (_, i) => {
    const day = addDays(from, i);
    const idlePallets = Math.max(0, ...windows.filter((x) => x.fromDay <= day && day <= x.toDay).map((x) => x.idlePallets));
    return { day, idlePallets, bookedPallets: booked.get(day) ?? 0 };
  });
}

/** The days of `stay` on which its pallets do not fit beside the pallets bookings hold; [] when the stay fits. */
export async function daysWithoutRoom(db: Db, { listingId, from, to, pallets }: Stay): Promise<string[]> {
  return (await listedDays(db, listingId, from, to)).filter((d) => d.bookedPallets + pallets > d.idlePallets).map((d) => d.day);
}
