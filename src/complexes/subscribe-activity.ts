import { z } from 'zod';
import { requireOverseer } from '../auth/authorize';
import type { Context } from '../context';
import { MAX_PAGE_SIZE } from '../pagination';
import { filterEvents, precededBy, type ComplexActivityEvent } from '../pubsub';
import { parseArgs } from '../validation';
import { ComplexCode, getComplex } from './get-complex';
import { recentComplexActivity } from './recent-activity';

export const SubscribeComplexActivityInput = z.object({
  code: ComplexCode,
  // `recent: null`, as clients send an unset variable, asks for none as leaving it out does.
  recent: z.preprocess((v) => v ?? undefined, z.number().int().min(1).max(MAX_PAGE_SIZE).optional()),
});
export type SubscribeComplexActivityInput = z.input<typeof SubscribeComplexActivityInput> & { signal?: AbortSignal };

/**
 * Live feed of what happens in one complex, for the operators of that complex and admins. With `recent`, its newest
 * `recent` lines (recentComplexActivity) come first, oldest first: read once the feed listens, so that a line
 * committed meanwhile is not lost, and a line both read and heard live is told once.
 * @throws ValidationError for `recent` outside 1..100; UnauthenticatedError, ForbiddenError or NotFoundError before
 * any event is awaited.
 */
export function subscribeComplexActivity({ ctx, input }: { ctx: Context; input: SubscribeComplexActivityInput }): AsyncIterable<ComplexActivityEvent> {
  const { code, recent } = parseArgs(SubscribeComplexActivityInput, input);
  const complex = getComplex({ ctx, input: { code } });
  requireOverseer(ctx, complex);
  const live = filterEvents(ctx.pubsub.subscribe('complexActivity', input.signal), (event) => event.complexCode === complex.code);
  if (recent === undefined) return live;
  return precededBy(live, async () => {
    const events = (await recentComplexActivity({ ctx, input: { code: complex.code, first: recent } })).reverse();
    // A live line is one read exactly when their ids are equal (made from the same rows, never from a clock): two
    // in the same words, the same load posted twice in one second, are two. Each line read matches once.
    const unheard = new Set(events.map((line) => line.id));
    return { events, told: (event) => unheard.delete(event.id) };
  });
}
