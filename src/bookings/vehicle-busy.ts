import { and, eq, gt, isNotNull, isNull, lt, notInArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { transact, type Tx } from '../../db/transaction';
import { bookings, routes, vehicleReservations } from '../../db/schema';
import { ConflictError } from '../errors';
import { toGlobalId } from '../global-id';
import { expireRouteOffers } from '../market/expire-offers';
import type { RouteRecord } from '../matching/route-record';

type Span = Pick<RouteRecord, 'id' | 'vehicleId' | 'startAt' | 'endAt' | 'extendsRouteId'>;

/** A route its truck cannot drive: the truck is booked on another route over part of its span. */
export class VehicleBusyError extends ConflictError {
  constructor(
    readonly routeId: number,
    busyRouteId: number,
  ) {
    super(`The vehicle is booked on route ${toGlobalId('Route', busyRouteId)} at that time, so it cannot drive this route too`);
  }
}

/**
 * Another route of `route`'s truck with a booking holding the truck at some time between this route's leaving and
 * its last drop (a booking holds it from its pickup to its delivery, as rounds plan the truck around it), or
 * undefined when there is none. The route itself and, for an extension, the booked route it extends do not count. A
 * booking on no route (made before routes) is the capacity trigger's: it may ride beside a route.
 */
async function busyRouteOf(db: Db, route: Span): Promise<number | undefined> {
  const own = route.extendsRouteId === null ? [route.id] : [route.id, route.extendsRouteId];
  const held = await db
    .select({ routeId: bookings.routeId })
    .from(vehicleReservations)
    .innerJoin(bookings, eq(bookings.id, vehicleReservations.bookingId))
    .where(
      and(
        eq(vehicleReservations.vehicleId, route.vehicleId),
        isNull(vehicleReservations.releasedAt),
        isNotNull(bookings.routeId),
        notInArray(bookings.routeId, own),
        lt(vehicleReservations.startsAt, route.endAt),
        gt(vehicleReservations.endsAt, route.startAt),
      ),
    )
    .limit(1)
    .get();
  return held?.routeId ?? undefined;
}

/**
 * Refuses, in the accepting transaction, a route whose truck is booked on another route at overlapping times:
 * pending offers hold no truck, so two rounds may offer one truck routes at the same hours elsewhere.
 * @throws VehicleBusyError naming the route the truck is booked on.
 */
export async function assertVehicleFree(tx: Tx, route: Span): Promise<void> {
  const busy = await busyRouteOf(tx, route);
  if (busy !== undefined) throw new VehicleBusyError(route.id, busy);
}

/**
 * After the accepting transaction rolled back on `busy`: lets the route lapse (its offers EXPIRED, its requests
 * back to the next round) in a transaction of its own, if its truck is still booked elsewhere then.
 * @throws ConflictError saying so (or `busy` itself when the truck is free again).
 */
export async function lapseBusyRoute(db: Db, busy: VehicleBusyError, now: Date): Promise<never> {
  await transact(db, async (tx) => {
    const route = await tx.select().from(routes).where(eq(routes.id, busy.routeId)).get();
    if (!route || (await busyRouteOf(tx, route)) === undefined) throw busy;
    await expireRouteOffers(tx, route.id, now);
  });
  throw new ConflictError(`${busy.message}: the route expired and its requests return to the next matching round`);
}
