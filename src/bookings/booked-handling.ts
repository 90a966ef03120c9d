import { inArray } from 'drizzle-orm';
import { offers } from '../../db/schema';
import type { Context } from '../context';

/**
 * The logistics centre's handling in the price of bookings the caller already holds, by their offers' ids in the
 * order asked: a feeder leg's price holds it, though the centre, not the carrier, supplies and invoices it. One query
 * for a page of bookings.
 */
export async function bookedHandling({ ctx, input }: { ctx: Pick<Context, 'db'>; input: { offerIds: readonly number[] } }): Promise<number[]> {
  const rows = await ctx.db.select({ id: offers.id, handlingKrw: offers.handlingKrw }).from(offers).where(inArray(offers.id, [...new Set(input.offerIds)])).all();
  const handlingOf = new Map(rows.map((o) => [o.id, o.handlingKrw]));
  return input.offerIds.map((id) => handlingOf.get(id) ?? 0);
}
