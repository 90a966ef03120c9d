import { join } from 'node:path';
import { DIALECT } from '../../db/dialect';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase, connectDatabase } from '../../db/client';
import { rowsOf } from '../helpers/sql';
import { withCheckDigit } from '../../src/auth/business-number';
import { firstResults, gql, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const VIEWER = '{ viewer { id name role complex { code } } }';
const ORG_CREATE = /* GraphQL */ `
  mutation ($input: OrganisationCreateInput!) { organisationCreate(input: $input) { organisation { id name role complex { code } businessRegistrationNumber } } }
`;
const KEY_CREATE = 'mutation ($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret apiKey { id prefix lastUsedAt revokedAt } } }';
const KEY_REVOKE = 'mutation ($input: ApiKeyRevokeInput!) { apiKeyRevoke(input: $input) { apiKey { id revokedAt } } }';

let brnCounter = 100_000_000;
const freshBrn = () => withCheckDigit(String(brnCounter++));

/** The close code of a graphql-ws connection opened with `payload` as connectionParams (1000 when it was accepted). */
async function closeCodeForInit(wsUrl: string, payload: Record<string, unknown>): Promise<number> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  // An acknowledged connection stays open: close it at once, so that the answer is its code (1000), not a timeout.
  socket.on('message', (message) => (JSON.parse(String(message)).type === 'connection_ack' ? socket.close(1000) : undefined));
  socket.send(JSON.stringify({ type: 'connection_init', payload }));
  return closed;
}

describe('accounts and access', () => {
  const tmp = tempDir();
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'auth.db') });
    admin = server.keyOf('ADMIN').apiKey;
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('without a key the caller is anonymous and sees public data only', async () => {
    const res = await gql(server.url, `${VIEWER.slice(0, -1)} complexes(first: 1) { totalCount } }`);
    expect(res.body.data).toEqual({ viewer: null, complexes: { totalCount: 7 } });
  });

  it('a demo key identifies its organisation, role and complex', async () => {
    const carrier = server.keyOf('CARRIER', 'CHANGWON');
    const res = await gql<{ viewer: { role: string; complex: { code: string } } }>(server.url, VIEWER, {}, { apiKey: carrier.apiKey });
    expect(res.body.data!.viewer).toMatchObject({ role: 'CARRIER', complex: { code: 'CHANGWON' }, name: carrier.organisationName });
  });

  it('rejects a malformed, unknown or badly sent key with 401 UNAUTHENTICATED', async () => {
    for (const headers of [{ authorization: 'Bearer nonsense' }, { authorization: `Bearer sdx_0123456789_${'A'.repeat(43)}` }, { authorization: 'Basic abc' }]) {
      const res = await gql(server.url, VIEWER, {}, { headers });
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('ADMIN creates an organisation; the business number check digit is verified', async () => {
    const brn = freshBrn();
    const created = await gql<{ organisationCreate: { organisation: { role: string; complex: { code: string }; businessRegistrationNumber: string } } }>(
      server.url,
      ORG_CREATE,
      { input: { complexCode: 'NAMDONG', role: 'WAREHOUSE_OWNER', name: '(주)남동창고', businessRegistrationNumber: `${brn.slice(0, 3)}-${brn.slice(3, 5)}-${brn.slice(5)}` } },
      { apiKey: admin },
    );
    expect(created.body.data!.organisationCreate.organisation).toMatchObject({ role: 'WAREHOUSE_OWNER', complex: { code: 'NAMDONG' }, businessRegistrationNumber: brn });

    // The admin is told which firm holds the number, written as the certificate prints it, and the field it came in.
    const duplicate = await gql(server.url, ORG_CREATE, { input: { complexCode: 'NAMDONG', role: 'CARRIER', name: '복제', businessRegistrationNumber: brn } }, { apiKey: admin });
    const held = `${brn.slice(0, 3)}-${brn.slice(3, 5)}-${brn.slice(5)} is already registered to (주)남동창고 (WAREHOUSE_OWNER in NAMDONG)`;
    expect(duplicate.body.errors?.[0]).toMatchObject({
      message: `input.businessRegistrationNumber: ${held}`,
      extensions: { code: 'CONFLICT', issues: [{ field: 'input.businessRegistrationNumber', rule: held }] },
    });

    const badBrn = `${brn.slice(0, 9)}${(Number(brn[9]) + 1) % 10}`;
    const invalid = await gql(server.url, ORG_CREATE, { input: { complexCode: 'NAMDONG', role: 'CARRIER', name: 'x', businessRegistrationNumber: badBrn } }, { apiKey: admin });
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(invalid.body.errors?.[0]?.extensions?.issues).toEqual(
      expect.arrayContaining([
        { field: 'input.name', rule: expect.stringMatching(/2/) },
        { field: 'input.businessRegistrationNumber', rule: expect.stringMatching(/check digit/) },
      ]),
    );
    const noComplex = await gql(server.url, ORG_CREATE, { input: { role: 'CARRIER', name: '단지없음', businessRegistrationNumber: freshBrn() } }, { apiKey: admin });
    expect(noComplex.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.complexCode', rule: expect.stringMatching(/required/) }]);
    // An empty code is a malformed one: one issue saying so, not a second that it is missing.
    const emptyComplex = await gql(server.url, ORG_CREATE, { input: { complexCode: '', role: 'CARRIER', name: '빈단지', businessRegistrationNumber: freshBrn() } }, { apiKey: admin });
    expect(emptyComplex.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.complexCode', rule: 'must be a complex code such as BANWOL_SIHWA' }]);
    const unknownComplex = await gql(server.url, ORG_CREATE, { input: { complexCode: 'ATLANTIS', role: 'CARRIER', name: '아틀란티스', businessRegistrationNumber: freshBrn() } }, { apiKey: admin });
    // Well formed but not one of the seven: the admin is told which field and the codes there are.
    const rule = 'must be one of BANWOL_SIHWA, CHANGWON, NAMDONG, GUMI, GWANGJU_CHEOMDAN, YEOSU, DAEGU_SEONGSEO: got ATLANTIS';
    expect(unknownComplex.body.errors?.[0]).toMatchObject({ message: `input.complexCode: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'input.complexCode', rule }] } });
  });

  it('a business number pasted with spaces or a line break around it is taken, as a name is trimmed', async () => {
    const brn = freshBrn();
    const created = await gql<{ organisationCreate: { organisation: { businessRegistrationNumber: string } } }>(
      server.url,
      ORG_CREATE,
      { input: { complexCode: 'NAMDONG', role: 'CARRIER', name: '(주)남동특송', businessRegistrationNumber: ` ${brn.slice(0, 3)}-${brn.slice(3, 5)}-${brn.slice(5)}\n` } },
      { apiKey: admin },
    );
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data!.organisationCreate.organisation.businessRegistrationNumber).toBe(brn);
  });

  it('a contact phone without seven digits (blank, only dashes) is refused saying what a phone number is, and nothing is created', async () => {
    const rule = 'must be a phone number: 7 to 20 characters (digits, spaces, +, -, . and parentheses), at least 7 of them digits, such as 010-1234-5678';
    const brn = freshBrn();
    for (const contactPhone of ['       ', '-------', '(((())))', '.......', '010-1234-5678 내선 12']) {
      const { body } = await gql(server.url, ORG_CREATE, { input: { complexCode: 'NAMDONG', role: 'CARRIER', name: '(주)남동운송', businessRegistrationNumber: brn, contactPhone } }, { apiKey: admin });
      expect(body.errors?.[0]).toMatchObject({ message: `input.contactPhone: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'input.contactPhone', rule }] } });
    }
    // None of them was created: the number is still free, and a real phone number is kept as sent, trimmed.
    const created = await gql<{ organisationCreate: { organisation: { id: string } } }>(server.url, ORG_CREATE, { input: { complexCode: 'NAMDONG', role: 'CARRIER', name: '(주)남동운송', businessRegistrationNumber: brn, contactPhone: ' +82 32-123-4567 ' } }, { apiKey: admin });
    expect(created.body.errors).toBeUndefined();
    const phone = await gql<{ node: { contactPhone: string } }>(server.url, 'query ($id: ID!) { node(id: $id) { ... on Organisation { contactPhone } } }', { id: created.body.data!.organisationCreate.organisation.id }, { apiKey: admin });
    expect(phone.body.data!.node).toEqual({ contactPhone: '+82 32-123-4567' });
  });

  it('a contact phone written with dots, as Korean business cards print them (031.123.4567), is taken as sent', async () => {
    const { body } = await gql<{ organisationCreate: { organisation: { contactPhone: string } } }>(
      server.url,
      'mutation ($input: OrganisationCreateInput!) { organisationCreate(input: $input) { organisation { contactPhone } } }',
      { input: { complexCode: 'NAMDONG', role: 'CARRIER', name: '(주)남동화물', businessRegistrationNumber: freshBrn(), contactPhone: '031.123.4567' } },
      { apiKey: admin },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.organisationCreate.organisation.contactPhone).toBe('031.123.4567');
  });

  it('only ADMIN creates organisations', async () => {
    const input = { complexCode: 'NAMDONG', role: 'CARRIER', name: '무단', businessRegistrationNumber: freshBrn() };
    expect((await gql(server.url, ORG_CREATE, { input })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const asOperator = await gql(server.url, ORG_CREATE, { input }, { apiKey: server.keyOf('OPERATOR').apiKey });
    expect(asOperator.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(asOperator.body.errors?.[0]?.message).toBe("Only ADMIN organisations may do this (this key's role: OPERATOR)");
    // Several roles listed as a sentence lists them.
    const retire = 'mutation { vehicleRetire(input: { vehicleId: "VmVoaWNsZTox" }) { vehicle { status } } }';
    const asShipper = await gql(server.url, retire, {}, { apiKey: server.keyOf('MANUFACTURER').apiKey });
    expect(asShipper.body.errors?.[0]?.message).toBe("Only CARRIER or OPERATOR organisations may do this (this key's role: MANUFACTURER)");
  });

  it('a key is shown once, works, records its last use, and stops working when revoked', async () => {
    const manufacturer = server.keyOf('MANUFACTURER', 'GUMI');
    const orgId = (await gql<{ viewer: { id: string } }>(server.url, VIEWER, {}, { apiKey: manufacturer.apiKey })).body.data!.viewer.id;
    const created = await gql<{ apiKeyCreate: { secret: string; apiKey: { id: string; prefix: string; lastUsedAt: string | null } } }>(
      server.url,
      KEY_CREATE,
      { input: { organisationId: orgId, name: 'ERP integration' } },
      { apiKey: manufacturer.apiKey },
    );
    const { secret, apiKey } = created.body.data!.apiKeyCreate;
    expect(secret).toMatch(new RegExp(`^sdx_${apiKey.prefix}_`));
    expect(apiKey.lastUsedAt).toBeNull();
    const [stored] = await rowsOf(server.db, 'select hash, prefix from api_keys where prefix = ?', [apiKey.prefix]);
    // The secret part is base64url, which may itself contain '_': everything after the prefix.
    expect(JSON.stringify(stored)).not.toContain(secret.slice(`sdx_${apiKey.prefix}_`.length));

    const asNewKey = await gql<{ viewer: { id: string } }>(server.url, VIEWER, {}, { apiKey: secret });
    expect(asNewKey.body.data!.viewer.id).toBe(orgId);
    // Recorded beside the request, not before its answer.
    await vi.waitFor(async () => {
      const [lastUsed] = await rowsOf<{ t: number | null }>(server.db, 'select last_used_at as t from api_keys where prefix = ?', [apiKey.prefix]);
      expect(lastUsed!.t).toBeGreaterThan(Date.now() - 60_000);
    });

    const revoked = await gql<{ apiKeyRevoke: { apiKey: { revokedAt: string } } }>(server.url, KEY_REVOKE, { input: { apiKeyId: apiKey.id } }, { apiKey: manufacturer.apiKey });
    expect(revoked.body.data!.apiKeyRevoke.apiKey.revokedAt).toEqual(expect.any(String));
    const afterRevoke = await gql(server.url, VIEWER, {}, { apiKey: secret });
    expect(afterRevoke.status).toBe(401);
  });

  it('a key revoked by another process stops working at its next request, however often it was used before', async () => {
    const manufacturer = server.keyOf('MANUFACTURER', 'GUMI');
    const orgId = (await gql<{ viewer: { id: string } }>(server.url, VIEWER, {}, { apiKey: manufacturer.apiKey })).body.data!.viewer.id;
    const created = await gql<{ apiKeyCreate: { secret: string; apiKey: { prefix: string } } }>(server.url, KEY_CREATE, { input: { organisationId: orgId, name: 'nightly export' } }, { apiKey: manufacturer.apiKey });
    const { secret, apiKey } = created.body.data!.apiKeyCreate;
    for (let i = 0; i < 3; i++) expect((await gql(server.url, VIEWER, {}, { apiKey: secret })).status).toBe(200);
    // Another connection to the same database, as `npm run admin -- key:revoke` is.
    const admin = await connectDatabase({ DATABASE_PATH: server.dbPath, DATABASE_URL: server.databaseUrl });
    try {
      await rowsOf(admin, 'update api_keys set revoked_at = ? where prefix = ?', [Date.now(), apiKey.prefix]);
    } finally {
      await closeDatabase(admin);
    }
    expect((await gql(server.url, VIEWER, {}, { apiKey: secret })).status).toBe(401);
  });

  it("a tenant can neither create nor revoke another organisation's keys", async () => {
    const gumi = server.keyOf('MANUFACTURER', 'GUMI');
    const other = server.keyOf('CARRIER', 'GUMI');
    const otherId = (await gql<{ viewer: { id: string } }>(server.url, VIEWER, {}, { apiKey: other.apiKey })).body.data!.viewer.id;
    const create = await gql(server.url, KEY_CREATE, { input: { organisationId: otherId, name: 'steal' } }, { apiKey: gumi.apiKey });
    expect(create.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const keyOfOther = await gql<{ apiKeyCreate: { apiKey: { id: string } } }>(server.url, KEY_CREATE, { input: { organisationId: otherId, name: 'own' } }, { apiKey: other.apiKey });
    const revoke = await gql(server.url, KEY_REVOKE, { input: { apiKeyId: keyOfOther.body.data!.apiKeyCreate.apiKey.id } }, { apiKey: gumi.apiKey });
    expect(revoke.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const wrongType = await gql(server.url, KEY_REVOKE, { input: { apiKeyId: otherId } }, { apiKey: gumi.apiKey });
    expect(wrongType.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.apiKeyId', rule: 'must be the ID of an ApiKey' }]);
  });

  it("an organisation lists its own keys, revoked ones too, newest first; its complex's operator sees none of them", async () => {
    const owner = server.keyOf('WAREHOUSE_OWNER', 'GUMI');
    const ownerId = (await gql<{ viewer: { id: string } }>(server.url, VIEWER, {}, { apiKey: owner.apiKey })).body.data!.viewer.id;
    const make = async (name: string) =>
      (await gql<{ apiKeyCreate: { apiKey: { id: string } } }>(server.url, KEY_CREATE, { input: { organisationId: ownerId, name } }, { apiKey: owner.apiKey })).body.data!.apiKeyCreate.apiKey.id;
    const wms = await make('wms');
    const forklift = await make('forklift tablet');
    await gql(server.url, KEY_REVOKE, { input: { apiKeyId: wms } }, { apiKey: owner.apiKey });
    const own = await gql<{ viewer: { apiKeys: { id: string; name: string; revokedAt: string | null }[] } }>(server.url, '{ viewer { apiKeys { id name revokedAt } } }', {}, { apiKey: owner.apiKey });
    const keys = own.body.data!.viewer.apiKeys;
    expect(keys.slice(0, 2)).toEqual([{ id: forklift, name: 'forklift tablet', revokedAt: null }, { id: wms, name: 'wms', revokedAt: expect.any(String) }]);
    expect(keys.length).toBeGreaterThan(2); // the demo key it signed in with
    const query = 'query ($id: ID!) { node(id: $id) { ... on Organisation { name apiKeys { id } } } }';
    expect((await gql(server.url, query, { id: ownerId }, { apiKey: server.keyOf('ADMIN').apiKey })).body.data).toEqual({ node: { name: owner.organisationName, apiKeys: keys.map(({ id }) => ({ id })) } });
    const operator = await gql(server.url, query, { id: ownerId }, { apiKey: server.keyOf('OPERATOR', 'GUMI').apiKey });
    expect(operator.body).toEqual({ data: { node: { name: owner.organisationName, apiKeys: null } } });
  });

  it("node(id:) hides another tenant's organisation but shows it to that complex's operator", async () => {
    const carrier = server.keyOf('CARRIER', 'YEOSU');
    const carrierId = (await gql<{ viewer: { id: string } }>(server.url, VIEWER, {}, { apiKey: carrier.apiKey })).body.data!.viewer.id;
    const query = 'query ($id: ID!) { node(id: $id) { ... on Organisation { name } } }';
    expect((await gql(server.url, query, { id: carrierId }, { apiKey: server.keyOf('MANUFACTURER', 'YEOSU').apiKey })).body.data).toEqual({ node: null });
    expect((await gql(server.url, query, { id: carrierId }, { apiKey: server.keyOf('OPERATOR', 'GUMI').apiKey })).body.data).toEqual({ node: null });
    expect((await gql(server.url, query, { id: carrierId })).body.data).toEqual({ node: null });
    expect((await gql(server.url, query, { id: carrierId }, { apiKey: server.keyOf('OPERATOR', 'YEOSU').apiKey })).body.data).toEqual({ node: { name: carrier.organisationName } });
  });

  it("node(id:) fetches an API key again for its own organisation and admins, and hides it from anyone else", async () => {
    const owner = server.keyOf('WAREHOUSE_OWNER', 'YEOSU');
    const ownerId = (await gql<{ viewer: { id: string } }>(server.url, VIEWER, {}, { apiKey: owner.apiKey })).body.data!.viewer.id;
    const created = await gql<{ apiKeyCreate: { apiKey: { id: string; prefix: string } } }>(server.url, KEY_CREATE, { input: { organisationId: ownerId, name: 'wms' } }, { apiKey: owner.apiKey });
    const { id, prefix } = created.body.data!.apiKeyCreate.apiKey;
    const query = 'query ($id: ID!) { node(id: $id) { id ... on ApiKey { name prefix revokedAt } } }';
    // The ID apiKeyCreate answered was null here, whoever asked: no fetcher for the type.
    expect((await gql(server.url, query, { id }, { apiKey: owner.apiKey })).body.data).toEqual({ node: { id, name: 'wms', prefix, revokedAt: null } });
    expect((await gql(server.url, query, { id }, { apiKey: server.keyOf('ADMIN').apiKey })).body.data).toEqual({ node: { id, name: 'wms', prefix, revokedAt: null } });
    for (const other of [server.keyOf('OPERATOR', 'YEOSU'), server.keyOf('MANUFACTURER', 'YEOSU')]) {
      expect((await gql(server.url, query, { id }, { apiKey: other.apiKey })).body.data).toEqual({ node: null });
    }
    expect((await gql(server.url, query, { id })).body.data).toEqual({ node: null });
  });

  // The key store made to fail under the service, as a database away does: SQLite's statements find the table gone.
  it.skipIf(DIALECT === 'pg')('WebSocket: a key that cannot be checked (the database away) closes with 1013, to retry, not 4403', async () => {
    const unchecked = server.keyOf('WAREHOUSE_OWNER', 'GUMI').apiKey; // never used here: not in the key cache
    server.db.$client.exec('alter table api_keys rename to api_keys_away');
    try {
      expect(await closeCodeForInit(server.wsUrl, { apiKey: unchecked })).toBe(1013);
    } finally {
      server.db.$client.exec('alter table api_keys_away rename to api_keys');
    }
    expect(await closeCodeForInit(server.wsUrl, { apiKey: unchecked })).toBe(1000);
  });

  it('WebSocket: a bad key closes with 4403; a good key in connectionParams authenticates', async () => {
    expect(await closeCodeForInit(server.wsUrl, { apiKey: 'sdx_nope' })).toBe(4403);
    expect(await closeCodeForInit(server.wsUrl, { authorization: `Bearer sdx_0123456789_${'A'.repeat(43)}` })).toBe(4403);
    // A key sent that cannot be one is bad too, as its header is over HTTP (401), not an anonymous connection.
    for (const params of [{ authorization: `Basic ${server.keyOf('CARRIER').apiKey}` }, { authorization: server.keyOf('CARRIER').apiKey }, { authorization: 'Bearer ' }, { apiKey: '' }, { apiKey: ' \n' }, { apiKey: 42 }]) {
      expect(await closeCodeForInit(server.wsUrl, params), JSON.stringify(params)).toBe(4403);
    }
    // A key read from a file or pasted keeps its line break or spaces: dropped around it, as HTTP drops them around a header.
    const carrierKey = server.keyOf('CARRIER').apiKey;
    for (const params of [{ apiKey: carrierKey }, { authorization: `Bearer ${carrierKey}` }, { apiKey: `${carrierKey}\n` }, { apiKey: ` ${carrierKey}\r\n` }]) {
      const client = wsClient(server.wsUrl, params);
      try {
        const [result] = await firstResults<{ viewer: { role: string } }>(client, { query: '{ viewer { role } }' });
        expect(result!.data!.viewer.role).toBe('CARRIER');
      } finally {
        await client.dispose();
      }
    }
  });

  it('WebSocket: a key sent in a form that holds none closes with 4403, never an anonymous socket', async () => {
    const key = server.keyOf('CARRIER').apiKey;
    for (const params of [{ apiKey: 42 }, { apiKey: { key } }, { apiKey: '' }, { authorization: key }, { authorization: 'Basic Zm9vOmJhcg==' }, { Authorization: ['Bearer', key] }]) {
      expect(await closeCodeForInit(server.wsUrl, params)).toBe(4403);
    }
    // The name in any case, as HTTP's header: a client copying its headers into connectionParams is who it says.
    const client = wsClient(server.wsUrl, { Authorization: `Bearer ${key}` });
    try {
      const [result] = await firstResults<{ viewer: { role: string } }>(client, { query: '{ viewer { role } }' });
      expect(result!.data!.viewer.role).toBe('CARRIER');
    } finally {
      await client.dispose();
    }
  });

  it('WebSocket: complexActivity is refused to tenants and to operators of other complexes', async () => {
    for (const [key, code] of [
      [server.keyOf('MANUFACTURER', 'GUMI').apiKey, 'FORBIDDEN'],
      [server.keyOf('OPERATOR', 'YEOSU').apiKey, 'FORBIDDEN'],
      [undefined, 'UNAUTHENTICATED'],
    ] as const) {
      const client = wsClient(server.wsUrl, key ? { apiKey: key } : undefined);
      try {
        const [result] = await firstResults(client, { query: 'subscription { complexActivity(code: "GUMI") { kind } }' });
        expect(result!.errors?.[0]?.extensions?.code).toBe(code);
      } finally {
        await client.dispose();
      }
    }
  });
});

describe("a key's budget", () => {
  const tmp = tempDir();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'rate-prefix.db'), env: { RATE_LIMIT_PER_KEY: '3', RATE_LIMIT_PER_ADDRESS: '100' } });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it("is not spent by made-up keys that carry its public prefix", async () => {
    const key = server.keyOf('CARRIER').apiKey;
    // The prefix is the key's public part (ApiKey.prefix): anyone who saw it can write a key around it.
    const forged = `${key.slice(0, 'sdx_0123456789_'.length)}${'A'.repeat(43)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await gql(server.url, '{ viewer { role } }', {}, { apiKey: forged })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const real = await gql(server.url, '{ viewer { role } }', {}, { apiKey: key });
    expect(real.status).toBe(200);
    expect(real.body.data).toEqual({ viewer: { role: 'CARRIER' } });
  });
});

describe('rate limiting', () => {
  const tmp = tempDir();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'rate.db'), env: { RATE_LIMIT_PER_KEY: '5', RATE_LIMIT_PER_ADDRESS: '8' } });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('limits each key, then the address, with 429 and Retry-After', async () => {
    const key = server.keyOf('CARRIER').apiKey;
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: '{"query":"{ viewer { role } }"}' });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited!.json()).toEqual({ errors: [{ message: expect.stringMatching(/Too many requests/), extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } }] });

    // Another key is not limited by the first, but the address has 8 per minute in all.
    const other = server.keyOf('MANUFACTURER').apiKey;
    const more: number[] = [];
    for (let i = 0; i < 3; i++) more.push((await gql(server.url, '{ viewer { role } }', {}, { apiKey: other })).status);
    expect(more).toEqual([200, 200, 429]);
  });
});

describe('rate limiting behind a reverse proxy (TRUST_PROXY)', () => {
  const tmp = tempDir();
  let server: TestServer;
  beforeAll(async () => {
    // The test's requests come from 127.0.0.1, as a proxy on the service's host: each client is the address it forwards.
    server = await startTestServer({ dbPath: join(tmp.dir, 'proxy.db'), env: { RATE_LIMIT_PER_ADDRESS: '3', TRUST_PROXY: '127.0.0.1,::1' } });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  const from = (forwardedFor: string) =>
    fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: '{"query":"{ complexes(first: 1) { totalCount } }"}' }).then((r) => r.status);

  it("gives each client the proxy forwards a budget of its own, which a client's own X-Forwarded-For entries do not escape", async () => {
    const first: number[] = [];
    for (let i = 0; i < 4; i++) first.push(await from('203.0.113.1'));
    expect(first).toEqual([200, 200, 200, 429]);
    // Another client behind the same proxy is not refused for the first one's requests (all had the proxy's address).
    expect(await from('203.0.113.2')).toBe(200);
    // The proxy appends the address it heard from: what the client wrote left of it is not read.
    expect(await from('198.51.100.7, 203.0.113.1')).toBe(429);
    // A chain of trusted proxies is walked to the first address that is not one of them.
    expect(await from('203.0.113.3, 127.0.0.1')).toBe(200);
    // A WebSocket connection draws on the forwarded client's budget too: the spent one's is closed with 1013.
    const closedWith = (forwardedFor: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws', { headers: { 'x-forwarded-for': forwardedFor } });
        socket.on('open', () => setTimeout(() => (socket.close(), resolve(0)), 300));
        socket.on('close', (code) => resolve(code));
      });
    expect(await closedWith('203.0.113.1')).toBe(1013);
    expect(await closedWith('203.0.113.4')).toBe(0);
  });
});

describe('rate limiting without TRUST_PROXY', () => {
  const tmp = tempDir();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'no-proxy.db'), env: { RATE_LIMIT_PER_ADDRESS: '2' } });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('ignores X-Forwarded-For, which any client may write: a new one each time buys no new budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i + 10}` }, body: '{"query":"{ complexes(first: 1) { totalCount } }"}' });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
