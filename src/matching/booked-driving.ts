import { and, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { bookings, HOLDING_BOOKING_STATUSES, offers, routes } from '../../db/schema';
import { kstDayOf } from './engine/days';
import type { VehicleInput } from './engine/types';

/** A truck's booked share of a route: its road km, and the Asia/Seoul day the route starts on. */
export interface BookedDrive {
  vehicleId: number;
  routeId: number | null;
  day: number;
  km: number;
}

/**
 * What the trucks `vehicleIds` are booked to drive on routes with a pickup from `since` on: every booking held or
 * completed, with its share of its route's km (the shares split them: one cancelled or given back takes its km
 * away), on the day its route starts (its pickup's, without a route).
 */
export async function bookedDrives(tx: Pick<Tx, 'select'>, vehicleIds: number[], since: Date): Promise<BookedDrive[]> {
  if (vehicleIds.length === 0) return [];
  const rows = await tx
    .select({ vehicleId: bookings.vehicleId, routeId: bookings.routeId, routeStartAt: routes.startAt, pickupAt: bookings.pickupAt, deadheadKm: offers.deadheadKm, loadedKm: offers.loadedKm })
    .from(bookings)
    .innerJoin(offers, eq(offers.id, bookings.offerId))
    .leftJoin(routes, eq(routes.id, bookings.routeId))
    .where(and(isNotNull(bookings.vehicleId), inArray(bookings.vehicleId, vehicleIds), gte(bookings.pickupAt, since), inArray(bookings.status, [...HOLDING_BOOKING_STATUSES])))
    .all();
  return rows.map((r) => ({ vehicleId: r.vehicleId!, routeId: r.routeId, day: kstDayOf((r.routeStartAt ?? r.pickupAt!).getTime()), km: r.deadheadKm + r.loadedKm }));
}

/** The km `vehicleId` is booked to drive per day, leaving out route `except` (whose extension counts it itself). */
export function bookedKmByDay(drives: readonly BookedDrive[], vehicleId: number, except?: number): VehicleInput['bookedKmByDay'] {
  const km = new Map<number, number>();
  for (const d of drives) if (d.vehicleId === vehicleId && (except === undefined || d.routeId !== except)) km.set(d.day, (km.get(d.day) ?? 0) + d.km);
  return km.size === 0 ? undefined : [...km].map(([day, total]) => ({ day, km: total }));
}
