import { randomUUID } from 'node:crypto';
import { vi } from 'vitest';
import type { ComplexActivityEvent, PubSub } from '../../src/pubsub';

const MARKER = 'TEST_MARKER';

/**
 * What a server publishes on complexActivity, in order. On PostgreSQL an event comes back over LISTEN/NOTIFY some
 * time after the mutation has answered, so a test counting events first awaits `settled()`: it publishes a marker
 * of its own, which arrives after everything published before it (an instance's publications go out in order), and
 * waits for it. Counted without it, a registration's late event was counted as the next call's, and an event a
 * call should not have published could arrive after the count and go unseen.
 */
export function activityLog(pubsub: PubSub) {
  const events: ComplexActivityEvent[] = [];
  const arrived = new Set<string>();
  const stop = new AbortController();
  void (async () => {
    for await (const event of pubsub.subscribe('complexActivity', stop.signal)) {
      if (event.complexCode === MARKER) arrived.add(event.summary);
      else events.push(event);
    }
  })();
  return {
    events,
    async settled(): Promise<void> {
      const id = randomUUID();
      pubsub.publish('complexActivity', { id, complexCode: MARKER, kind: 'REQUEST_POSTED', at: new Date(), summary: id, summaryKo: id });
      await vi.waitFor(() => {
        if (!arrived.has(id)) throw new Error('the marker has not arrived yet');
      });
    },
    stop: () => stop.abort(),
  };
}
