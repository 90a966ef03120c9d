import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { organisations } from '../../db/schema';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import { requireViewer } from './authorize';
import type { OrganisationRecord } from './organisation-record';

export const GetOrganisationInput = z.object({ id: z.number().int().positive() });
export type GetOrganisationInput = z.infer<typeof GetOrganisationInput>;

/**
 * An organisation, for itself, the operators of its complex and admins.
 * @throws NotFoundError for an unknown organisation or one the caller may not see.
 */
export async function getOrganisation({ ctx, input }: { ctx: Context; input: GetOrganisationInput }): Promise<OrganisationRecord> {
  const viewer = requireViewer(ctx);
  const { id } = parseInput(GetOrganisationInput, input);
  const org = await ctx.db.select().from(organisations).where(eq(organisations.id, id)).get();
  const visible =
    org && (viewer.role === 'ADMIN' || viewer.organisationId === org.id || (viewer.role === 'OPERATOR' && viewer.complexId === org.complexId));
  if (!visible) throw new NotFoundError('Organisation');
  return org;
}
