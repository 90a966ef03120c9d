import { z } from 'zod';
import type { Context } from '../context';

/** What a pruning verb needs: no viewer, retention is the service's own maintenance. */
export type RetentionCtx = Pick<Context, 'db' | 'env' | 'now'>;

export const PruneInput = z.object({
  /** Most rows one call deletes: one short write transaction, so requests queue behind it only briefly. */
  batchSize: z.number().int().positive().max(10_000),
});
export type PruneInput = z.infer<typeof PruneInput>;

/** The instant `ms` before the context's now: rows older than it are past their retention. */
export const cutoff = (ctx: RetentionCtx, ms: number): Date => new Date(ctx.now().getTime() - ms);
