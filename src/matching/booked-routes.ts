import { and, eq, gt, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { bookings, offers, routes, routeStops, shipmentRequests, vehicleAvailability, vehicleReservations, vehicles, type RequestStatus } from '../../db/schema';
import type { BookedRouteInput } from './engine';
import { requestInputOf, vehicleInputOf } from './round-input';
import { bookedKmByDay, type BookedDrive } from './booked-driving';
import { truckStart, type Drop } from './truck-start';

/**
 * Request statuses after which a route's stop of each action is served: both legs through the centre share the
 * request's status (PICKED_UP by the feeder, AT_CENTRE once handed over, IN_TRANSIT once the trunk has loaded).
 */
const SERVED_AFTER: Readonly<Record<StopRow['action'], readonly RequestStatus[]>> = {
  PICKUP: ['PICKED_UP', 'AT_CENTRE', 'IN_TRANSIT', 'DELIVERED'],
  CENTRE_DROP: ['AT_CENTRE', 'IN_TRANSIT', 'DELIVERED'],
  CENTRE_PICKUP: ['IN_TRANSIT', 'DELIVERED'],
  DROP: ['DELIVERED'],
};

type StopRow = typeof routeStops.$inferSelect;

/** Whether the stop is served, given its request's status. */
export function stopServed(stop: Pick<StopRow, 'action'>, status: RequestStatus): boolean {
  return SERVED_AFTER[stop.action].includes(status);
}

/** How many of a route's stops (in order) are served: they are served in order, so any gap makes it null. */
export function servedPrefix(stops: Pick<StopRow, 'action' | 'requestId'>[], statusOf: (requestId: number) => RequestStatus | undefined): number | null {
  let done = 0;
  while (done < stops.length && stopServed(stops[done]!, statusOf(stops[done]!.requestId) ?? 'OPEN')) done++;
  return stops.slice(done).some((s) => stopServed(s, statusOf(s.requestId) ?? 'OPEN')) ? null : done;
}

/**
 * The complex's booked routes a round may extend: routes with confirmed shares and stops ahead, none of them
 * cancelled or given back, no extension already pending, drops at the requests' own destinations (a drop at a
 * warehouse belongs to a storage booking the round does not re-plan), and the shift the route is driven in still
 * open when the truck is free. The truck is where its last served stop left it, else where `truckStart` puts it: where
 * its booked route before this one ends (from when it ends), else where its last work done (`lastDone`, from
 * `lastDropsDone`) left it unless reported since. Each of a truck's booked routes may be extended, between the end of
 * the one before it and the start of the one after it (a truck booked for the morning and the afternoon takes loads on
 * its afternoon route too). Reads are driven by the fleet's held reservations that end after now
 * (what is on the road now or later), not by the routes or confirmed bookings of all time: a route whose last planned drop has passed is not extended.
 */
export async function loadBookedRoutes(tx: Tx, complexId: number, now: Date, drives: readonly BookedDrive[], lastDone: ReadonlyMap<number, Drop>): Promise<BookedRouteInput[]> {
  const nowMs = now.getTime();
  // Routes with a planned stop ahead: a share's vehicle reservation, still held, ends after now. Found from the
  // complex's fleet through the held reservations' end, not from every booking left confirmed in its history.
  const aheadRows = await tx
    .selectDistinct({ routeId: bookings.routeId })
    .from(vehicleReservations)
    .innerJoin(bookings, eq(bookings.id, vehicleReservations.bookingId))
    .where(
      and(
        inArray(vehicleReservations.vehicleId, tx.select({ id: vehicles.id }).from(vehicles).where(eq(vehicles.complexId, complexId))),
        isNull(vehicleReservations.releasedAt),
        gt(vehicleReservations.endsAt, now),
        isNotNull(bookings.routeId),
      ),
    )
    .all();
  const ahead = aheadRows.map((r) => r.routeId!);
  if (ahead.length === 0) return [];
  const live = await tx
    .select({ routeId: bookings.routeId, requestId: bookings.requestId, priceKrw: bookings.priceKrw })
    .from(bookings)
    .where(and(inArray(bookings.routeId, ahead), eq(bookings.complexId, complexId), eq(bookings.status, 'CONFIRMED'), eq(bookings.kind, 'TRANSPORT')))
    .all();
  if (live.length === 0) return [];
  const routeIds = [...new Set(live.map((b) => b.routeId!))];
  const extended = await tx
    .select({ id: routes.extendsRouteId })
    .from(routes)
    .innerJoin(offers, eq(offers.routeId, routes.id))
    .where(and(inArray(routes.extendsRouteId, routeIds), eq(offers.status, 'PENDING'), gt(offers.expiresAt, now)))
    .all();
  const pending = new Set(extended.map((r) => r.id));
  const routeRows = await tx.select().from(routes).where(inArray(routes.id, routeIds)).all();
  const stopsOf = new Map<number, StopRow[]>();
  for (const stop of await tx.select().from(routeStops).where(inArray(routeStops.routeId, routeIds)).orderBy(routeStops.routeId, routeStops.seq).all()) {
    const list = stopsOf.get(stop.routeId) ?? [];
    list.push(stop);
    stopsOf.set(stop.routeId, list);
  }
  const requestIds = [...new Set([...stopsOf.values()].flatMap((stops) => stops.map((s) => s.requestId)))];
  const requestOf = new Map((await tx.select().from(shipmentRequests).where(inArray(shipmentRequests.id, requestIds)).all()).map((r) => [r.id, r]));
  const confirmed = new Map(live.map((b) => [`${b.routeId}:${b.requestId}`, b.priceKrw]));
  const vehicleIds = [...new Set(routeRows.map((r) => r.vehicleId))];
  const vehicleOf = new Map((await tx.select().from(vehicles).where(inArray(vehicles.id, vehicleIds)).all()).map((v) => [v.id, v]));
  const windows = await tx
    .select({ vehicleId: vehicleAvailability.vehicleId, startsAt: vehicleAvailability.startsAt, endsAt: vehicleAvailability.endsAt })
    .from(vehicleAvailability)
    .where(and(inArray(vehicleAvailability.vehicleId, vehicleIds), gt(vehicleAvailability.endsAt, now)))
    .all();

  // Each truck's booked routes in driving order: each may take more on between the one before and the one after.
  const inOrder = [...routeRows].sort((a, b) => a.startAt.getTime() - b.startAt.getTime() || a.id - b.id);
  return routeRows.flatMap((route): BookedRouteInput[] => {
    const stops = stopsOf.get(route.id) ?? [];
    const vehicle = vehicleOf.get(route.vehicleId);
    if (pending.has(route.id) || !vehicle || vehicle.status !== 'ACTIVE') return [];
    const done = servedPrefix(stops, (id) => requestOf.get(id)?.status);
    if (done === null || done === stops.length) return [];
    const ahead = stops.slice(done);
    const onRoute = [...new Set(ahead.map((s) => s.requestId))];
    // Every request ahead still booked on this route, dropped at its own destination.
    if (onRoute.some((id) => !confirmed.has(`${route.id}:${id}`))) return [];
    if (ahead.some((s) => s.action === 'DROP' && (s.lat !== requestOf.get(s.requestId)!.destinationLat || s.lng !== requestOf.get(s.requestId)!.destinationLng))) return [];
    const own = inOrder.filter((r) => r.vehicleId === vehicle.id);
    const before = own[own.indexOf(route) - 1];
    const served = done > 0 ? stops[done - 1]! : undefined;
    const endBefore = before && (stopsOf.get(before.id) ?? []).at(-1);
    // Free at its last served stop, else as a fresh route would start it, its route before this one the booking ahead.
    const start = served ? { lat: served.lat, lng: served.lng } : truckStart(vehicle, endBefore, lastDone.get(vehicle.id));
    const readyAt = Math.max(nowMs, (served ?? endBefore)?.departAt.getTime() ?? nowMs, !served && before ? before.endAt.getTime() : nowMs);
    // The shift the route is driven in, still open when the truck is free.
    const startAt = route.startAt.getTime();
    const window = windows.find((w) => w.vehicleId === vehicle.id && w.startsAt.getTime() <= startAt && startAt < w.endsAt.getTime() && readyAt < w.endsAt.getTime());
    if (!window) return [];
    // The truck leaves for its next booked route on time: what this one takes on must be done by then.
    const next = Math.min(window.endsAt.getTime(), own[own.indexOf(route) + 1]?.startAt.getTime() ?? Infinity);
    if (readyAt >= next) return [];
    return [
      {
        routeId: String(route.id),
        revision: route.revision,
        stopsDone: done,
        vehicle: {
          ...vehicleInputOf(vehicle, start, [{ start: Math.max(readyAt, window.startsAt.getTime()), end: next }]),
          // The truck's other routes: this one's driving is in the extension's plan.
          bookedKmByDay: bookedKmByDay(drives, vehicle.id, route.id),
        },
        requests: onRoute.map((id) => ({
          request: requestInputOf(requestOf.get(id)!, nowMs),
          priceKrw: confirmed.get(`${route.id}:${id}`)!,
          // Loaded at a stop served on this route (a trunk's load collected by its feeder is not on board yet).
          onBoard: stops.slice(0, done).some((s) => s.requestId === id && (s.action === 'PICKUP' || s.action === 'CENTRE_PICKUP')),
        })),
        stops: ahead.map((s) => ({ requestId: String(s.requestId), action: s.action, ...(s.action.startsWith('CENTRE') ? { at: s.startAt.getTime() } : {}) })),
      },
    ];
  });
}
