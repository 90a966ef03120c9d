import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { logisticsCentres } from '../../db/schema';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import type { CentreRecord } from './complex-record';

export const GetCentreInput = z.object({ id: z.number().int().positive() });
export type GetCentreInput = z.infer<typeof GetCentreInput>;

/**
 * Public: a joint logistics centre by internal id.
 * @throws NotFoundError when there is no such centre.
 */
export async function getCentre({ ctx, input }: { ctx: Context; input: GetCentreInput }): Promise<CentreRecord> {
  const { id } = parseInput(GetCentreInput, input);
  const centre = await ctx.db.select().from(logisticsCentres).where(eq(logisticsCentres.id, id)).get();
  if (!centre) throw new NotFoundError('LogisticsCentre');
  return centre;
}
