import { and, asc, eq, gte, inArray, isNull, ne, sum } from 'drizzle-orm';
import { transact, type Tx } from '../../../db/transaction';
import { z } from 'zod';
import { bookings, listingAvailability, listingReservations, offers, shipmentRequests, warehouseListings } from '../../../db/schema';
import { withdrawPendingOffers } from '../../market/withdraw-offers';
import { falloutEvents } from '../../market/fallout';
import { publishAll } from '../../pubsub';
import { recordWebhookEvents } from '../../webhooks/record-event';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../errors';
import { changesSome, fieldChanges, parseInputBeforeRules } from '../../validation';
import { locationColumns } from '../location-input';
import { regionIssue } from '../service-region';
import { ListingFields, listingIssues } from './listing-fields';
import { listedDays } from './free-space';
import { dayFromIso, isoFromDay } from '../../matching/engine/days';
import { heldStays } from './held-stays';
import { selectListingsByIds, type ListingRecord, type ListingWindow } from './listing-record';
import { addDays, dayRanges, seoulDay } from './seoul-day';

/**
 * Any listing field; a field left out keeps its value, null is refused (a listing has every field). `availability`
 * replaces the windows from today on.
 */
export const UpdateListingInput = fieldChanges(ListingFields.shape, 'listing')
  .extend({ listingId: z.number().int().positive() })
  .refine(...changesSome(ListingFields.shape, 'listing'));
/** As GraphQL passes it, any field null (refused by its name). */
export type UpdateListingInput = { [K in keyof z.input<typeof UpdateListingInput>]: z.input<typeof UpdateListingInput>[K] | null };

/**
 * Where `windows` list fewer idle pallets than held storage bookings take, from `today` on (Asia/Seoul), one issue per
 * field to change: `input.availability[i].idlePallets` with the most pallets booked on its short days, or
 * `input.availability` for booked days no window covers. Days already past are not compared: new windows start today
 * at the earliest, and a stay under way keeps its past days booked (it is not given back once the goods are in), so
 * they would refuse every change of a listing once one of its stays had begun.
 */
async function shortfalls(tx: Tx, listingId: number, windows: { from: string; to: string; idlePallets: number }[], today: string): Promise<FieldIssue[]> {
  const booked = await tx
    .select({ day: listingReservations.day, pallets: sum(listingReservations.pallets).mapWith(Number) })
    .from(listingReservations)
    .where(and(eq(listingReservations.listingId, listingId), isNull(listingReservations.releasedAt), gte(listingReservations.day, today)))
    .groupBy(listingReservations.day)
    .orderBy(listingReservations.day)
    .all();
  const short = new Map<number, { days: string[]; most: number }>();
  for (const { day, pallets } of booked) {
    const i = windows.findIndex((w) => w.from <= day && day <= w.to);
    if (pallets <= (windows[i]?.idlePallets ?? 0)) continue;
    const at = short.get(i) ?? { days: [], most: 0 };
    at.days.push(day);
    at.most = Math.max(at.most, pallets);
    short.set(i, at);
  }
  return [...short].map(([i, { days, most }]) =>
    i < 0
      ? { field: 'input.availability', rule: `no window covers ${dayRanges(days)}, where pallets are booked (up to ${most} a day)` }
      : { field: `input.availability[${i}].idlePallets`, rule: `${windows[i]!.idlePallets} is fewer than the pallets booked on ${dayRanges(days)} (up to ${most} a day)` },
  );
}

/**
 * The first day of a stay booked in the listing, from `today` on, whose goods have not been delivered into it yet
 * (their truck comes on that day, within the opening hours it was planned for); null when none is to come.
 */
async function firstArrival(tx: Tx, ownerOrgId: number, listingId: number, today: string): Promise<string | null> {
  const row = await tx
    .select({ day: bookings.storageFromDay })
    .from(bookings)
    .innerJoin(shipmentRequests, eq(shipmentRequests.id, bookings.requestId))
    // The owner's bookings, their status read from index bookings_supplier: bookings have no index by listing.
    .where(and(eq(bookings.supplierOrgId, ownerOrgId), eq(bookings.status, 'CONFIRMED'), eq(bookings.listingId, listingId), gte(bookings.storageFromDay, today), ne(shipmentRequests.status, 'DELIVERED')))
    .orderBy(asc(bookings.storageFromDay))
    .limit(1)
    .get();
  return row?.day ?? null;
}

/**
 * The listing's pending storage offers whose stays no longer fit in it beside the pallets booked (as daysWithoutRoom
 * counts them): one listedDays read over the span of all of them, each stay decided from its days.
 */
async function staysWithoutRoom(tx: Tx, listingId: number): Promise<number[]> {
  const pending = await tx
    .select({ id: offers.id, from: offers.storageFromDay, to: offers.storageToDay, pallets: offers.storagePallets })
    .from(offers)
    .where(and(eq(offers.listingId, listingId), eq(offers.status, 'PENDING')))
    .all();
  const stays = pending.map((o) => ({ id: o.id, from: dayFromIso(o.from!), to: dayFromIso(o.to!), pallets: o.pallets! }));
  if (stays.length === 0) return [];
  const first = Math.min(...stays.map((s) => s.from));
  const days = await listedDays(tx, listingId, isoFromDay(first), isoFromDay(Math.max(...stays.map((s) => s.to))));
  return stays.filter((s) => days.slice(s.from - first, s.to - first + 1).some((d) => d.bookedPallets + s.pallets > d.idlePallets)).map((s) => s.id);
}

/** The fields of a change that were sent: left out, a field keeps its value. */
function sentFields(patch: Partial<ListingFields>): Partial<ListingFields> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}

/**
 * The fields sent that change the listing: a value other than its own, the location elsewhere, windows listing other
 * idle pallets on some day from `today` on (days already past stay as listed). None: a form saved as it was.
 */
function changedFields(current: ListingRecord, sent: Partial<ListingFields>, today: string): Partial<ListingFields> {
  const fromToday = (windows: ListingWindow[]) =>
    windows
      .filter((w) => w.to >= today)
      .map((w) => `${w.from < today ? today : w.from}/${w.to}/${w.idlePallets}`)
      .sort()
      .join();
  const same = (field: string, value: unknown) =>
    field === 'location'
      ? (value as ListingFields['location']).lat === current.lat && (value as ListingFields['location']).lng === current.lng
      : field === 'availability'
        ? fromToday(value as ListingWindow[]) === fromToday(current.availability)
        : current[field as keyof ListingRecord] === value;
  return Object.fromEntries(Object.entries(sent).filter(([field, value]) => !same(field, value)));
}

/**
 * The rules of a new listing over `current` with the fields sent applied; one that failed its own rule (in `failed`,
 * named already) is left out of the listing, so that the rules needing it skip it.
 */
function changeIssues(ctx: Context, current: ListingRecord, patch: Partial<ListingFields>, failed: ReadonlySet<string>): FieldIssue[] {
  const sent = sentFields(patch);
  const listing: Partial<ListingFields> = {
    name: current.name,
    location: { lat: current.lat, lng: current.lng },
    storageClass: current.storageClass,
    totalPallets: current.totalPallets,
    availability: current.availability,
    pricePerPalletDayKrw: current.pricePerPalletDayKrw,
    minDays: current.minDays,
    hasForklift: current.hasForklift,
    hasDock: current.hasDock,
    opensAt: current.opensAt,
    closesAt: current.closesAt,
    ...sent,
  };
  for (const field of failed) delete listing[field as keyof ListingFields];
  const issues = listingIssues(listing, new Set(Object.keys(sent) as (keyof ListingFields)[]), seoulDay(ctx.now()));
  const outside = sent.location && regionIssue(ctx.db, current.complexId, sent.location, 'input.location');
  if (outside) issues.push(outside);
  return issues;
}

/**
 * WAREHOUSE_OWNER: changes its own ACTIVE listing. The whole listing, as it would be after the change, must
 * satisfy the same rules as a new one; nothing is written otherwise. Moving it, changing its storage class or narrowing
 * its hours withdraws the storage offers still pending on it, and listing fewer idle pallets (or fewer days) those whose
 * stays no longer fit beside the pallets booked; renaming it keeps the old name on the stays booked under it. Fields
 * sent as they are change nothing: an update changing none returns the listing as it is (updatedAt kept, no one told).
 * @throws ForbiddenError for other roles; NotFoundError for an unknown listing or another owner's;
 *   ConflictError when the listing is withdrawn, when it would move or change its storage class while pallets are
 *   booked in it from today on (naming the fields sent), when its hours would narrow while goods booked into it are still to come, or when
 *   the new availability would hold fewer idle pallets than are booked on a day from today on (naming each window's
 *   field short of them), each naming its fields in `extensions.issues` too; ValidationError naming each failing field.
 */
export async function updateListing({ ctx, input }: { ctx: Context; input: UpdateListingInput }): Promise<ListingRecord> {
  const viewer = requireRole(ctx, 'WAREHOUSE_OWNER');
  const { listingId, ...patch } = await parseInputBeforeRules(UpdateListingInput, input, async ({ listingId, ...fields }, failed) => {
    const [current] = listingId ? await selectListingsByIds(ctx, viewer, [listingId]) : [];
    return current?.status === 'ACTIVE' ? changeIssues(ctx, current, fields, failed) : [];
  });
  const sent = sentFields(patch);

  const told = await transact(ctx.db, async (tx) => {
    // One reading of the clock: the change's rows, the events it tells and their webhooks' timestamp say the same instant.
    const now = ctx.now();
    const [current] = await selectListingsByIds({ db: tx }, viewer, [listingId]);
    if (!current) throw new NotFoundError('Warehouse listing');
    if (current.status !== 'ACTIVE') throw new ConflictError('A withdrawn listing cannot be changed; publish a new one');
    const issues = changeIssues(ctx, current, patch, new Set());
    if (issues.length > 0) throw new ValidationError(issues);
    // Only what changes is written: a form saved as it was keeps its offers and updatedAt, and no one is told.
    const changed = changedFields(current, sent, seoulDay(now));
    if (Object.keys(changed).length === 0) return [];

    const { location, availability, ...columns } = changed;
    const moved = location && locationColumns(location);
    await tx
      .update(warehouseListings)
      .set({ ...columns, ...moved, updatedAt: now })
      .where(and(eq(warehouseListings.id, listingId), eq(warehouseListings.ownerOrgId, viewer.organisationId)))
      .run();
    // Stays booked under the old name keep it (statements name what was booked); later ones read the listing's.
    if (columns.name && columns.name !== current.name) {
      await tx.update(bookings).set({ listingName: current.name }).where(and(eq(bookings.listingId, listingId), isNull(bookings.listingName))).run();
    }
    // Goods stored or on their way were booked for this place and class: neither may change under them.
    const reshaping = [
      ...(moved && (moved.lat !== current.lat || moved.lng !== current.lng) ? ['input.location'] : []),
      ...(columns.storageClass && columns.storageClass !== current.storageClass ? ['input.storageClass'] : []),
    ];
    const reshaped = reshaping.length > 0;
    if (reshaped && (await heldStays(tx, listingId, seoulDay(now)).limit(1).all()).length > 0) {
      const issues = reshaping.map((field) => ({ field, rule: 'pallets are booked in this listing: its location and storage class can change once those stays have ended' }));
      throw new ConflictError(issues.map((i) => `${i.field}: ${i.rule}`).join('; '), issues);
    }
    // Trucks booked to bring goods in were planned to unload within the hours: they may widen, not narrow, until then.
    const narrowed = [
      ...(columns.opensAt && columns.opensAt > current.opensAt ? ['input.opensAt'] : []),
      ...(columns.closesAt && columns.closesAt < current.closesAt ? ['input.closesAt'] : []),
    ];
    if (narrowed.length > 0) {
      const arriving = await firstArrival(tx, viewer.organisationId, listingId, seoulDay(now));
      if (arriving) {
        const rule = `goods booked into this listing arrive on ${arriving}, planned for ${current.opensAt}-${current.closesAt}: the hours may widen, not narrow, until they are in`;
        const issues = narrowed.map((field) => ({ field, rule }));
        throw new ConflictError(`${issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}; give those bookings back first`, issues);
      }
    }
    // Offers still pending were made for the old place, class and hours (their routes drop the goods there, then):
    // they are withdrawn, and their requests return to the next round as after a decline; a request's other leg, booked
    // by another supplier, goes back with them; the suppliers of both are told.
    const told = reshaped || narrowed.length > 0 ? falloutEvents(await withdrawPendingOffers(tx, eq(offers.listingId, listingId), now, 'listingChanged')) : [];
    if (availability) {
      const today = seoulDay(now);
      // The new windows start today at the earliest; days already past keep what was listed on them, the record a stay
      // under way was booked against and the complex's insights count (the windows' parts up to yesterday).
      const past = current.availability.filter((w) => w.from < today).map((w) => ({ ...w, to: w.to < today ? w.to : addDays(today, -1) }));
      await tx.delete(listingAvailability).where(eq(listingAvailability.listingId, listingId)).run();
      await tx
        .insert(listingAvailability)
        .values([...past, ...availability].map((w) => ({ listingId, fromDay: w.from, toDay: w.to, idlePallets: w.idlePallets })))
        .run();
      const short = await shortfalls(tx, listingId, availability, today);
      if (short.length > 0) {
        throw new ConflictError(`The new availability lists fewer idle pallets than are booked: ${short.map((i) => `${i.field}: ${i.rule}`).join('; ')}; give those bookings back first`, short);
      }
      // A stay offered on days now listed with fewer idle pallets than it needs beside those booked can no longer be
      // booked: withdrawn as above, rather than lapsing at its accept; the stays that still fit stay on offer.
      const unfit = await staysWithoutRoom(tx, listingId);
      if (unfit.length > 0) told.push(...falloutEvents(await withdrawPendingOffers(tx, inArray(offers.id, unfit), now, 'listingShrunk')));
    }
    await recordWebhookEvents(tx, told, now);
    return told;
  });
  publishAll(ctx.pubsub, told);
  return (await selectListingsByIds(ctx, viewer, [listingId]))[0]!;
}
