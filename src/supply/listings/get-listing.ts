import { z } from 'zod';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { NotFoundError } from '../../errors';
import { parseInput } from '../../validation';
import { LISTING_READERS, selectListingsByIds, type ListingRecord } from './listing-record';

export const GetListingInput = z.object({ id: z.number().int().positive() });
export type GetListingInput = z.infer<typeof GetListingInput>;

/**
 * One listing, for its owner, the operators of its complex, admins, and (ACTIVE only, without the owner's
 * contact details) the manufacturers of its complex.
 * @throws ForbiddenError for carriers; NotFoundError for an unknown listing or one the caller may not see.
 */
export async function getListing({ ctx, input }: { ctx: Context; input: GetListingInput }): Promise<ListingRecord> {
  const viewer = requireRole(ctx, ...LISTING_READERS);
  const { id } = parseInput(GetListingInput, input);
  const [listing] = await selectListingsByIds(ctx, viewer, [id]);
  if (!listing) throw new NotFoundError('Warehouse listing');
  return listing;
}
