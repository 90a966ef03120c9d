import { eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { routePlans, routeStops, type PlannedStop } from '../../db/schema';

/** A route's stop in order: a booked route's row, or a stop of a plan with its route and position. */
export type RouteStopRow = typeof routeStops.$inferSelect;

const placed = (routeId: number, stops: PlannedStop[], from = 0): RouteStopRow[] => stops.map((s, k) => ({ ...s, routeId, seq: from + k }));

/**
 * The stops of `routeIds`, in order: a booked route's rows, any other's plan (see routePlans). A route whose plan
 * retention has deleted, or an accepted extension (its stops became the booked route's), is absent.
 */
export function stopsOfRoutes(db: Db | Tx, routeIds: readonly number[]): Map<number, RouteStopRow[]> {
  const stopsOf = new Map<number, RouteStopRow[]>();
  if (routeIds.length === 0) return stopsOf;
  for (const stop of db.select().from(routeStops).where(inArray(routeStops.routeId, [...routeIds])).orderBy(routeStops.routeId, routeStops.seq).all()) {
    const list = stopsOf.get(stop.routeId);
    if (list) list.push(stop);
    else stopsOf.set(stop.routeId, [stop]);
  }
  const planned = routeIds.filter((id) => !stopsOf.has(id));
  if (planned.length > 0) for (const plan of db.select().from(routePlans).where(inArray(routePlans.routeId, planned)).all()) stopsOf.set(plan.routeId, placed(plan.routeId, plan.stops));
  return stopsOf;
}

/** Writes `stops` as the plan of the new route `routeId`, in the caller's transaction. */
export function planRoute(tx: Tx, routeId: number, stops: PlannedStop[]): void {
  tx.insert(routePlans).values({ routeId, stops }).run();
}

/**
 * Writes `stops` as the route_stops rows of `routeId` from position 0 on (the capacity trigger checks each), in the
 * caller's transaction.
 */
export function writeStopRows(tx: Tx, routeId: number, stops: PlannedStop[]): void {
  for (const row of placed(routeId, stops)) tx.insert(routeStops).values(row).run();
}

/**
 * A route being booked: its plan becomes its route_stops rows and goes, in the caller's transaction. Returns the
 * stops, or null when it had no plan (its rows were written before).
 */
export function bookPlan(tx: Tx, routeId: number): PlannedStop[] | null {
  const plan = tx.delete(routePlans).where(eq(routePlans.routeId, routeId)).returning().get();
  if (!plan) return null;
  writeStopRows(tx, routeId, plan.stops);
  return plan.stops;
}
