/**
 * `complexActivity(code, recent)`: one subscription that sends the complex's recent activity, oldest first, then its
 * live lines, listening before it reads the history, so that a line committed meanwhile is neither lost nor told twice.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { publishAll, type ComplexActivityEvent, type Publication, type PubSub } from '../../src/pubsub';
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
  const postedLine = async (weightKg: number) => {
    await api.post(GATE, SUWON, weightKg, 1, 20 * HOUR, 26 * HOUR, 48 * HOUR);
    return expect.stringContaining(`${weightKg} kg`);
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
    // A request stored whose line is held back: it reaches the feed only once the subscription listens.
    const held: Publication[] = [];
    const { publish, subscribe } = server.pubsub;
    server.pubsub.publish = ((topic, payload) => (topic === 'complexActivity' ? void held.push([topic, payload] as Publication) : publish(topic, payload))) as PubSub['publish'];
    const stored = await postedLine(1_201);
    server.pubsub.publish = publish;
    expect(held).toHaveLength(1);
    // The moment the server listens for the subscription, before it reads the history: the held line, which the
    // history holds too, and a line stored nowhere.
    server.pubsub.subscribe = ((topic, signal) => {
      const events = subscribe(topic, signal);
      if (topic === 'complexActivity') {
        server.pubsub.subscribe = subscribe;
        publishAll(server.pubsub, [...held, ['complexActivity', line('between')]]);
      }
      return events;
    }) as PubSub['subscribe'];
    const lines = follow(1);
    await vi.waitFor(() => expect(lines.map((l) => l.summary)).toContain('between'));
    // Later, a line in the same words is another event (the same load posted again): it is told.
    const [, again] = held[0] as ['complexActivity', ComplexActivityEvent];
    publishAll(server.pubsub, [['complexActivity', { ...again, at: new Date() }], ['complexActivity', line('after')]]);
    await vi.waitFor(() => expect(lines.map((l) => l.summary)).toContain('after'));
    expect(lines.map((l) => l.summary)).toEqual([stored, 'between', stored, 'after']);
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
