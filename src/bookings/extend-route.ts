import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { transact, type Tx } from '../../db/transaction';
import { bookings, offers, routePlans, routes, routeStops, shipmentRequests, vehicleReservations } from '../../db/schema';
import { ConflictError } from '../errors';
import { servedPrefix } from '../matching/booked-routes';
import { writeStopRows } from '../matching/route-plan';
import { expireLapsedOffers } from '../market/expire-offers';
import type { Context } from '../context';
import { publishAll } from '../pubsub';
import type { RouteRecord } from '../matching/route-record';
import type { BookingRecord } from './booking-record';
import { releaseReservations, reserve } from '../market/reservations';

type Extension = RouteRecord & { extendsRouteId: number; extendsRevision: number; extendsStopsDone: number };

/** The extension `routeId` is, or null for a route of its own (or no route). */
export async function extensionOf(db: Db, routeId: number | null): Promise<Extension | null> {
  if (routeId === null) return null;
  const route = await db.select().from(routes).where(eq(routes.id, routeId)).get();
  return route?.extendsRouteId ? (route as Extension) : null;
}

/** Why the booked route is no longer the one the extension was planned on, or null when it is. */
async function staleness(db: Db, extension: Extension): Promise<string | null> {
  const base = (await db.select().from(routes).where(eq(routes.id, extension.extendsRouteId)).get())!;
  if (base.revision !== extension.extendsRevision) return 'another extension was accepted on it since';
  const stops = await db.select().from(routeStops).where(eq(routeStops.routeId, base.id)).orderBy(asc(routeStops.seq)).all();
  const ids = [...new Set(stops.map((s) => s.requestId))];
  const statuses = await db.select({ id: shipmentRequests.id, status: shipmentRequests.status }).from(shipmentRequests).where(inArray(shipmentRequests.id, ids)).all();
  const statusOf = new Map(statuses.map((r) => [r.id, r.status]));
  if (servedPrefix(stops, (id) => statusOf.get(id)) !== extension.extendsStopsDone) return 'the truck has served more of its stops since';
  const held = await db.select({ requestId: bookings.requestId, status: bookings.status }).from(bookings).where(eq(bookings.routeId, base.id)).all();
  const ahead = new Set(stops.slice(extension.extendsStopsDone).map((s) => s.requestId));
  if ([...ahead].some((id) => !held.some((b) => b.requestId === id && b.status === 'CONFIRMED'))) return 'a booking on it ended since';
  return null;
}

/** An extension whose booked route changed since the round planned it (thrown in the accepting transaction). */
export class StaleExtensionError extends ConflictError {
  constructor(
    readonly extension: Extension,
    why: string,
  ) {
    super(`The booked route this extension would extend changed (${why})`);
  }
}

/**
 * After the accepting transaction rolled back on `stale`: lets the extension lapse (its offers EXPIRED, its new
 * requests back to the next round, a leg of them booked by another supplier given back and that supplier told) in a
 * transaction of its own, if its route is still changed.
 * @throws ConflictError saying so (or `stale` itself when the route no longer differs).
 */
export async function lapseStaleExtension(ctx: Pick<Context, 'db' | 'pubsub'>, stale: StaleExtensionError, now: Date): Promise<never> {
  const why = await staleness(ctx.db, stale.extension);
  if (!why) throw stale;
  // A request's other leg, booked by another supplier, went back with it: that supplier is told.
  publishAll(ctx.pubsub, await transact(ctx.db, (tx) => expireLapsedOffers(tx, eq(offers.routeId, stale.extension.id), now, 'lapsed')));
  throw new ConflictError(`The booked route this extension would extend changed (${why}): the extension expired and its requests return to the next matching round`);
}

/**
 * Accepting an extension, in the accepting transaction before its new shares are booked: checks the booked route
 * is as planned, gives it the extension's stops (revision + 1, price and km grown by the extension's), and moves
 * each booked share's planned times and vehicle reservation to its new stops (release, then insert: the capacity
 * trigger checks every new span, and the new shares' spans after them). Returns what to do once the new shares
 * are booked: their bookings ride on the booked route (one route per trip: tracking, insights and the next
 * round's extensions read it), their offers stay on the extension.
 * @throws StaleExtensionError when the booked route changed (lapseStaleExtension then lets it lapse); ConflictError when the truck has no room.
 */
export async function applyExtension(tx: Tx, extension: Extension, now: Date): Promise<(booked: BookingRecord[]) => Promise<void>> {
  const why = await staleness(tx, extension);
  if (why) throw new StaleExtensionError(extension, why);
  const baseId = extension.extendsRouteId;
  // The extension's plan becomes the booked route's stops (its own view shows them from there on).
  const stops = (await tx.delete(routePlans).where(eq(routePlans.routeId, extension.id)).returning().get())?.stops;
  if (!stops) throw new ConflictError('The extension has no stops left to apply');
  await tx.delete(routeStops).where(eq(routeStops.routeId, baseId)).run();
  await writeStopRows(tx, baseId, stops);
  const base = (await tx.select().from(routes).where(eq(routes.id, baseId)).get())!;
  // Before its first stop is served the truck has not left: it leaves when the extension's plan has it leave, which
  // is earlier when new stops go before the booked ones. Once out, it left when the booked route had it leave.
  const startAt = extension.extendsStopsDone === 0 ? extension.startAt : base.startAt;
  await tx
    .update(routes)
    .set({ revision: base.revision + 1, priceKrw: base.priceKrw + extension.priceKrw, deadheadKm: base.deadheadKm + extension.deadheadKm, loadedKm: base.loadedKm + extension.loadedKm, startAt, endAt: extension.endAt })
    .where(eq(routes.id, baseId))
    .run();

  // Booked shares keep their price; their planned times follow their stops, within their windows (the round kept them).
  const held = await tx.select().from(bookings).where(and(eq(bookings.routeId, baseId), eq(bookings.status, 'CONFIRMED'))).all();
  const moved: BookingRecord[] = [];
  for (const booking of held) {
    // A leg through the centre starts or ends at its hand-over there.
    const pickup = stops.find((s) => s.requestId === booking.requestId && (s.action === 'PICKUP' || s.action === 'CENTRE_PICKUP'));
    const drop = [...stops].reverse().find((s) => s.requestId === booking.requestId && (s.action === 'DROP' || s.action === 'CENTRE_DROP'));
    moved.push(
      (await tx
        .update(bookings)
        .set({ pickupAt: pickup?.startAt ?? booking.pickupAt, deliverAt: drop?.departAt ?? booking.deliverAt })
        .where(eq(bookings.id, booking.id))
        .returning()
        .get())!,
    );
  }
  const heldIds = moved.map((b) => b.id);
  const holding = await tx.select({ bookingId: vehicleReservations.bookingId }).from(vehicleReservations).where(and(inArray(vehicleReservations.bookingId, heldIds), isNull(vehicleReservations.releasedAt))).all();
  await releaseReservations(tx, heldIds, now);
  for (const booking of moved) if (holding.some((h) => h.bookingId === booking.id)) await reserve(tx, booking);

  return async (booked) => {
    if (booked.length === 0) return;
    await tx.update(bookings).set({ routeId: baseId }).where(inArray(bookings.id, booked.map((b) => b.id))).run();
    for (const booking of booked) booking.routeId = baseId;
  };
}
