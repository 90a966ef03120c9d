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
    const unheard = (await recentComplexActivity({ ctx, input: { code: complex.code, first: recent } })).reverse();
    return {
      events: [...unheard],
      // A live line is one read when their words match and their times lie within SAME_EVENT_MS (the row's and the
      // event's, taken a moment apart); each line read matches once. An older line in the same words (the same load
      // posted again) is another event: matched by words alone, on PostgreSQL a posting committed while the history
      // was read was dropped for an identical one posted earlier (the dashboard's test, CI).
      told: (event) => {
        const i = unheard.findIndex((line) => wordsOf(line) === wordsOf(event) && Math.abs(line.at.getTime() - event.at.getTime()) <= SAME_EVENT_MS);
        if (i >= 0) unheard.splice(i, 1);
        return i >= 0;
      },
    };
  });
}

/** How far apart a stored row's time and its live event's may be: the same verb takes both, milliseconds apart. */
const SAME_EVENT_MS = 1_000;

/** A line as the feed shows it, but its time: a live event takes its own a moment before or after its stored row's. */
const wordsOf = (event: ComplexActivityEvent) => `${event.kind}\n${event.summary}\n${event.summaryKo}`;
