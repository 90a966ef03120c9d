import { and, eq, gt, isNotNull, isNull, lt, ne, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client';
import { transact } from '../../db/transaction';
import { bookings, offers, routes, vehicleReservations } from '../../db/schema';
import { ConflictError } from '../errors';
import { toGlobalId } from '../global-id';
import { expireLapsedOffers } from '../market/expire-offers';
import type { Context } from '../context';
import { publishAll } from '../pubsub';

/** A route its truck cannot drive: the truck is booked on another route over part of its span. */
export class VehicleBusyError extends ConflictError {
  constructor(
    readonly routeId: number,
    busyRouteId: number,
  ) {
    super(`The vehicle is booked on route ${toGlobalId('Route', busyRouteId)} at that time, so it cannot drive this route too`);
  }
}

/** A route's load found no room on its truck (the capacity trigger): lapseBusyRoute tells whether another route holds the truck then. */
export class RouteTruckFullError extends ConflictError {
  constructor(
    readonly routeId: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Another route of route `routeId`'s truck with a booking holding the truck at some time between this route's leaving
 * and its last drop (a booking holds it from its pickup to its delivery, as rounds plan the truck around it), or
 * undefined when there is none. The route itself and, for an extension, the booked route it extends do not count. A
 * booking on no route (made before routes) is the capacity trigger's: it may ride beside a route. One statement, the
 * route read in it, so that it goes with a booking's last writes.
 */
export async function busyRouteOf(db: Db, routeId: number): Promise<number | undefined> {
  const route = alias(routes, 'route');
  const held = await db
    .select({ routeId: bookings.routeId })
    .from(route)
    .innerJoin(vehicleReservations, eq(vehicleReservations.vehicleId, route.vehicleId))
    .innerJoin(bookings, eq(bookings.id, vehicleReservations.bookingId))
    .where(
      and(
        eq(route.id, routeId),
        isNull(vehicleReservations.releasedAt),
        isNotNull(bookings.routeId),
        ne(bookings.routeId, route.id),
        or(isNull(route.extendsRouteId), ne(bookings.routeId, route.extendsRouteId)),
        lt(vehicleReservations.startsAt, route.endAt),
        gt(vehicleReservations.endsAt, route.startAt),
      ),
    )
    .limit(1)
    .get();
  return held?.routeId ?? undefined;
}

/**
 * After the accepting transaction rolled back on `refused`: lets the route lapse (its offers EXPIRED, its requests
 * back to the next round, a leg of them booked by another supplier given back and that supplier told) in a
 * transaction of its own, if its truck is booked on another route over its span then. A truck too full for the
 * route's load is refused so too when another route fills it: whether the loads fit together does not matter.
 * @throws ConflictError naming that route (or `refused` itself when no other route holds the truck then).
 */
export async function lapseBusyRoute(ctx: Pick<Context, 'db' | 'pubsub'>, refused: VehicleBusyError | RouteTruckFullError, now: Date): Promise<never> {
  const { busy, told } = await transact(ctx.db, async (tx) => {
    const busy = await busyRouteOf(tx, refused.routeId);
    if (busy === undefined) throw refused;
    return { busy, told: await expireLapsedOffers(tx, eq(offers.routeId, refused.routeId), now, 'lapsed') };
  });
  // A request's other leg, booked by another supplier, went back with it: that supplier is told.
  publishAll(ctx.pubsub, told);
  throw new ConflictError(`${new VehicleBusyError(refused.routeId, busy).message}: the route expired and its requests return to the next matching round`);
}
