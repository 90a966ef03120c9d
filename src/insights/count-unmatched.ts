import { and, eq, gt } from 'drizzle-orm';
import { shipmentRequests, type UnmatchedReason } from '../../db/schema';
import { requireOverseer } from '../auth/authorize';
import { getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { awaitsTrunk } from '../market/awaiting-trunk';
import { parseArgs } from '../validation';
import { GetComplexInsightsInput } from './get-complex-insights';

export interface UnmatchedCount {
  /** Null for requests no round has considered yet. */
  reason: UnmatchedReason | null;
  count: number;
}

/**
 * OPERATOR of the complex, or ADMIN: the requests posted in [from, to) still OPEN with their pickup ahead (waiting, as
 * insights count them), and those whose goods await a new trunk with none on offer (awaiting-trunk.ts), by why the
 * last round gave them no offer (`ShipmentRequest.unmatched`), most first. Goods awaiting a trunk past their deliverBy
 * count as DEADLINE whatever the last round said: rounds no longer try, the operator arranges them by hand. Read
 * through the complex's OPEN and in-flight requests (requests_complex), so it costs what is waiting, not the
 * complex's history.
 */
export async function countUnmatched({ ctx, input }: { ctx: Context; input: GetComplexInsightsInput }): Promise<UnmatchedCount[]> {
  const { complexCode, from, to } = parseArgs(GetComplexInsightsInput, input);
  const complex = getComplex({ ctx, input: { code: complexCode } });
  requireOverseer(ctx, complex);
  const now = ctx.now();
  // What waits, by status (requests_complex), its period picked here: by posting time the index would read the
  // period's every request, delivered or not.
  const ofComplex = eq(shipmentRequests.complexId, complex.id);
  const waiting = [
    ...(await ctx.db
      .select({ reason: shipmentRequests.unmatchedReason, createdAt: shipmentRequests.createdAt })
      .from(shipmentRequests)
      .where(and(ofComplex, eq(shipmentRequests.status, 'OPEN'), gt(shipmentRequests.pickupUntil, now)))
      .all()),
    ...(await ctx.db
      .select({ reason: shipmentRequests.unmatchedReason, createdAt: shipmentRequests.createdAt, deliverBy: shipmentRequests.deliverBy })
      .from(shipmentRequests)
      .where(and(ofComplex, awaitsTrunk(ctx.db, { unoffered: true })))
      .all()).map((r) => ({ ...r, reason: r.deliverBy <= now ? ('DEADLINE' as const) : r.reason })),
  ];
  const counts = new Map<UnmatchedReason | null, number>();
  for (const r of waiting) {
    if (r.createdAt < from || r.createdAt >= to) continue;
    counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  }
  return [...counts].map(([reason, n]) => ({ reason, count: n })).sort((a, b) => b.count - a.count || String(a.reason).localeCompare(String(b.reason)));
}
