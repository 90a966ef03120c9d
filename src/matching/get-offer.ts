import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { offers } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import type { OfferRecord } from './offer-record';
import { offerScope } from './list-offers';

export const GetOfferInput = z.object({ id: z.number().int().positive() });
export type GetOfferInput = z.infer<typeof GetOfferInput>;

/**
 * One offer, under the same visibility as listOffers.
 * @throws NotFoundError for an unknown offer or one the caller may not see.
 */
export async function getOffer({ ctx, input }: { ctx: Context; input: GetOfferInput }): Promise<OfferRecord> {
  const viewer = requireViewer(ctx);
  const { id } = parseInput(GetOfferInput, input);
  const offer = await ctx.db.select().from(offers).where(and(eq(offers.id, id), offerScope(viewer))).get();
  if (!offer) throw new NotFoundError('Offer');
  return offer;
}
