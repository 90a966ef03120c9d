import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Tx } from '../../db/transaction';
import { routePlans, routeStops, type PlannedStop } from '../../db/schema';

/** A route's stop in order: a booked route's row, or a stop of a plan with its route and position. */
export type RouteStopRow = typeof routeStops.$inferSelect;

const placed = (routeId: number, stops: PlannedStop[], from = 0): RouteStopRow[] => stops.map((s, k) => ({ ...s, routeId, seq: from + k }));

/**
 * The stops of `routeIds`, in order: a booked route's rows, any other's plan (see routePlans). A route whose plan
 * retention has deleted, or an accepted extension (its stops became the booked route's), is absent.
 */
export async function stopsOfRoutes(db: Db, routeIds: readonly number[]): Promise<Map<number, RouteStopRow[]>> {
  const stopsOf = new Map<number, RouteStopRow[]>();
  if (routeIds.length === 0) return stopsOf;
  for (const stop of await db.select().from(routeStops).where(inArray(routeStops.routeId, [...routeIds])).orderBy(routeStops.routeId, routeStops.seq).all()) {
    const list = stopsOf.get(stop.routeId);
    if (list) list.push(stop);
    else stopsOf.set(stop.routeId, [stop]);
  }
  const planned = routeIds.filter((id) => !stopsOf.has(id));
  if (planned.length > 0) for (const plan of await db.select().from(routePlans).where(inArray(routePlans.routeId, planned)).all()) stopsOf.set(plan.routeId, placed(plan.routeId, plan.stops));
  return stopsOf;
}

/** Writes `stops` as the plan of the new route `routeId`, in the caller's transaction. */
export async function planRoute(tx: Tx, routeId: number, stops: PlannedStop[]): Promise<void> {
  await tx.insert(routePlans).values({ routeId, stops }).run();
}

/**
 * Writes `stops` as the route_stops rows of `routeId` from position 0 on (the capacity trigger checks each), in the
 * caller's transaction.
 */
export async function writeStopRows(tx: Tx, routeId: number, stops: PlannedStop[]): Promise<void> {
  for (const row of placed(routeId, stops)) await tx.insert(routeStops).values(row).run();
}

/**
 * A route being booked: its plan becomes its route_stops rows and goes, in the caller's transaction. Returns the
 * stops, or null when it had no plan (its rows were written before).
 */
export async function bookPlan(tx: Tx, routeId: number): Promise<PlannedStop[] | null> {
  const plan = await tx.delete(routePlans).where(eq(routePlans.routeId, routeId)).returning().get();
  if (!plan) return null;
  await writeStopRows(tx, routeId, plan.stops);
  return plan.stops;
}
