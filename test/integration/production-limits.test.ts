import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_LIMITS } from '../../graph/security';
import { MAX_PAGE_SIZE } from '../../src/pagination';
import { firstResults, gql, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { rowsOf } from '../helpers/sql';

/** complex → centre → complex → … : `levels` fields deep. */
function nested(levels: number): string {
  let selection = 'code';
  for (let i = 1; i < levels; i++) selection = i % 2 === 1 ? `complex { ${selection} }` : `centre { ${selection} }`;
  return `{ complex(code: "GUMI") { centre { ${selection} } } }`;
}

const OVER_DEEP = nested(OPERATION_LIMITS.depth + 2);
const TOO_MANY_ALIASES = `{ ${Array.from({ length: OPERATION_LIMITS.aliases + 1 }, (_, i) => `a${i}: complex(code: "GUMI") { code }`).join(' ')} }`;
const TOO_MANY_TOKENS = `{ complexes { totalCount ${'totalCount '.repeat(OPERATION_LIMITS.tokens)} } }`;
/** Within depth, aliases and tokens, but ten largest pages, each level weighing 1.5x the one above: over the cost cap. */
const TOO_COSTLY = `{ ${Array.from({ length: 10 }, (_, i) => `a${i}: complexes(first: 100) { edges { node { ${'code '.repeat(20)}centre { ${'nameKo '.repeat(20)}} } } }`).join(' ')} }`;
const INTROSPECTION = '{ __schema { types { name } } }';
const UNKNOWN_FIELD = '{ complexes { totalCountt } }';
/** An enum value the schema does not hold, in a public query: named at its argument, without a hint. */
const UNKNOWN_ENUM_VALUE = '{ complexes(first: 1) { totalCount } heatmap(complexCode: "BANWOL_SIHWA", layer: SUPPLI) { complexCode } }';

/** Opens a raw graphql-ws socket and returns the close code after sending `message`. */
async function closeCodeAfter(wsUrl: string, message: string): Promise<number> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await new Promise((resolve) => socket.once('message', resolve));
  socket.send(message);
  return closed;
}

describe('production mode: limits, introspection and error hygiene over HTTP and WebSocket', () => {
  const tmp = tempDir();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'prod.db'), env: { NODE_ENV: 'production' } });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('still serves a legitimate deep-enough query', async () => {
    const res = await gql(server.url, nested(OPERATION_LIMITS.depth - 2));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it('rejects a malformed JSON body with 400 and a GraphQL-shaped error', async () => {
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ complexes' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
    // JSON, but not the object a GraphQL request is.
    for (const body of ['null', '42', '"{ complexes { totalCount } }"']) {
      const notObject = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect([notObject.status, await notObject.json()]).toEqual([400, { errors: [{ message: 'Request body must be a JSON object, such as {"query": "{ complexes { totalCount } }"}', extensions: { code: 'BAD_REQUEST' } }] }]);
    }
  });

  it('rejects a body over the size limit with 413', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ complexes { totalCount } } #${'x'.repeat(200_000)}` }),
    });
    expect(response.status).toBe(413);
  });

  it.each([
    ['an unknown field, without suggestions', UNKNOWN_FIELD, /Cannot query field "totalCountt"/],
    ['an enum value the schema does not hold, at its argument, without suggestions', UNKNOWN_ENUM_VALUE, /^layer: must be one of SUPPLY, DEMAND$/],
    ['an over-deep query', OVER_DEEP, /depth/i],
    ['too many aliases', TOO_MANY_ALIASES, /aliases/i],
    ['a query over the cost cap, its cost in whole points', TOO_COSTLY, new RegExp(`^Query Cost limit of ${OPERATION_LIMITS.cost} exceeded, found \\d+\\.$`)],
    ['introspection', INTROSPECTION, /introspection/i],
  ])('HTTP: rejects %s with a 400 validation error', async (_name, query, message) => {
    const res = await gql(server.url, query);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.map((e) => e.message).join(' ')).toMatch(message);
    expect(JSON.stringify(res.body)).not.toMatch(/Did you mean|stacktrace/);
  });

  // The cost rule counts a page `first` times: a `first` written out of range was refused as a cost the client never chose.
  const PAGE_SIZES_OUT_OF_RANGE = [
    ['first: 10000 on a list', '{ shipmentRequests(first: 10000) { totalCount pageInfo { endCursor hasNextPage } } }', `must be at most ${MAX_PAGE_SIZE}`],
    ['first: 0 on a list', '{ complexes(first: 0) { totalCount } }', 'must be at least 1'],
    ['first: 10000 on a nested field', '{ complex(code: "GUMI") { recentActivity(first: 10000) { id kind at summary summaryKo } } }', `must be at most ${MAX_PAGE_SIZE}`],
    ['first: 0 on a nested field', '{ complex(code: "GUMI") { recentActivity(first: 0) { summary } } }', 'must be at least 1'],
    ['first: 10000 in a fragment', '{ ...Page } fragment Page on Query { vehicles(first: 10000) { edges { node { id } } } }', `must be at most ${MAX_PAGE_SIZE}`],
  ] as const;

  it.each(PAGE_SIZES_OUT_OF_RANGE)('HTTP: names %s as BAD_USER_INPUT on first, not as a cost', async (_name, query, rule) => {
    const res = await gql(server.url, query);
    expect(res.status).toBe(400);
    expect(res.body.errors?.map(({ message, extensions }) => ({ message, extensions }))).toEqual([{ message: `first: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'first', rule }] } }]);
  });

  it.each(PAGE_SIZES_OUT_OF_RANGE)('WebSocket: names %s the same way', async (_name, query, rule) => {
    const client = wsClient(server.wsUrl);
    try {
      const [result] = await firstResults(client, { query });
      expect(result!.errors?.map(({ message, extensions }) => ({ message, extensions }))).toEqual([{ message: `first: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'first', rule }] } }]);
    } finally {
      await client.dispose();
    }
  });

  it('HTTP: rejects an operation with too many tokens with a 400 parse error', async () => {
    const res = await gql(server.url, TOO_MANY_TOKENS);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/token/i);
  });

  it.each([
    ['an unknown field, without suggestions', UNKNOWN_FIELD, 'GRAPHQL_VALIDATION_FAILED', /Cannot query field "totalCountt"/],
    ['an over-deep query', OVER_DEEP, 'GRAPHQL_VALIDATION_FAILED', /depth/i],
    ['too many aliases', TOO_MANY_ALIASES, 'GRAPHQL_VALIDATION_FAILED', /aliases/i],
    ['introspection', INTROSPECTION, 'GRAPHQL_VALIDATION_FAILED', /introspection/i],
    ['too many tokens', TOO_MANY_TOKENS, 'GRAPHQL_PARSE_FAILED', /token/i],
  ])('WebSocket: rejects %s with the same error', async (_name, query, code, message) => {
    const client = wsClient(server.wsUrl);
    try {
      const [result] = await firstResults(client, { query });
      expect(result!.errors?.[0]?.extensions?.code).toBe(code);
      expect(result!.errors?.map((e) => e.message).join(' ')).toMatch(message);
      expect(JSON.stringify(result)).not.toMatch(/Did you mean/);
    } finally {
      await client.dispose();
    }
  });

  // A document whose operation cannot be told: a name it does not have, or several operations and no name.
  const UNRESOLVED = [
    ['an unknown operation name', { query: 'query A { __typename }', operationName: 'B' }, 'Unknown operation named "B".'],
    ['several operations and no name', { query: 'query A { __typename } query B { __typename }' }, 'Must provide operation name if query contains multiple operations.'],
  ] as const;

  it.each(UNRESOLVED)('HTTP: rejects %s with a 400, not a server error', async (_name, body, message) => {
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] });
  });

  it.each(UNRESOLVED)('WebSocket: rejects %s with the same error', async (_name, body, message) => {
    const client = wsClient(server.wsUrl);
    try {
      const [result] = await firstResults(client, body);
      expect(result!.errors).toEqual([{ message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }]);
    } finally {
      await client.dispose();
    }
  });

  it('WebSocket: a malformed message closes the socket with 4400', async () => {
    expect(await closeCodeAfter(server.wsUrl, '{"type": "subscribe", ')).toBe(4400);
  });

  it('turns an unexpected resolver failure into INTERNAL_SERVER_ERROR without internals', async () => {
    // Break the database under the resolver: the next read throws the database's raw error.
    await rowsOf(server.db, 'ALTER TABLE matching_rounds RENAME TO matching_rounds_gone');
    try {
      const res = await gql(server.url, '{ matchingRounds(complexCode: "BANWOL_SIHWA", first: 1) { edges { node { id } } } }', undefined, { apiKey: server.keyOf('OPERATOR').apiKey, internalError: 'expected' });
      expect(res.body.errors?.[0]).toEqual({ message: 'Internal server error', path: ['matchingRounds'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(res.body)).not.toMatch(/matching_rounds|sqlite|postgres|relation|stack/i);
    } finally {
      await rowsOf(server.db, 'ALTER TABLE matching_rounds_gone RENAME TO matching_rounds');
    }
  });
});
