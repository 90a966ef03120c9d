import { and, count, eq, gt, gte, lt } from 'drizzle-orm';
import { shipmentRequests, type UnmatchedReason } from '../../db/schema';
import { requireOverseer } from '../auth/authorize';
import { getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { parseArgs } from '../validation';
import { GetComplexInsightsInput } from './get-complex-insights';

export interface UnmatchedCount {
  /** Null for requests no round has considered yet. */
  reason: UnmatchedReason | null;
  count: number;
}

/**
 * OPERATOR of the complex, or ADMIN: the requests posted in [from, to) still OPEN with their pickup ahead (waiting, as
 * insights count them), by why the last round gave them no offer (`ShipmentRequest.unmatched`), most first. Read through the complex's OPEN requests (requests_complex), so it
 * costs what is waiting, not the complex's history.
 */
export async function countUnmatched({ ctx, input }: { ctx: Context; input: GetComplexInsightsInput }): Promise<UnmatchedCount[]> {
  const { complexCode, from, to } = parseArgs(GetComplexInsightsInput, input);
  const complex = getComplex({ ctx, input: { code: complexCode } });
  requireOverseer(ctx, complex);
  const rows = await ctx.db
    .select({ reason: shipmentRequests.unmatchedReason, count: count() })
    .from(shipmentRequests)
    .where(and(eq(shipmentRequests.complexId, complex.id), eq(shipmentRequests.status, 'OPEN'), gt(shipmentRequests.pickupUntil, ctx.now()), gte(shipmentRequests.createdAt, from), lt(shipmentRequests.createdAt, to)))
    .groupBy(shipmentRequests.unmatchedReason)
    .all();
  return rows.map((r) => ({ reason: r.reason, count: Number(r.count) })).sort((a, b) => b.count - a.count || String(a.reason).localeCompare(String(b.reason)));
}
