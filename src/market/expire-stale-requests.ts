import { and, eq, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { preparedPerDatabase } from '../../db/prepared';
import { transact } from '../../db/transaction';
import { shipmentRequests } from '../../db/schema';
import { expireRequests } from './expire-requests';
import { falloutEvents, statusUpdate } from './fallout';
import { publishAll } from '../pubsub';
import { recordWebhookEvents } from '../webhooks/record-event';
import { inFrom, REQUEST_TRANSITIONS } from './transitions';
import type { Context } from '../context';
import { parseInput } from '../validation';

export const ExpireStaleRequestsInput = z.object({
  /** Only this complex's requests; null for all (admin-wide reads). */
  complexId: z.number().int().positive().nullable(),
});
export type ExpireStaleRequestsInput = z.infer<typeof ExpireStaleRequestsInput>;

const expiring = inFrom(shipmentRequests.status, REQUEST_TRANSITIONS.expire);

/**
 * Stale means pickupUntil has passed; pickupFrom (always earlier) bounds the same rows through the
 * (complex, status, pickupFrom) index, so the check reads only requests whose window has opened.
 */
const staleAt = (now: SQL | Date) => and(expiring, lte(shipmentRequests.pickupFrom, now), lte(shipmentRequests.pickupUntil, now));

/**
 * The check every read makes, prepared once per database. Times are bound as epoch ms. No LIMIT: `get` stops at
 * the first row anyway, and SQLite runs this check about 3x slower with drizzle's bound `limit ?`.
 */
const anyStale = preparedPerDatabase((db) => ({
  inComplex: db
    .select({ id: shipmentRequests.id })
    .from(shipmentRequests)
    .where(and(eq(shipmentRequests.complexId, sql.placeholder('complexId')), staleAt(sql`${sql.placeholder('now')}`)))
    .prepare(),
  anywhere: db.select({ id: shipmentRequests.id }).from(shipmentRequests).where(staleAt(sql`${sql.placeholder('now')}`)).prepare(),
}));

/**
 * Marks OPEN and OFFERED requests whose pickup window has passed EXPIRED, withdraws their pending offers and
 * ends any booked leg, telling their suppliers (offerWithdrawn, bookingEnded) and their shippers (shipmentUpdated).
 * Every read of requests (lists, the load board, look-ups) runs it first, so reads report expiry as of now
 * without a scheduler. A read checks before it writes: when nothing is stale, which is the usual case, it
 * takes no write lock. Returns how many requests expired.
 */
export async function expireStaleRequests({ ctx, input }: { ctx: Pick<Context, 'db' | 'now' | 'pubsub'>; input: ExpireStaleRequestsInput }): Promise<number> {
  const { complexId } = parseInput(ExpireStaleRequestsInput, input);
  const now = ctx.now();
  const check = anyStale(ctx.db);
  const found = await (complexId ? check.inComplex.get({ complexId, now: now.getTime() }) : check.anywhere.get({ now: now.getTime() }));
  if (!found) return 0;
  const stale = and(complexId ? eq(shipmentRequests.complexId, complexId) : undefined, staleAt(now));
  const { count, told } = await transact(ctx.db, async (tx) => {
    const { expired, ...fallout } = await expireRequests(tx, stale, now);
    // Its pending offers are withdrawn, and a leg booked while another waited ends with it: their suppliers are told, as
    // after a cancellation; its shipper learns that it expired unserved.
    const told = [...falloutEvents(fallout), ...expired.map((r) => statusUpdate(r, 'EXPIRED', now))];
    const count = expired.length;
    await recordWebhookEvents(tx, told, now);
    return { count, told };
  });
  publishAll(ctx.pubsub, told);
  return count;
}
