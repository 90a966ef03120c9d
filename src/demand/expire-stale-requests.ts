import { and, eq, inArray, lte } from 'drizzle-orm';
import { z } from 'zod';
import { offers, shipmentRequests } from '../../db/schema';
import { endRequestBookings } from '../bookings/end-request-bookings';
import { withdrawPendingOffers } from '../bookings/withdraw-offers';
import type { Context } from '../context';
import { parseInput } from '../validation';
import { EXPIRING_STATUSES } from './request-record';

export const ExpireStaleRequestsInput = z.object({
  /** Only this complex's requests; null for all (admin-wide reads). */
  complexId: z.number().int().positive().nullable(),
});
export type ExpireStaleRequestsInput = z.infer<typeof ExpireStaleRequestsInput>;

/**
 * Marks OPEN and OFFERED requests whose pickup window has passed EXPIRED, withdraws their pending offers and
 * ends any booked leg.
 * Every read of requests (lists, the load board, look-ups) runs it first, so reads report expiry as of now
 * without a scheduler. A read checks before it writes: when nothing is stale, which is the usual case, it
 * takes no write lock. Returns how many requests expired.
 */
export function expireStaleRequests({ ctx, input }: { ctx: Pick<Context, 'db' | 'now'>; input: ExpireStaleRequestsInput }): number {
  const { complexId } = parseInput(ExpireStaleRequestsInput, input);
  const now = ctx.now();
  const stale = and(
    complexId ? eq(shipmentRequests.complexId, complexId) : undefined,
    inArray(shipmentRequests.status, EXPIRING_STATUSES),
    lte(shipmentRequests.pickupUntil, now),
  );
  if (!ctx.db.select({ id: shipmentRequests.id }).from(shipmentRequests).where(stale).limit(1).get()) return 0;
  return ctx.db.transaction(
    (tx) => {
      const expired = tx.update(shipmentRequests).set({ status: 'EXPIRED', updatedAt: now }).where(stale).returning({ id: shipmentRequests.id }).all();
      const ids = expired.map((r) => r.id);
      withdrawPendingOffers(tx, inArray(offers.requestId, ids), now);
      // An OFFERED request may hold a booked leg (e.g. its storage) while another leg waits: release it too.
      endRequestBookings(tx, ids, { status: 'CANCELLED', reason: 'The pickup window passed before every leg was booked', byOrgId: null, now });
      return expired.length;
    },
    { behavior: 'immediate' },
  );
}
