import { requireOverseer } from '../auth/authorize';
import type { Context } from '../context';
import { filterEvents, type ComplexActivityEvent } from '../pubsub';
import { getComplex } from './get-complex';

/**
 * Live feed of what happens in one complex, for the operators of that complex and admins.
 * @throws UnauthenticatedError, ForbiddenError or NotFoundError before any event is awaited.
 */
export function subscribeComplexActivity({ ctx, input }: { ctx: Context; input: { code: string; signal?: AbortSignal } }): AsyncIterable<ComplexActivityEvent> {
  const complex = getComplex({ ctx, input: { code: input.code } });
  requireOverseer(ctx, complex);
  return filterEvents(ctx.pubsub.subscribe('complexActivity', input.signal), (event) => event.complexCode === complex.code);
}
