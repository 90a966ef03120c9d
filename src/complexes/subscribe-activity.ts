import type { Context } from '../context';
import type { ComplexActivityEvent } from '../pubsub';
import { getComplex } from './get-complex';

/**
 * Live feed of what happens in one complex.
 * @throws NotFoundError when the complex does not exist (before any event is awaited).
 */
export function subscribeComplexActivity({ ctx, input }: { ctx: Context; input: { code: string; signal?: AbortSignal } }): AsyncIterable<ComplexActivityEvent> {
  const { code } = getComplex({ ctx, input: { code: input.code } });
  const events = ctx.pubsub.subscribe('complexActivity', input.signal);
  return (async function* () {
    for await (const event of events) if (event.complexCode === code) yield event;
  })();
}
