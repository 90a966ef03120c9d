import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { stopRequests } from '../../src/stop-signals';

/** Holds the event loop, as loading the demo or writing a round does. */
const busyFor = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};

it("hears npm's copy of a Ctrl-C as the same request, even when a busy loop hands it over seconds later", async () => {
  const heard: string[] = [];
  const requests = stopRequests((s) => heard.push(`first ${s}`), (s) => heard.push(`again ${s}`));
  expect(requests.requested()).toBe(false);
  requests.hear('SIGINT');
  requests.hear('SIGINT');
  expect(heard).toEqual(['first SIGINT']);
  expect(requests.requested()).toBe(true);

  // The copy arrived while the loop was held for 1.5 s: by the clock past the second, by the loop's time not.
  busyFor(1_500);
  await sleep(0);
  requests.hear('SIGINT');
  expect(heard).toEqual(['first SIGINT']);

  // Once the loop has run on for a second, a signal is a new request.
  const started = Date.now();
  await expect.poll(() => (requests.hear('SIGTERM'), heard), { timeout: 5_000, interval: 50 }).toEqual(['first SIGINT', 'again SIGTERM']);
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
});
