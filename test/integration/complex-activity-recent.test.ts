/**
 * `complexActivity(code, recent)`: one subscription that sends the complex's recent activity, oldest first, then its
 * live lines, listening before it reads the history, so that a line committed meanwhile is neither lost nor told twice.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { publishAll, type ComplexActivityEvent, type Publication, type PubSub } from '../../src/pubsub';
import { ctxAs, shipment } from '../helpers/bookings-fixtures';
import { firstResults, wsClient } from '../helpers/clients';
import { marketApi } from '../helpers/market-api';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const GATE = { lat: 37.325, lng: 126.75 };
const SUWON = { lat: 37.2636, lng: 127.0286 };
const FEED = 'subscription ($code: String!, $recent: Int) { complexActivity(code: $code, recent: $recent) { kind summary } }';

type Line = { kind: string; summary: string };

describe('complexActivity with its recent activity', () => {
  const tmp = tempDir();
  let server: TestServer;
  const api = marketApi(() => server);
  const clients: { dispose(): unknown }[] = [];
  /** A line published on the complex's feed and stored nowhere. */
  const line = (summary: string): ComplexActivityEvent => ({ id: summary, complexCode: 'BANWOL_SIHWA', kind: 'REQUEST_POSTED', at: new Date(), summary, summaryKo: summary });
  /** Follows the operator's feed with `recent` lines first; the lines as they come. */
  const follow = (recent: number) => {
    const client = wsClient(server.wsUrl, { apiKey: server.keyOf('OPERATOR').apiKey });
    clients.push(client);
    const lines: Line[] = [];
    client.subscribe<{ complexActivity: Line }>(
      { query: FEED, variables: { code: 'BANWOL_SIHWA', recent } },
      { next: ({ data, errors }) => void lines.push(data?.complexActivity ?? { kind: 'ERROR', summary: JSON.stringify(errors) }), error: () => {}, complete: () => {} },
    );
    return lines;
  };
  /** Holds back the complex's feed while `write` runs: what it would have told. */
  const heldBack = async (write: () => Promise<unknown>) => {
    const held: Publication[] = [];
    const { publish } = server.pubsub;
    server.pubsub.publish = ((topic, payload) => (topic === 'complexActivity' ? void held.push([topic, payload] as Publication) : publish(topic, payload))) as PubSub['publish'];
    try {
      await write();
    } finally {
      server.pubsub.publish = publish;
    }
    return held;
  };
  /** Publishes `events` the moment the server listens for the next feed, before it reads the history. */
  const onListening = (events: Publication[]) => {
    const { subscribe } = server.pubsub;
    server.pubsub.subscribe = ((topic, signal) => {
      const listening = subscribe(topic, signal);
      if (topic === 'complexActivity') {
        server.pubsub.subscribe = subscribe;
        publishAll(server.pubsub, events);
      }
      return listening;
    }) as PubSub['subscribe'];
  };
  const postedLine = async (weightKg: number) => {
    await api.post(GATE, SUWON, weightKg, 1, 20 * HOUR, 26 * HOUR, 48 * HOUR);
    return expect.stringContaining(`${weightKg.toLocaleString('en-US')} kg`);
  };

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'complex-activity-recent.db') });
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await server.stop();
    tmp.remove();
  });

  it('sends the recent activity first, oldest first, then the live lines', async () => {
    await postedLine(1_101);
    const second = await postedLine(1_102);
    const third = await postedLine(1_103);
    const lines = follow(2);
    await vi.waitFor(() => expect(lines).toHaveLength(2));
    const live = await postedLine(1_104);
    await vi.waitFor(() => expect(lines).toHaveLength(3));
    expect(lines).toEqual([
      { kind: 'REQUEST_POSTED', summary: second },
      { kind: 'REQUEST_POSTED', summary: third },
      { kind: 'REQUEST_POSTED', summary: live },
    ]);
  });

  it('tells once a line published after it listens and before it reads the history', async () => {
    // A request stored whose line is held back: it reaches the feed only once the subscription listens, with a line
    // stored nowhere; the history holds it too.
    let stored: unknown;
    const held = await heldBack(async () => (stored = await postedLine(1_201)));
    expect(held).toHaveLength(1);
    onListening([...held, ['complexActivity', line('between')]]);
    const lines = follow(1);
    await vi.waitFor(() => expect(lines.map((l) => l.summary)).toContain('between'));
    // Later, the same load posted again is another event: it is told.
    const again = await postedLine(1_201);
    publishAll(server.pubsub, [['complexActivity', line('after')]]);
    await vi.waitFor(() => expect(lines.map((l) => l.summary)).toContain('after'));
    expect(lines.map((l) => l.summary)).toEqual([stored, 'between', again, 'after']);
  });

  it('tells each of identical lines of one instant once, read, read and heard, or heard', async () => {
    // The same load posted three times at one instant: three lines in the same words at the same time.
    const at = new Date();
    const shipper = { ...ctxAs(server.db, server.keyOf('MANUFACTURER')), pubsub: server.pubsub, now: () => at };
    const post = () => shipment(shipper, { weightKg: 1_301, pickupWindow: { from: new Date(at.getTime() + 20 * HOUR), until: new Date(at.getTime() + 26 * HOUR) }, deliverBy: new Date(at.getTime() + 48 * HOUR) });
    // The first told before the feed listens: read only. The second's line held back until it listens: read and heard.
    await post();
    const held = await heldBack(post);
    expect(held).toHaveLength(1);
    onListening(held);
    const lines = follow(2);
    await vi.waitFor(() => expect(lines).toHaveLength(2));
    // The third, posted once the history is sent: heard only.
    await post();
    publishAll(server.pubsub, [['complexActivity', line('after')]]);
    await vi.waitFor(() => expect(lines.map((l) => l.summary)).toContain('after'));
    const posted = { kind: 'REQUEST_POSTED', summary: expect.stringContaining('1,301 kg') };
    expect(lines).toEqual([posted, posted, posted, { kind: 'REQUEST_POSTED', summary: 'after' }]);
  });

  it.each([0, 101])('names `recent` when it is %i', async (recent) => {
    const client = wsClient(server.wsUrl, { apiKey: server.keyOf('OPERATOR').apiKey });
    clients.push(client);
    const [result] = await firstResults(client, { query: FEED, variables: { code: 'BANWOL_SIHWA', recent } });
    expect(result!.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'recent', rule: expect.stringMatching(/100|1/) }] });
  });

  it.each([
    ['an operator of another complex', 'OPERATOR', 'GUMI'],
    ['a shipper of the complex', 'MANUFACTURER', undefined],
  ] as const)('refuses %s, as without `recent`', async (_, role, complex) => {
    const client = wsClient(server.wsUrl, { apiKey: server.keyOf(role, complex).apiKey });
    clients.push(client);
    const [result] = await firstResults(client, { query: FEED, variables: { code: 'BANWOL_SIHWA', recent: 5 } });
    expect(result!.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
