import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { matchingRounds } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import type { MatchingRoundRecord } from './round-record';

export const GetRoundInput = z.object({ id: z.number().int().positive() });
export type GetRoundInput = z.infer<typeof GetRoundInput>;

/**
 * One matching round, for the operators of its complex and admins.
 * @throws NotFoundError for an unknown round or another complex's; ForbiddenError for other roles.
 */
export async function getRound({ ctx, input }: { ctx: Context; input: GetRoundInput }): Promise<MatchingRoundRecord> {
  const viewer = requireRole(ctx, 'OPERATOR', 'ADMIN');
  const { id } = parseInput(GetRoundInput, input);
  const round = await ctx.db.select().from(matchingRounds).where(eq(matchingRounds.id, id)).get();
  if (!round || (viewer.role === 'OPERATOR' && viewer.complexId !== round.complexId)) throw new NotFoundError('Matching round');
  return round;
}
