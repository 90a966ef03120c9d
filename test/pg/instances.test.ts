import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import WebSocket from 'ws';
import type { GraphQLFormattedError } from 'graphql';
import { createClient } from 'graphql-ws';
import { closePgDatabase, openPgDatabase } from '../../db/pg/client';
import { shipmentRequestVariables } from '../helpers/bookings-fixtures';
import { firstResults, gql, keepTriggering, wsClient } from '../helpers/clients';
import { publishAll, type ComplexActivityEvent, type Publication, type PubSub } from '../../src/pubsub';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { rowsOf } from '../helpers/sql';
import { startSecondInstance, startTestServer, tempDir, type TestServer } from '../helpers/server';

// Two instances of the service on one PostgreSQL database, in one process each with its own pool and listener, as
// two machines would run them.
describe('two instances on one database', () => {
  const tmp = tempDir();
  let a: TestServer;
  let b: Awaited<ReturnType<typeof startSecondInstance>>;
  const PER_ADDRESS = 40;
  const METRICS_TOKEN = 'metrics-token-0123456789';

  beforeAll(async () => {
    a = await startTestServer({ dbPath: tmp.dir, env: { RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS), METRICS_TOKEN } });
    b = await startSecondInstance(a, { RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS), METRICS_TOKEN });
  }, 120_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    tmp.remove();
  });

  const post = (url: string) =>
    gql<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>(
      url,
      `mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }`,
      { input: shipmentRequestVariables() },
      { apiKey: a.keyOf('MANUFACTURER').apiKey },
    );

  it('a subscriber of one instance hears what was written through the other, and both read the same rows', async () => {
    const client = wsClient(b.wsUrl, { apiKey: a.keyOf('OPERATOR').apiKey });
    try {
      const results = firstResults<{ complexActivity: { kind: string } }>(client, { query: 'subscription { complexActivity(code: "BANWOL_SIHWA") { kind } }' });
      const [event] = await keepTriggering(results, () => post(a.url));
      expect(event!.data!.complexActivity.kind).toBe('REQUEST_POSTED');
    } finally {
      await client.dispose();
    }
    const posted = await post(b.url);
    expect(posted.body.errors).toBeUndefined();
    const id = posted.body.data!.shipmentRequestCreate.shipmentRequest.id;
    const read = await gql<{ node: { id: string } | null }>(a.url, 'query ($id: ID!) { node(id: $id) { id } }', { id }, { apiKey: a.keyOf('MANUFACTURER').apiKey });
    expect(read.body.data!.node).toEqual({ id });
  });

  it('a feed with `recent` on one instance tells once a line written through the other and heard after it listens', async () => {
    // The line of a load posted through a is held back until b listens for the feed, before b reads the history.
    const held: Publication[] = [];
    const { publish } = a.pubsub;
    a.pubsub.publish = ((topic, payload) => (topic === 'complexActivity' ? void held.push([topic, payload] as Publication) : publish(topic, payload))) as PubSub['publish'];
    const posted = await post(a.url);
    a.pubsub.publish = publish;
    expect(posted.body.errors).toBeUndefined();
    expect(held).toHaveLength(1);
    const { subscribe } = b.pubsub;
    b.pubsub.subscribe = ((topic, signal) => {
      const events = subscribe(topic, signal);
      if (topic === 'complexActivity') {
        b.pubsub.subscribe = subscribe;
        publishAll(a.pubsub, held);
      }
      return events;
    }) as PubSub['subscribe'];
    const client = wsClient(b.wsUrl, { apiKey: a.keyOf('OPERATOR').apiKey });
    const lines: string[] = [];
    client.subscribe<{ complexActivity: { summary: string } }>(
      { query: 'subscription { complexActivity(code: "BANWOL_SIHWA", recent: 1) { summary } }' },
      { next: ({ data }) => void lines.push(data!.complexActivity.summary), error: () => {}, complete: () => {} },
    );
    try {
      const [, stored] = held[0] as ['complexActivity', ComplexActivityEvent];
      await vi.waitFor(() => expect(lines).toEqual([stored.summary]));
      // Published through a after the held line: once it has come, so would have the held line a second time.
      a.pubsub.publish('complexActivity', { ...stored, id: 'after', at: new Date(), summary: 'after', summaryKo: 'after' });
      await vi.waitFor(() => expect(lines).toContain('after'));
      expect(lines).toEqual([stored.summary, 'after']);
    } finally {
      await client.dispose();
    }
  });

  it("each instance's metrics count its own rounds, not the other's: summed over instances they count each once", async () => {
    const rounds = async (url: string) => {
      const text = await (await fetch(url.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      return Number(/^sandan_matching_round_duration_seconds_count\{complex="BANWOL_SIHWA",trigger="MANUAL"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    const before = [await rounds(a.url), await rounds(b.url)];
    const operator = a.keyOf('OPERATOR').apiKey;
    const client = wsClient(b.wsUrl, { apiKey: operator });
    try {
      // The round's publications reach the other instance together: once its activity event has, so has the round.
      const heard = firstResults<{ complexActivity: { kind: string } }>(client, { query: 'subscription { complexActivity(code: "BANWOL_SIHWA") { kind } }' });
      const [event] = await keepTriggering(heard, () => gql(a.url, 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }', undefined, { apiKey: operator }));
      expect(event!.data!.complexActivity.kind).toBe('MATCHING_ROUND_COMPLETED');
    } finally {
      await client.dispose();
    }
    const ran = (await rounds(a.url)) - before[0]!;
    expect(ran).toBeGreaterThanOrEqual(1);
    expect([ran, (await rounds(b.url)) - before[1]!]).toEqual([ran, 0]);
  });

  it('spends one rate-limit budget per address across instances', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < PER_ADDRESS + 4; i++) {
      const res = await gql(i % 2 === 0 ? a.url : b.url, '{ complexes(first: 1) { totalCount } }');
      codes.push(res.body.errors?.[0]?.extensions?.code as string | undefined);
    }
    // Earlier tests spent some of the budget too; at least the last few of this burst are refused, on both instances.
    const refused = codes.map((code, i) => (code === 'RATE_LIMITED' ? i : -1)).filter((i) => i >= 0);
    expect(refused.length).toBeGreaterThanOrEqual(4);
    expect(refused.some((i) => i % 2 === 0) && refused.some((i) => i % 2 === 1)).toBe(true);
  });
});

describe('a subscription set up while another instance writes', () => {
  const tmp = tempDir();
  let a: TestServer;
  let b: Awaited<ReturnType<typeof startSecondInstance>>;

  beforeAll(async () => {
    a = await startTestServer({ dbPath: tmp.dir });
    // Behind a proxy, so that its requests spend another address's budget than the subscriber's.
    b = await startSecondInstance(a, { TRUST_PROXY: '127.0.0.1,::1' });
  }, 120_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    tmp.remove();
  });

  it('hears what the other instance wrote after the subscribe was received, though its budget answered later', async () => {
    const client = wsClient(a.wsUrl, { apiKey: a.keyOf('OPERATOR').apiKey });
    const holder = new pg.Client({ connectionString: a.databaseUrl });
    await holder.connect();
    const arrivals = a.pubsub.subscribe('complexActivity');
    let timer: NodeJS.Timeout | undefined;
    try {
      expect((await firstResults(client, { query: '{ viewer { name } }' }))[0]!.errors).toBeUndefined();
      // The subscriber's address budget held: its subscribe waits for the budget's answer, as for a slow round trip.
      await holder.query('begin');
      await holder.query("select id from rate_limit_buckets where id like 'ip:%' for update");
      const heard = firstResults<{ complexActivity: { kind: string } }>(client, { query: 'subscription { complexActivity(code: "BANWOL_SIHWA") { kind } }' });
      const waiting = async () => (await holder.query("select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like 'insert into rate_limit_buckets%'")).rowCount! > 0;
      await vi.waitFor(async () => expect(await waiting()).toBe(true), { timeout: 10_000 });
      const reached = arrivals.next();
      const posted = await gql(b.url, 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', { input: shipmentRequestVariables() }, { apiKey: a.keyOf('MANUFACTURER').apiKey, headers: { 'x-forwarded-for': '192.0.2.7' } });
      expect(posted.body.errors).toBeUndefined();
      // The write's event has reached the subscriber's instance before its budget answers.
      expect((await reached).value).toMatchObject({ kind: 'REQUEST_POSTED' });
      await holder.query('commit');
      const none = new Promise<[{ data: { complexActivity: { kind: string } } }]>((resolve) => (timer = setTimeout(() => resolve([{ data: { complexActivity: { kind: 'nothing heard' } } }]), 10_000)));
      const [event] = await Promise.race([heard, none]);
      expect(event!.data!.complexActivity.kind).toBe('REQUEST_POSTED');
    } finally {
      clearTimeout(timer);
      await arrivals.return?.();
      await holder.end();
      await client.dispose();
    }
  });
});

describe('webhooks from two instances', () => {
  const tmp = tempDir();
  // Both instances run the webhook worker, often, so that their runs overlap.
  const FAST = { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', WEBHOOK_WORKER_INTERVAL_MS: '20' };
  let a: TestServer;
  let b: Awaited<ReturnType<typeof startSecondInstance>>;
  let receiver: Receiver;

  beforeAll(async () => {
    a = await startTestServer({ dbPath: tmp.dir, env: FAST });
    b = await startSecondInstance(a, FAST);
    receiver = await startReceiver();
  }, 120_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await receiver?.close();
    tmp.remove();
  });

  it('delivers each event once, whichever instance recorded it and whichever worker runs first', async () => {
    const operator = a.keyOf('OPERATOR').apiKey;
    const created = await gql(a.url, 'mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret } }', { input: { url: receiver.url, eventTypes: ['COMPLEX_ACTIVITY'] } }, { apiKey: operator });
    expect(created.body.errors, JSON.stringify(created.body.errors)).toBeUndefined();
    const POSTS = 30;
    await Promise.all(
      Array.from({ length: POSTS }, (_, i) =>
        gql(i % 2 ? b.url : a.url, 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', { input: shipmentRequestVariables() }, { apiKey: a.keyOf('MANUFACTURER').apiKey }),
      ),
    );
    await receiver.waitFor(POSTS);
    // Every delivery settled, then nothing more arrives: a second fan-out of an event would have sent it again.
    await vi.waitFor(async () => expect(await rowsOf(a.db, "select id from webhook_deliveries where status <> 'DELIVERED'")).toEqual([]), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(POSTS);
    expect(new Set(ids).size).toBe(POSTS);
  });
});

describe('an instance whose PostgreSQL is away', () => {
  const tmp = tempDir();
  let a: TestServer;
  beforeAll(async () => {
    a = await startTestServer({ dbPath: tmp.dir });
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
    tmp.remove();
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, not a 500 (over an open WebSocket the same code, a new one closed with 1013), and serves again once it is back', async () => {
    // The instance reaches PostgreSQL through a relay the test takes down, as a restart or a failover of the server does.
    const target = new URL(a.databaseUrl!);
    const sockets = new Set<Socket>();
    const relay = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
        sockets.add(from);
        from.on('error', () => to.destroy()).on('close', () => (sockets.delete(from), to.destroy()));
        from.pipe(to);
      }
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const { port } = relay.address() as AddressInfo;
    const relayed = new URL(a.databaseUrl!);
    relayed.port = String(port);
    const b = await startSecondInstance(a, { DATABASE_URL: relayed.href });
    const ask = (apiKey?: string) => gql(b.url, '{ complexes(first: 1) { totalCount } }', undefined, { apiKey });
    // A socket opened while the database answers stays open, and an operation it sends meanwhile fails saying why.
    const open = createClient({ url: b.wsUrl, webSocketImpl: WebSocket, connectionParams: { apiKey: a.keyOf('OPERATOR').apiKey }, retryAttempts: 0, lazy: false });
    /** The errors `{ viewer { name } }` sent on that socket gets (undefined when it is answered). */
    const viewerErrors = () =>
      new Promise<readonly GraphQLFormattedError[] | undefined>((resolve) =>
        open.subscribe({ query: '{ viewer { name } }' }, { next: (result) => resolve(result.errors), error: (errors) => resolve(errors as GraphQLFormattedError[]), complete: () => {} }),
      );
    // A connection of the service's pools checked out, as a transaction holds one, when the server goes.
    const handle = openPgDatabase(relayed.href);
    const held = await handle.$client.connect();
    try {
      expect((await ask()).status).toBe(200);
      expect(await viewerErrors()).toBeUndefined();
      const relayClosed = new Promise((resolve) => relay.close(resolve));
      for (const socket of sockets) socket.destroy();
      await relayClosed;
      // Its end crashed the process (an 'error' event nobody listened to); now its statement fails, and the pool drops it.
      await expect(held.query('select 1')).rejects.toThrow();
      held.release(true);
      for (const apiKey of [undefined, a.keyOf('MANUFACTURER').apiKey]) {
        const away = await ask(apiKey);
        expect([away.status, away.headers.get('retry-after'), away.body.errors?.[0]?.extensions?.code]).toEqual([503, '5', 'SERVICE_UNAVAILABLE']);
        expect(away.body.errors![0]!.message).toBe('Service unavailable: the database does not answer; try again later');
      }
      expect((await viewerErrors())?.map((e) => [e.message, e.extensions?.code])).toEqual([['Service unavailable: the database does not answer; try again later', 'SERVICE_UNAVAILABLE']]);
      // A new WebSocket closes with 1013 (Try Again Later), which graphql-ws clients retry, as README promises.
      const socket = new WebSocket(b.wsUrl, 'graphql-transport-ws');
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: a.keyOf('OPERATOR').apiKey } })));
      expect(await closed).toBe(1013);
      await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
      await vi.waitFor(async () => expect((await ask(a.keyOf('MANUFACTURER').apiKey)).status).toBe(200), { timeout: 10_000 });
    } finally {
      await closePgDatabase(handle);
      await open.dispose();
      relay.close();
      for (const socket of sockets) socket.destroy();
      await b.stop();
    }
  });
});
