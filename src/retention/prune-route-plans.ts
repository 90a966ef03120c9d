import { and, asc, eq, gte, inArray, lt, notExists, sql } from 'drizzle-orm';
import { transact, type Tx } from '../../db/transaction';
import { offers, routePlans, routes } from '../../db/schema';
import { parseInput } from '../validation';
import { cutoff, PruneInput, type RetentionCtx } from './prune-input';
import { DAY_MS } from '../time';

/**
 * Deletes up to `batchSize` plans (the stop lists of routes nobody booked: a booked route's stops are its rows)
 * of routes offered more than ROUTE_PLAN_RETENTION_DAYS ago with no offer still pending, oldest first, and returns
 * how many. The route and its offers stay, with their prices and statuses; its stop list is gone. Plans are written
 * in route order and go oldest first, so whole pages free up and later plans reuse them: the table holds a
 * window's worth, not every route ever offered.
 */
export function pruneRoutePlans({ ctx, input }: { ctx: RetentionCtx; input: PruneInput }): Promise<number> {
  const { batchSize } = parseInput(PruneInput, input);
  const before = cutoff(ctx, ctx.env.ROUTE_PLAN_RETENTION_DAYS * DAY_MS);
  return transact(ctx.db, async (tx) => {
    const old = tx
      .select({ id: routePlans.routeId })
      .from(routePlans)
      .innerJoin(routes, eq(routes.id, routePlans.routeId))
      .where(
        and(
          lt(routePlans.routeId, await firstRouteFrom(tx, before)),
          lt(routes.createdAt, before),
          notExists(tx.select({ one: sql`1` }).from(offers).where(and(eq(offers.routeId, routePlans.routeId), eq(offers.status, 'PENDING')))),
        ),
      )
      .orderBy(routePlans.routeId)
      .limit(batchSize);
    const deleted = await tx.delete(routePlans).where(inArray(routePlans.routeId, old)).returning({ routeId: routePlans.routeId }).all();
    return deleted.length;
  });
}

/**
 * The id of the first route offered at or after `at` (past the last route when none was): routes are numbered as
 * rounds write them, so a bisection over ids finds it in a few primary-key reads, where routes have no index by
 * time. Rounds of several complexes overlap by minutes; the caller's own test of each route's time keeps it exact.
 */
async function firstRouteFrom(tx: Tx, at: Date): Promise<number> {
  const next = async (id: number) => tx.select({ id: routes.id, createdAt: routes.createdAt }).from(routes).where(gte(routes.id, id)).orderBy(asc(routes.id)).limit(1).get();
  const last = (await tx.select({ id: sql<number | null>`max(${routes.id})` }).from(routes).get())?.id ?? 0;
  // The first route from `lo` on was offered before `at`; the first from `hi` on was not (or there is none).
  const first = await next(0);
  if (!first || first.createdAt >= at) return 1;
  let [lo, hi] = [0, last + 1];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (((await next(mid))?.createdAt ?? at) < at) lo = mid;
    else hi = mid;
  }
  return hi;
}
