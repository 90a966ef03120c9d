import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Publication, PubSub, Topics } from '../../src/pubsub';
import { createPgPubSub, decodePublication, encodePublication, notifyIn, type PgPubSub } from '../../src/pubsub-pg';
import { spawnChild, type Child } from './helpers/child';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { keepaliveSecondsLeft } from './helpers/keepalive';

const at = new Date('2026-12-01T09:00:00.123+09:00');
const activity = (summary: string): Publication => ['complexActivity', { id: summary, complexCode: 'BANWOL_SIHWA', kind: 'REQUEST_POSTED', at, summary, summaryKo: summary }];
const shipment: Publication = [
  'shipmentUpdated',
  {
    requestId: 7,
    shipperOrgId: 3,
    status: 'IN_TRANSIT',
    at,
    reason: null,
    trackingEvent: { id: 1, bookingId: 5, requestId: 7, complexId: 1, kind: 'PICKED_UP', occurredAt: at, lat: 37.3, lng: 126.7, note: null, reportedByOrgId: 2, recordedAt: at },
  },
];

/** Everything a PubSub delivers on the given topics, as publications, in arrival order. */
function record(pubsub: PubSub, topics: (keyof Topics)[], signal: AbortSignal): Publication[] {
  const received: Publication[] = [];
  for (const topic of topics) {
    void (async () => {
      for await (const payload of pubsub.subscribe(topic, signal)) received.push([topic, payload] as Publication);
    })();
  }
  return received;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PubSub over PostgreSQL LISTEN/NOTIFY', () => {
  let test: TestDatabase;
  let pubsub: PgPubSub;
  const errors: unknown[] = [];
  const stop = new AbortController();
  const children: Child[] = [];

  beforeAll(async () => {
    test = await freshDatabase();
    pubsub = createPgPubSub(test.db, test.url, { onError: (error) => errors.push(error) });
    await pubsub.ready;
  });
  afterAll(async () => {
    stop.abort();
    for (const child of children) child.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await pubsub?.close();
    await test?.drop();
  });

  it('delivers what one instance publishes to the subscribers of both, each once, in order, with the same values', async () => {
    const received = record(pubsub, ['complexActivity', 'shipmentUpdated'], stop.signal);
    // Over NOTIFY's 8000 bytes (Hangul is 3 bytes in UTF-8): it travels through pubsub_payloads.
    const large = activity('라운드 결과 '.repeat(1_000));
    const sent = [shipment, large, activity('small')];
    const other = spawnChild('test/pg/helpers/pubsub-instance.ts', { PUBSUB_URL: test.url, PUBLISH: JSON.stringify(sent.map(encodePublication)) });
    children.push(other);
    await until(() => received.length >= 3);
    await other.until<{ received?: string }>(() => other.lines.filter((l) => (l as { received?: string }).received).length >= 3);
    await pause(300);
    expect(received).toStrictEqual(sent);
    const theirs = other.lines.flatMap((l) => ((l as { received?: string }).received ? [decodePublication((l as { received: string }).received)] : []));
    expect(theirs).toStrictEqual(sent);
    const { rows } = await test.db.$client.query<{ n: number }>('select count(*)::int as n from pubsub_payloads');
    expect(rows[0]!.n).toBe(1);
    expect(errors).toEqual([]);
  });

  it('sends publications made in a transaction when it commits, all of them, and never when it rolls back', async () => {
    const received = record(pubsub, ['complexActivity'], stop.signal);
    await expect(
      test.db.transaction(async (tx) => {
        await notifyIn(tx, [activity('rolled back')]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await test.db.transaction(async (tx) => {
      // Two equal events: PostgreSQL folds identical notifications of one transaction into one.
      await notifyIn(tx, [activity('committed'), activity('committed')]);
      await pause(300);
      expect(received).toEqual([]);
    });
    await until(() => received.length === 2);
    await pause(300);
    expect(received).toStrictEqual([activity('committed'), activity('committed')]);
  });

  it('probes its idle listening connection within minutes, so that a NAT forgetting it cannot silence it unseen', async () => {
    // This instance's listener, and the other instance's of the first test: each probed after at most a minute idle.
    const left = await keepaliveSecondsLeft(test.db.$client, 'sandan-pubsub');
    expect(left.length).toBeGreaterThan(0);
    for (const seconds of left) expect(seconds).not.toBeNull();
    for (const seconds of left) expect(seconds).toBeLessThanOrEqual(60);
  });

  it('listens again after its connection is dropped', async () => {
    const received = record(pubsub, ['complexActivity'], stop.signal);
    const { rowCount } = await test.db.$client.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'sandan-pubsub' and datname = current_database()",
    );
    expect(rowCount).toBeGreaterThan(0);
    // What is published while it reconnects is lost to it: publish until one arrives.
    for (let n = 0; received.length === 0; n++) {
      if (n > 100) throw new Error('no publication arrived after the listener was dropped');
      pubsub.publish('complexActivity', activity(`after ${n}`)[1] as Topics['complexActivity']);
      await pause(100);
    }
    expect(errors.some((e) => (e as { code?: string }).code === '57P01')).toBe(true);
  });
});
