import { and, eq, gt, gte, inArray, isNull, or, sql, sum } from 'drizzle-orm';
import { snapshot } from '../../db/transaction';
import {
  bookings,
  listingAvailability,
  listingReservations,
  vehicleReservations,
  offers,
  shipmentRequests,
  vehicleAvailability,
  vehicles,
  warehouseListings,
} from '../../db/schema';
import type { ComplexRecord } from '../complexes/complex-record';
import type { Context } from '../context';
import { dayFromIso, isoFromDay, kstDayOf, kstTimeOn } from './engine/days';
import { DEFAULT_CONFIG } from './engine/config';
import { loadBookedRoutes } from './booked-routes';
import { bookedDrives, bookedKmByDay } from './booked-driving';
import { freeTime, netIdlePallets } from './net-availability';
import type { CentreInput, ExcludedPair, ListingInput, RequestInput, RoundInput, VehicleInput } from './engine/types';
import { groupBy } from '../group-by';
import { crossDockPromised } from './centre-cross-dock';
import { dropOf, lastDropsDone, truckStart } from './truck-start';
import { awaitingTrunks, type AwaitingTrunk } from '../market/awaiting-trunk';
import type { CentreRecord } from '../complexes/complex-record';
import { DEFAULT_LOADING_METHOD, serviceMinutes } from '../supply/loading-methods';

/** A round's input as read, with each OPEN request's updated_at (ms; null: never written since posted) for its write (recordOffers, recordUnserved). */
export interface RoundRead extends RoundInput {
  updatedAtRead: Record<string, number | null>;
  /**
   * Requests awaiting a trunk that no day of the centre's hours can load before their deliverBy (trunkInputOf): the
   * engine never sees them, so the round tells them DEADLINE itself.
   */
  trunkTooLate: string[];
}

/** Whether request row `r` is as the round read it: its updated_at unchanged (a change of terms or status sets it). */
export const asRead = (input: Pick<RoundRead, 'updatedAtRead'>, r: { id: number; updatedAt: Date | null }): boolean =>
  input.updatedAtRead[String(r.id)] === (r.updatedAt?.getTime() ?? null);

/**
 * Everything one round of `complex` needs, read in one snapshot: OPEN requests whose pickup window is
 * still ahead, requests awaiting a trunk from the centre (trunkInputOf), ACTIVE vehicles with free time after their last held booking, from where they start (truck-start.ts),
 * ACTIVE listings with idle pallets from today (net of held reservations, per day), and every pair a supplier
 * declined or gave back (not offered again on the same terms), and the booked routes with stops ahead (booked-routes.ts). Engine ids are the database ids as strings. Every read is
 * bounded below by now (windows, reservations, listings' days), driven by the open requests, or one row per truck
 * found by index (its last work done), so a round costs what it considers, not the years of history behind it.
 */
export function loadRoundInput(ctx: Pick<Context, 'db'>, complex: ComplexRecord, now: Date): Promise<RoundRead> {
  const nowMs = now.getTime();
  return snapshot(ctx.db, async (tx) => {
    const requestRows = await tx
      .select()
      .from(shipmentRequests)
      .where(and(eq(shipmentRequests.complexId, complex.id), eq(shipmentRequests.status, 'OPEN'), gt(shipmentRequests.pickupUntil, now)))
      .all();
    // Goods at the centre (or on their feeder's way there) whose trunk was given back: a trunk leg from the centre.
    const awaiting = await awaitingTrunks(tx, complex.id, now);
    const trunks = awaiting.map((a) => ({ id: String(a.request.id), inputs: trunkInputOf(a, complex.centre, nowMs) }));
    const requests: RequestInput[] = [...requestRows.map((r) => requestInputOf(r, nowMs)), ...trunks.flatMap((t) => t.inputs)];
    // Pallets the centre has promised to cross-dock from today on.
    const today = kstDayOf(nowMs);
    const centre = centreInputOf(complex.centre, await crossDockPromised(tx, complex.id, new Date(kstTimeOn(today, '00:00'))));
    // Nothing to match (a quiet complex, most of the scheduler's rounds at night): no supplier can be offered anything,
    // so the fleet, the listings and the booked routes are not read (on PostgreSQL, 18 of an idle round's 38 statements).
    if (requestRows.length === 0 && awaiting.length === 0) {
      return { centre, requests, vehicles: [], listings: [], now: nowMs, updatedAtRead: {}, trunkTooLate: [], excludedPairs: [], bookedRoutes: [] };
    }

    const activeVehicle = and(eq(vehicles.complexId, complex.id), eq(vehicles.status, 'ACTIVE'));
    const vehicleRows = await tx.select().from(vehicles).where(activeVehicle).all();
    const windows = groupBy(
      await tx
        .select({ vehicleId: vehicleAvailability.vehicleId, startsAt: vehicleAvailability.startsAt, endsAt: vehicleAvailability.endsAt })
        .from(vehicleAvailability)
        .innerJoin(vehicles, eq(vehicles.id, vehicleAvailability.vehicleId))
        .where(and(activeVehicle, gt(vehicleAvailability.endsAt, now)))
        .all(),
      (w) => w.vehicleId,
    );
    const drop = dropOf(complex.centre);
    const busy = groupBy(
      await tx
        .select({
          vehicleId: vehicleReservations.vehicleId,
          start: vehicleReservations.startsAt,
          at: vehicleReservations.endsAt,
          lat: drop.lat,
          lng: drop.lng,
        })
        .from(vehicleReservations)
        .innerJoin(bookings, eq(bookings.id, vehicleReservations.bookingId))
        .innerJoin(shipmentRequests, eq(shipmentRequests.id, bookings.requestId))
        // By vehicle (IN, not a join, so the planner starts from the fleet), then only what ends after now.
        .where(and(inArray(vehicleReservations.vehicleId, tx.select({ id: vehicles.id }).from(vehicles).where(activeVehicle)), isNull(vehicleReservations.releasedAt), gt(vehicleReservations.endsAt, now)))
        .all(),
      (r) => r.vehicleId,
    );
    const done = await lastDropsDone(tx, activeVehicle, complex.centre, now);
    // What each truck is booked to drive from today on: a day's driving is capped for the truck, not per route.
    const drives = await bookedDrives(tx, vehicleRows.map((v) => v.id), new Date(kstTimeOn(today, '00:00')));
    const vehicleInputs: VehicleInput[] = vehicleRows
      .map((v) => {
        const open = (windows.get(v.id) ?? []).map((w) => ({ start: Math.max(w.startsAt.getTime(), nowMs), end: w.endsAt.getTime() }));
        const held = busy.get(v.id) ?? [];
        const last = held.reduce<(typeof held)[number] | undefined>((a, b) => (a && a.at >= b.at ? a : b), undefined);
        // Free only after its last booking ahead, from whose drop it starts (truck-start.ts).
        const free = freeTime(open, held.map((b) => ({ start: b.start.getTime(), end: b.at.getTime() }))).filter((w) => !last || w.start >= last.at.getTime());
        return { v, free, location: truckStart(v, last, done.get(v.id)) };
      })
      .filter(({ free }) => free.length > 0)
      .map(({ v, free, location }) => ({ ...vehicleInputOf(v, location, free), bookedKmByDay: bookedKmByDay(drives, v.id) }));

    const todayIso = isoFromDay(today);
    const activeListing = and(eq(warehouseListings.complexId, complex.id), eq(warehouseListings.status, 'ACTIVE'));
    const listingWindows = groupBy(
      await tx
        .select({ listingId: listingAvailability.listingId, fromDay: listingAvailability.fromDay, toDay: listingAvailability.toDay, idlePallets: listingAvailability.idlePallets })
        .from(listingAvailability)
        .innerJoin(warehouseListings, eq(warehouseListings.id, listingAvailability.listingId))
        // Windows not over yet, of any complex (few), then this complex's: not every listing ever made.
        .where(and(activeListing, inArray(listingAvailability.listingId, tx.select({ id: listingAvailability.listingId }).from(listingAvailability).where(gte(listingAvailability.toDay, todayIso)))))
        .all(),
      (w) => w.listingId,
    );
    const listingIds = [...listingWindows.keys()];
    const listingRows = await tx.select().from(warehouseListings).where(inArray(warehouseListings.id, listingIds)).all();
    const reserved = groupBy(
      await tx
        .select({ listingId: listingReservations.listingId, day: listingReservations.day, pallets: sum(listingReservations.pallets).mapWith(Number) })
        .from(listingReservations)
        .where(and(inArray(listingReservations.listingId, listingIds), isNull(listingReservations.releasedAt), gte(listingReservations.day, todayIso)))
        .groupBy(listingReservations.listingId, listingReservations.day)
        .all(),
      (r) => r.listingId,
    );
    const listings: ListingInput[] = listingRows
      .map((l) => {
        const listed = (listingWindows.get(l.id) ?? [])
          .map((w) => ({ fromDay: Math.max(dayFromIso(w.fromDay), today), toDay: dayFromIso(w.toDay), idlePallets: w.idlePallets }))
          .filter((w) => w.fromDay <= w.toDay);
        return { l, idle: netIdlePallets(listed, new Map((reserved.get(l.id) ?? []).map((r) => [dayFromIso(r.day), r.pallets]))) };
      })
      .filter(({ idle }) => idle.length > 0)
      .map(({ l, idle }) => ({
        id: String(l.id),
        ownerOrgId: String(l.ownerOrgId),
        location: { lat: l.lat, lng: l.lng },
        cells: { r5: l.h3R5, r6: l.h3R6, r7: l.h3R7, r8: l.h3R8, r9: l.h3R9 },
        storageClass: l.storageClass,
        pricePerPalletDayKrw: l.pricePerPalletDayKrw,
        minDays: l.minDays,
        availability: idle,
        opensAt: l.opensAt,
        closesAt: l.closesAt,
        hasForklift: l.hasForklift,
        hasDock: l.hasDock,
      }));

    // Read through the open requests (the rows loaded above), not the complex's declined offers of all time.
    const openIds = tx
      .select({ id: shipmentRequests.id })
      .from(shipmentRequests)
      .where(and(eq(shipmentRequests.complexId, complex.id), eq(shipmentRequests.status, 'OPEN')));
    const awaitingIds = awaiting.map((a) => a.request.id);
    // Without awaiting requests, the open ones alone: an OR with an empty list would read every offer, not by index.
    const ofConsidered = (requestId: typeof offers.requestId | typeof bookings.requestId) =>
      awaitingIds.length === 0 ? inArray(requestId, openIds) : or(inArray(requestId, openIds), inArray(requestId, awaitingIds));
    // A no to an offer made before the shipper last changed the terms answered the old ones (amendRequest), unless
    // given after the change: that offer stood, meeting the new terms.
    const toPresentTerms = (offerId: typeof offers.id | typeof bookings.offerId, answeredAt: typeof offers.respondedAt | typeof bookings.endedAt) =>
      sql`(${offerId} > coalesce(${shipmentRequests.termsChangedAfterOfferId}, 0) or ${answeredAt} > ${shipmentRequests.termsChangedAt})`;
    const declined = await tx
      .select({ requestId: offers.requestId, vehicleId: offers.vehicleId, listingId: offers.listingId })
      .from(offers)
      .innerJoin(shipmentRequests, eq(shipmentRequests.id, offers.requestId))
      .where(and(ofConsidered(offers.requestId), eq(offers.status, 'DECLINED'), toPresentTerms(offers.id, offers.respondedAt)))
      .all();
    // A supplier that gave a booking back has said no to that request as surely as one that declined it.
    const givenBack = await tx
      .select({ requestId: bookings.requestId, vehicleId: bookings.vehicleId, listingId: bookings.listingId })
      .from(bookings)
      .innerJoin(shipmentRequests, eq(shipmentRequests.id, bookings.requestId))
      .where(and(ofConsidered(bookings.requestId), eq(bookings.status, 'RETURNED'), eq(bookings.endedByOrgId, bookings.supplierOrgId), toPresentTerms(bookings.offerId, bookings.endedAt)))
      .all();
    // Nor is goods' trunk planned on their feeder's truck while its route may be extended: that would carry the request
    // twice on one route. Once that route is done, the truck may take the trunk as a route of its own.
    const bookedRoutes = await loadBookedRoutes(tx, complex.id, now, drives, done);
    const extendable = new Set(bookedRoutes.map((b) => b.routeId));
    const feederTrucks = awaiting.flatMap((a) =>
      a.feederVehicleId && (a.feederRouteId === null || extendable.has(String(a.feederRouteId))) ? [{ requestId: a.request.id, vehicleId: a.feederVehicleId, listingId: null }] : [],
    );
    const excludedPairs: ExcludedPair[] = [...declined, ...givenBack, ...feederTrucks].map((d) =>
      d.listingId ? { requestId: String(d.requestId), listingId: String(d.listingId) } : { requestId: String(d.requestId), vehicleId: String(d.vehicleId) },
    );

    return {
      centre,
      requests,
      vehicles: vehicleInputs,
      listings,
      now: nowMs,
      updatedAtRead: Object.fromEntries(requestRows.map((r) => [String(r.id), r.updatedAt?.getTime() ?? null])),
      trunkTooLate: trunks.filter((t) => t.inputs.length === 0).map((t) => t.id),
      excludedPairs,
      bookedRoutes,
    };
  });
}

/** The complex's centre as the engine takes it, with the pallets it has `promised` to cross-dock by day. */
function centreInputOf(centre: CentreRecord, promised: Awaited<ReturnType<typeof crossDockPromised>>): CentreInput {
  return {
    id: String(centre.id),
    location: { lat: centre.lat, lng: centre.lng },
    handlingFeePerPalletKrw: centre.handlingFeePerPalletKrw,
    crossDockCapacityPalletsPerDay: centre.crossDockPalletsPerDay,
    opensAt: centre.opensAt,
    closesAt: centre.closesAt,
    crossDockedPallets: promised.map((p) => ({ day: dayFromIso(p.day), pallets: p.bookedPallets + p.offeredPallets })),
  };
}

/** A request as the engine takes it: its pickup window from now on. */
export function requestInputOf(r: typeof shipmentRequests.$inferSelect, nowMs: number): RequestInput {
  return {
    id: String(r.id),
    shipperOrgId: String(r.shipperOrgId),
    origin: { lat: r.originLat, lng: r.originLng },
    destination: { lat: r.destinationLat, lng: r.destinationLng },
    weightKg: r.weightKg,
    pallets: r.pallets,
    cargoClass: r.cargoClass,
    pickupWindow: { start: Math.max(r.pickupFrom.getTime(), nowMs), end: r.pickupUntil.getTime() },
    deliveryDeadline: r.deliverBy.getTime(),
    maxPriceKrw: r.maxPriceKrw,
    storage:
      r.storagePallets && r.storageDays && r.storageClass
        ? { pallets: r.storagePallets, days: r.storageDays, storageClass: r.storageClass, splitAllowed: r.storageSplitAllowed }
        : null,
    pickupLoadingMethod: r.loadingAtOrigin,
    deliveryLoadingMethod: r.loadingAtDestination,
  };
}

/**
 * A request awaiting a trunk as the engine takes it: a load picked up at the centre's dock (by forklift) once the goods
 * are there and handled (as a first trunk waits for them: centre-legs.ts) and the centre is open, within one day's
 * opening hours (the next rounds take the days after), delivered by its deliverBy; never through the centre again,
 * and its cap less what its feeder leg costs (handling with it). None while no such day is left before its deliverBy.
 */
export function trunkInputOf({ request, atCentreFrom, feederKrw }: AwaitingTrunk, centre: Pick<CentreRecord, 'lat' | 'lng' | 'opensAt' | 'closesAt'>, nowMs: number): RequestInput[] {
  const dockMs = serviceMinutes(DEFAULT_LOADING_METHOD, request.pallets) * 60_000;
  const ready = Math.max(nowMs, atCentreFrom.getTime() + DEFAULT_CONFIG.centreHandlingMinutes * 60_000);
  for (let day = kstDayOf(ready); kstTimeOn(day, centre.opensAt ?? '00:00') < request.deliverBy.getTime(); day++) {
    const start = Math.max(ready, kstTimeOn(day, centre.opensAt ?? '00:00'));
    const end = Math.min(kstTimeOn(day, centre.closesAt ?? '24:00') - dockMs, request.deliverBy.getTime());
    if (start > end) continue;
    const own = requestInputOf(request, nowMs);
    return [{ ...own, origin: { lat: centre.lat, lng: centre.lng }, pickupWindow: { start, end }, pickupLoadingMethod: DEFAULT_LOADING_METHOD, storage: null, maxPriceKrw: own.maxPriceKrw === null ? null : Math.max(0, own.maxPriceKrw - feederKrw), atCentre: true }];
  }
  return [];
}

/** A vehicle as the engine takes it, at `location` (null: where its carrier last put it, truck-start.ts) over `availability`. */
export function vehicleInputOf(v: typeof vehicles.$inferSelect, location: { lat: number; lng: number } | null, availability: VehicleInput['availability']): VehicleInput {
  return {
    id: String(v.id),
    carrierOrgId: String(v.carrierOrgId),
    vehicleClass: v.tonnageClass,
    payloadKg: v.payloadKg,
    palletSlots: v.palletSlots,
    bodyType: v.bodyType,
    hazmatCertified: v.hazmatCertified,
    location: location ?? { lat: v.lat, lng: v.lng },
    cells: location ? undefined : { r5: v.h3R5, r6: v.h3R6, r7: v.h3R7, r8: v.h3R8, r9: v.h3R9 },
    availability,
    baseFeeKrw: v.baseFeeKrw,
    perKmKrw: v.perKmKrw,
    perStopFeeKrw: v.perStopFeeKrw,
    waitingFeePerHourKrw: v.waitingFeePerHourKrw,
  };
}
