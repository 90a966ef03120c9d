import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { shipmentRequests } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import { expireStaleRequests } from '../market/expire-stale-requests';
import { canReadBoard, toOpenLoad, type OpenLoadRecord } from './open-load';

export const GetOpenLoadInput = z.object({ id: z.number().int().positive() });
export type GetOpenLoadInput = z.infer<typeof GetOpenLoadInput>;

/**
 * One load of an open-load board, for the carriers and operators of its complex and admins, while it is OPEN.
 * @throws NotFoundError when there is no such open load or the caller may not see its board (they look alike).
 */
export async function getOpenLoad({ ctx, input }: { ctx: Context; input: GetOpenLoadInput }): Promise<OpenLoadRecord> {
  const viewer = requireViewer(ctx);
  const { id } = parseInput(GetOpenLoadInput, input);
  const request = await ctx.db
    .select()
    .from(shipmentRequests)
    .where(and(eq(shipmentRequests.id, id), eq(shipmentRequests.status, 'OPEN')))
    .get();
  if (!request || !canReadBoard(viewer, request.complexId)) throw new NotFoundError('OpenLoad');
  if (request.pickupUntil <= ctx.now()) {
    await expireStaleRequests({ ctx, input: { complexId: request.complexId } });
    throw new NotFoundError('OpenLoad');
  }
  return toOpenLoad(request);
}
