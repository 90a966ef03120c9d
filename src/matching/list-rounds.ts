import { and, desc, eq, lt } from 'drizzle-orm';
import { countRows } from '../../db/queries';
import { z } from 'zod';
import { matchingRounds } from '../../db/schema';
import { requireOverseer } from '../auth/authorize';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { cursorTag, idOfCursor, PageArgs, toConnection, type Connection } from '../pagination';
import { parseArgs } from '../validation';
import type { MatchingRoundRecord } from './round-record';

export const ListRoundsInput = PageArgs.extend({ complexCode: ComplexCode });
export type ListRoundsInput = z.input<typeof ListRoundsInput>;

/**
 * OPERATOR of the complex, or ADMIN: its matching rounds with their reports, newest first.
 * @throws ForbiddenError for other roles and other complexes' operators.
 */
export async function listRounds({ ctx, input }: { ctx: Context; input: ListRoundsInput }): Promise<Connection<MatchingRoundRecord>> {
  const { first, after, complexCode } = parseArgs(ListRoundsInput, input);
  const complex = getComplex({ ctx, input: { code: complexCode } });
  const viewer = requireOverseer(ctx, complex);
  const tag = cursorTag('matchingRounds', viewer.organisationId, complexCode);
  const where = eq(matchingRounds.complexId, complex.id);
  const rows = await ctx.db
    .select()
    .from(matchingRounds)
    .where(and(where, after ? lt(matchingRounds.id, idOfCursor(tag, after)) : undefined))
    .orderBy(desc(matchingRounds.id))
    .limit(first + 1)
    .all();
  return toConnection(tag, rows, first, (r) => r.id, () => countRows(ctx.db, matchingRounds, where), !!after);
}
