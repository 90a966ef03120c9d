/**
 * One instance's PubSub for the cross-instance test: its own process, pool and listener. Subscribes to every topic,
 * prints `{ ready: true }` once it listens, then publishes PUBLISH (encoded publications, one after another) and prints
 * `{ received }` (encoded) for each publication it gets, until killed.
 */
import { openPgDatabase } from '../../../db/pg/client';
import type { Topics } from '../../../src/pubsub';
import { createPgPubSub, decodePublication, encodePublication } from '../../../src/pubsub-pg';

const url = process.env.PUBSUB_URL!;
const pubsub = createPgPubSub(openPgDatabase(url, { max: 2 }), url, { onError: (error) => console.error(error) });
const topics: (keyof Topics)[] = ['complexActivity', 'offerReceived', 'shipmentUpdated', 'roundCompleted', 'webhookAttempted'];
for (const topic of topics) {
  void (async () => {
    for await (const payload of pubsub.subscribe(topic)) process.stdout.write(`${JSON.stringify({ received: encodePublication([topic, payload] as never) })}\n`);
  })();
}
await pubsub.ready;
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for (const text of JSON.parse(process.env.PUBLISH ?? '[]') as string[]) {
  const [topic, payload] = decodePublication(text);
  pubsub.publish(topic, payload as never);
}
