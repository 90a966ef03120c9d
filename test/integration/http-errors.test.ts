import { createHash, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/global-id';
import { ctxAs, makeOffers, round, shipment, vehicle } from '../helpers/bookings-fixtures';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { rowsOf } from '../helpers/sql';
import { TINY_PNG } from '../../scripts/simulation/market';

const tmp = tempDir();
let server: TestServer;
const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

beforeAll(async () => {
  // Relative, as a user writes it (the default is `data/pod`): relative to the working directory.
  server = await startTestServer({ dbPath: join(tmp.dir, 'errors.db'), env: { NODE_ENV: 'development', POD_STORAGE_DIR: relative(process.cwd(), join(tmp.dir, 'pod')) } });
});
afterAll(async () => {
  await server.stop();
  tmp.remove();
});

describe('client mistakes are answered as such, in GraphQL-shaped JSON', () => {
  it('a subscription over HTTP says where subscriptions are served', async () => {
    const response = await post(JSON.stringify({ query: 'subscription { offerReceived { id } }' }), { authorization: `Bearer ${server.keyOf('CARRIER').apiKey}` });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ message: expect.stringMatching(/served over WebSocket/), extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('a persisted query whose hash does not match its text is a bad request, not a server fault', async () => {
    const query = '{ complexes(first: 1) { totalCount } }';
    const wrong = createHash('sha256').update('something else').digest('hex');
    const response = await post(JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: wrong } } }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }] });
    const right = createHash('sha256').update(query).digest('hex');
    const ok = await post(JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: right } } }));
    expect(((await ok.json()) as { data: unknown }).data).toEqual({ complexes: { totalCount: 7 } });
  });

  it('a body that is not what its Content-Encoding says, or an unknown encoding, is a JSON 4xx', async () => {
    const plain = JSON.stringify({ query: '{ complexes(first: 1) { totalCount } }' });
    const lying = await post(plain, { 'content-encoding': 'gzip' });
    expect(lying.status).toBe(400);
    expect(lying.headers.get('content-type')).toMatch(/application\/json/);
    expect(await lying.json()).toEqual({ errors: [{ message: 'Request body does not decompress as its Content-Encoding says', extensions: { code: 'BAD_REQUEST' } }] });
    const unknown = await post(plain, { 'content-encoding': 'snappy' });
    expect(unknown.status).toBe(415);
    expect(await unknown.json()).toEqual({ errors: [{ message: 'Content-Encoding "snappy" is not supported: send gzip, deflate, br or none', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] });
    const gzipped = await post(gzipSync(plain), { 'content-encoding': 'gzip' });
    expect(((await gzipped.json()) as { data: unknown }).data).toEqual({ complexes: { totalCount: 7 } });
  });

  it("a URL over Node's 16 KB, or a request line it cannot parse, is answered in JSON too, not a bare status line", async () => {
    const long = await fetch(`${server.url}?query=${encodeURIComponent(`{ complexes(first: 1) { totalCount } }${' '.repeat(17_000)}`)}`);
    expect(long.status).toBe(431);
    expect(long.headers.get('content-type')).toMatch(/application\/json/);
    expect(await long.json()).toEqual({ errors: [{ message: 'Request line and headers exceed 16 KB: send long queries in a POST body, not the URL', extensions: { code: 'BAD_REQUEST' } }] });
    const { hostname, port } = new URL(server.url);
    const raw = await new Promise<string>((resolve, reject) => {
      let answer = '';
      const socket = connect(Number(port), hostname, () => socket.write('GET /graphql HTTP/1.1 x\r\n\r\n'));
      socket.on('data', (chunk) => (answer += chunk)).on('end', () => resolve(answer)).on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({ errors: [{ message: 'Malformed HTTP request', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('a WebSocket upgrade on a path nothing serves is a JSON 404 naming where WebSockets are, not an HTML page', async () => {
    const { hostname, port } = new URL(server.url);
    const upgrade = (path: string, { method = 'GET', version = '13', key = 'dGhlIHNhbXBsZSBub25jZQ==' } = {}) =>
      new Promise<string>((resolve, reject) => {
        let answer = '';
        const socket = connect(Number(port), hostname, () =>
          socket.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: ${version}\r\nSec-WebSocket-Key: ${key}\r\n\r\n`),
        );
        socket.on('data', (chunk) => (answer += chunk)).on('end', () => resolve(answer)).on('error', reject);
      });
    for (const path of ['/healthz', '/graphql/', '/other?x=1']) {
      const raw = await upgrade(path);
      expect(raw).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
      expect(raw).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({ errors: [{ message: `No WebSocket is served at ${path}: subscriptions are at /graphql`, extensions: { code: 'NOT_FOUND' } }] });
    }
    // A malformed handshake on the path itself: ws's reason, in JSON (ws wrote an HTML page).
    const RFC = ': a WebSocket opens with GET and the headers of RFC 6455 (version 13)';
    for (const [options, status, message] of [
      [{ version: '99' }, '400 Bad Request', 'Missing or invalid Sec-WebSocket-Version header'],
      [{ key: 'short' }, '400 Bad Request', 'Missing or invalid Sec-WebSocket-Key header'],
      [{ method: 'POST' }, '405 Method Not Allowed', 'Invalid HTTP method'],
    ] as const) {
      const raw = await upgrade('/graphql', options);
      expect(raw).toMatch(new RegExp(`^HTTP/1\\.1 ${status}\r\n`));
      expect(raw).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({ errors: [{ message: message + RFC, extensions: { code: 'BAD_REQUEST' } }] });
    }
  });

  it("a folder of the dashboard's files, with or without its slash, is a JSON 404 as any path nothing serves, not an HTML redirect", async () => {
    for (const path of ['/i18n', '/i18n/', '/vendor', '/dashboard']) {
      const response = await fetch(server.url.replace('/graphql', path), { redirect: 'manual' });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ errors: [{ message: `GET ${path} not found`, extensions: { code: 'NOT_FOUND' } }] });
    }
    // The files in it are served as before.
    expect((await fetch(server.url.replace('/graphql', '/i18n/en.js'))).status).toBe(200);
  });

  it('a request target in absolute form (as a client set up for a proxy sends it) is served as its path; another scheme or credentials are a JSON 400', async () => {
    const { hostname, port } = new URL(server.url);
    const origin = `http://${hostname}:${port}`;
    const send = (head: string, body = '') =>
      new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
        let answer = '';
        const socket = connect(Number(port), hostname, () => socket.write(`${head}\r\nHost: elsewhere.example\r\nConnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
        socket.on('data', (chunk) => (answer += chunk)).on('end', () => {
          const split = answer.indexOf('\r\n\r\n');
          resolve({ status: Number(answer.split(' ')[1]), headers: answer.slice(0, split), body: answer.slice(split + 4) });
        }).on('error', reject);
      });
    const post = await send(`POST ${origin}/graphql HTTP/1.1\r\ncontent-type: application/json`, JSON.stringify({ query: '{ complexes(first: 1) { totalCount } }' }));
    expect(post.status).toBe(200);
    expect(JSON.parse(post.body)).toEqual({ data: { complexes: { totalCount: 7 } } });
    const get = await send(`GET ${origin}/graphql?query=${encodeURIComponent('{ __typename }')} HTTP/1.1\r\napollo-require-preflight: true`);
    expect([get.status, JSON.parse(get.body)]).toEqual([200, { data: { __typename: 'Query' } }]);
    const health = await send(`GET HTTPS://${hostname}:${port}/healthz HTTP/1.1`);
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: 'ok' }]);
    // RFC 9112: the target's host is the request's Host, wherever it is written (the dashboard's policy names it).
    const page = await send(`GET ${origin} HTTP/1.1`);
    expect(page.status).toBe(200);
    expect(page.headers).toContain(`ws://${hostname}:${port} `);
    // A WebSocket too: the upgrade is answered 101, where it was a 404.
    const upgraded = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write(`GET ${origin}/graphql HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`),
      );
      socket.once('data', (chunk) => resolve(String(chunk))).on('error', reject);
      socket.once('data', () => socket.destroy());
    });
    expect(upgraded).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    for (const [target, message] of [
      [`ftp://${hostname}:${port}/graphql`, 'Request target must be a path such as /graphql, or an http:// or https:// URL'],
      [`http://user:pw@${hostname}:${port}/graphql`, 'Request target must not carry credentials (user:password@)'],
      ['http:///graphql', 'Request target must name a host after http://'],
    ]) {
      const refused = await send(`GET ${target} HTTP/1.1`);
      expect(refused.status, target).toBe(400);
      expect(JSON.parse(refused.body)).toEqual({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    }
  });

  it('CONNECT (a client taking the service for a proxy) is a JSON 405, not a connection closed without a word', async () => {
    const { hostname, port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(Number(port), hostname, () => socket.write(`CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`));
      socket.on('data', (chunk) => (text += chunk)).on('end', () => resolve(text)).on('error', reject);
    });
    const [head, body] = answer.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(head.toLowerCase()).toContain('allow: get, head, post');
    expect(JSON.parse(body)).toEqual({ errors: [{ message: 'CONNECT is not served: this is no proxy. Send GraphQL to /graphql with POST (or GET for queries)', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('a path segment that is not percent-encoded UTF-8 (an ID cut mid-character) is refused saying so, not a bare "Bad Request"', async () => {
    const rule = 'Request path holds %E0%A4%A, which is not percent-encoded UTF-8: send IDs and months as the API wrote them';
    const headers = { authorization: `Bearer ${server.keyOf('CARRIER').apiKey}` };
    for (const path of ['/pod-images/%E0%A4%A', '/statements/%E0%A4%A/2026-12.csv']) {
      const response = await fetch(server.url.replace('/graphql', path), { headers });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ errors: [{ message: rule, extensions: { code: 'BAD_REQUEST' } }] });
    }
  });

  it('a domain error has one HTTP status wherever it is answered outside GraphQL', async () => {
    const badKey = await post(JSON.stringify({ query: '{ viewer { name } }' }), { authorization: 'Bearer sdx_0000000000_' + 'A'.repeat(43) });
    expect(badKey.status).toBe(401);
    expect(await badKey.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    const badImageKey = await fetch(server.url.replace('/graphql', '/pod-images/x'), { headers: { authorization: 'Bearer nonsense' } });
    expect(badImageKey.status).toBe(401);
    const unknownImage = await fetch(server.url.replace('/graphql', `/pod-images/${toGlobalId('PodImage', 999_999)}`), { headers: { authorization: `Bearer ${server.keyOf('CARRIER').apiKey}` } });
    expect(unknownImage.status).toBe(404);
    expect(await unknownImage.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
  });
});

describe('proof of delivery with a relative storage folder', () => {
  it('the shipper, the carrier and the operator download what the carrier uploaded', async () => {
    const carrier = server.keyOf('CARRIER');
    const request = await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
    const v = await vehicle(ctxAs(server.db, carrier));
    const [offerId] = await makeOffers(server.db, [{ round: await round(server.db), requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: carrier.organisationId, vehicleId: v.id }]);
    const accepted = await gql<{ offerAccept: { bookings: { id: string }[] } }>(
      server.url,
      'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { bookings { id } } }',
      { id: toGlobalId('Offer', offerId!), key: randomUUID() },
      { apiKey: carrier.apiKey },
    );
    const bookingId = accepted.body.data!.offerAccept.bookings[0]!.id;
    const pickedUp = { bookingId, kind: 'PICKED_UP', occurredAt: new Date().toISOString(), position: { lat: 37.33, lng: 126.76 }, idempotencyKey: randomUUID() };
    const reported = await gql(server.url, 'mutation ($input: TrackingEventReportInput!) { trackingEventReport(input: $input) { trackingEvent { kind } } }', { input: pickedUp }, { apiKey: carrier.apiKey });
    expect(reported.body.errors).toBeUndefined();
    const png = TINY_PNG;
    const uploaded = await fetch(server.url.replace('/graphql', `/pod-images/${bookingId}`), { method: 'POST', headers: { authorization: `Bearer ${carrier.apiKey}`, 'content-type': 'image/png' }, body: png });
    expect(uploaded.status).toBe(201);
    const { downloadPath } = (await uploaded.json()) as { downloadPath: string };
    for (const role of ['CARRIER', 'MANUFACTURER', 'OPERATOR'] as const) {
      const download = await fetch(server.url.replace('/graphql', downloadPath), { headers: { authorization: `Bearer ${server.keyOf(role).apiKey}` } });
      expect(download.status, role).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
    }
  });
});

describe('draining', () => {
  it('a request in flight when the stop begins completes, and /readyz on its connection answers 503', async () => {
    const own = await startTestServer({ dbPath: join(tmp.dir, 'drain.db'), seed: false });
    const { port } = new URL(own.url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d));
    await new Promise((r) => socket.once('connect', r));
    const body = JSON.stringify({ query: '{ complexes(first: 1) { totalCount } }' });
    socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 100));
    const stopped = own.stop();
    await new Promise((r) => setTimeout(r, 100));
    socket.write(`${body.slice(10)}GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n`);
    await stopped;
    expect(received).toMatch(/^HTTP\/1.1 200 OK[\s\S]*"totalCount":\d+[\s\S]*HTTP\/1.1 503 Service Unavailable[\s\S]*"status":"unavailable"/);
    socket.destroy();
  });

  it('a request sent on a connection right after its last answer as the stop began is not run: no answer means no effect', async () => {
    const own = await startTestServer({ dbPath: join(tmp.dir, 'drain-next.db') });
    const { port } = new URL(own.url);
    const admin = own.keyOf('ADMIN');
    const create = (name: string) =>
      JSON.stringify({
        query: 'mutation ($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { apiKey { name } } }',
        variables: { input: { organisationId: toGlobalId('Organisation', own.keyOf('CARRIER').organisationId), name } },
      });
    const request = (body: string) =>
      `POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    // A client's keep-alive connection: one mutation in flight as the stop begins, and the next sent as soon as the
    // first is answered, before the connection's end reaches it.
    const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    socket.on('data', (d) => (received += d));
    socket.on('error', () => {});
    const ended = new Promise((r) => socket.once('end', r));
    await new Promise((r) => socket.once('connect', r));
    const first = request(create('in flight'));
    socket.write(first.slice(0, -10));
    await new Promise((r) => setTimeout(r, 100));
    const stopped = own.stopServing();
    await new Promise((r) => setTimeout(r, 100));
    socket.write(first.slice(-10));
    await ended;
    expect(received).toMatch(/^HTTP\/1.1 200 OK[\s\S]*"name":"in flight"/);
    socket.write(request(create('sent next')));
    await stopped;
    // The service ended its side; with nothing more to hear, the client closes its own.
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    const names = (await rowsOf<{ name: string }>(own.db, "select name from api_keys where name in ('in flight', 'sent next')").finally(() => own.stop())).map((r) => r.name);
    // Answered and written, or neither.
    expect({ answered: received.includes('"name":"sent next"'), written: names.includes('sent next') }).toEqual({ answered: false, written: false });
    expect(names).toEqual(['in flight']);
  });
});
