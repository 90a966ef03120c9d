import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { countRows } from '../../db/queries';
import { offers, OFFER_STATUSES } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context, Viewer } from '../context';
import { cursorTag, idOfCursor, PageArgs, toConnection, type Connection } from '../pagination';
import { parseArgs } from '../validation';
import { offerStatusIs, type OfferRecord } from './offer-record';

export const ListOffersInput = PageArgs.extend({
  status: z.enum(OFFER_STATUSES).nullish(),
  requestId: z.number().int().positive().nullish(),
  roundId: z.number().int().positive().nullish(),
});
export type ListOffersInput = z.input<typeof ListOffersInput>;

/** Which offers a caller may see: its requests' (shipper), made to it (supplier), its complex's (operator), all (admin). */
export function offerScope(viewer: Viewer): SQL | undefined {
  switch (viewer.role) {
    case 'MANUFACTURER':
      return eq(offers.shipperOrgId, viewer.organisationId);
    case 'CARRIER':
    case 'WAREHOUSE_OWNER':
      return eq(offers.supplierOrgId, viewer.organisationId);
    case 'OPERATOR':
      return eq(offers.complexId, viewer.complexId!);
    case 'ADMIN':
      return undefined;
  }
}

/** Offers the caller may see, newest first, filtered by status (as of now), request or round. */
export async function listOffers({ ctx, input }: { ctx: Context; input: ListOffersInput }): Promise<Connection<OfferRecord>> {
  const viewer = requireViewer(ctx);
  const { first, after, status, requestId, roundId } = parseArgs(ListOffersInput, input);
  const where = and(
    offerScope(viewer),
    status ? offerStatusIs(status, ctx.now()) : undefined,
    requestId ? eq(offers.requestId, requestId) : undefined,
    roundId ? eq(offers.roundId, roundId) : undefined,
  );
  // Not 'offers': its cursors were of the list oldest first, and would page on the wrong way.
  const tag = cursorTag('offers, newest first', viewer.organisationId, { status, requestId, roundId });
  const beforeId = after ? idOfCursor(tag, after) : null;
  const rows = await ctx.db
    .select()
    .from(offers)
    .where(and(where, beforeId ? lt(offers.id, beforeId) : undefined))
    .orderBy(desc(offers.id))
    .limit(first + 1)
    .all();
  return toConnection(tag, rows, first, (o) => o.id, () => countRows(ctx.db, offers, where), beforeId !== null);
}
