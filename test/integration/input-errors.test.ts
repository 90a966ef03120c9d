import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations, shipmentRequests, warehouseListings } from '../../db/schema';
import { toGlobalId } from '../../src/global-id';
import { cursorTag, encodeCursor } from '../../src/pagination';
import { addDays, seoulDay } from '../../src/supply/listings/seoul-day';
import { shipmentRequestVariables } from '../helpers/bookings-fixtures';
import { firstResults, gql, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
const keyOf = (role: 'CARRIER' | 'OPERATOR' | 'ADMIN' | 'MANUFACTURER' | 'WAREHOUSE_OWNER') => server.keyOf(role).apiKey;

beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'input-errors.db') });
});
afterAll(async () => {
  await server.stop();
  tmp.remove();
});

describe('a malformed complex code', () => {
  const rule = 'must be a complex code such as BANWOL_SIHWA';
  const cases: [string, string, Record<string, unknown>, 'CARRIER' | 'OPERATOR' | 'ADMIN', string][] = [
    ['matchingRunStart', 'mutation ($input: MatchingRunStartInput!) { matchingRunStart(input: $input) { round { id } } }', { input: { complexCode: ' ' } }, 'OPERATOR', 'input.complexCode'],
    [
      'organisationCreate',
      'mutation ($input: OrganisationCreateInput!) { organisationCreate(input: $input) { organisation { id } } }',
      { input: { complexCode: ' ', role: 'CARRIER', name: '(주)구미운송', businessRegistrationNumber: '220-81-62517' } },
      'ADMIN',
      'input.complexCode',
    ],
    ['complexInsights', 'query ($code: String!) { complexInsights(complexCode: $code, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { complexCode } }', { code: ' ' }, 'OPERATOR', 'complexCode'],
    ['heatmap', 'query ($code: String!) { heatmap(complexCode: $code, layer: SUPPLY) { complexCode } }', { code: ' ' }, 'OPERATOR', 'complexCode'],
    ['openLoadBoard', 'query ($code: String!) { openLoadBoard(complexCode: $code) { totalCount } }', { code: ' ' }, 'CARRIER', 'complexCode'],
    ['matchingRounds', 'query ($code: String!) { matchingRounds(complexCode: $code) { totalCount } }', { code: ' ' }, 'OPERATOR', 'complexCode'],
    ['complex', 'query ($code: String!) { complex(code: $code) { id } }', { code: ' ' }, 'OPERATOR', 'code'],
  ];

  it.each(cases)('in %s is refused naming the field the caller sent', async (_, query, variables, role, field) => {
    const { body } = await gql(server.url, query, variables, { apiKey: keyOf(role) });
    expect(body.errors?.[0]).toMatchObject({ message: `${field}: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field, rule }] } });
  });

  it('in a list filter is named under the filter argument', async () => {
    const query = 'query ($filter: VehicleFilter) { vehicles(filter: $filter) { totalCount } }';
    const { body } = await gql(server.url, query, { filter: { complexCode: 'banwol' } }, { apiKey: keyOf('OPERATOR') });
    expect(body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'filter.complexCode', rule }]);
  });
});

it('a bad page size of a query names the argument', async () => {
  const { body } = await gql(server.url, 'query { openLoadBoard(complexCode: "BANWOL_SIHWA", first: 0) { totalCount } }', {}, { apiKey: keyOf('CARRIER') });
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'first', rule: expect.stringMatching(/1/) }] });
});

it.each([
  ['complexes', '{ complexes(first: 5, after: "") { totalCount } }', 'MANUFACTURER'],
  ['openLoadBoard', '{ openLoadBoard(complexCode: "BANWOL_SIHWA", after: "") { totalCount } }', 'CARRIER'],
  ['openLoadBoard near', '{ openLoadBoard(complexCode: "BANWOL_SIHWA", filter: { near: { lat: 37.3, lng: 126.7, radiusKm: 5 } }, after: "") { totalCount } }', 'CARRIER'],
  ['offers', '{ offers(after: "") { totalCount } }', 'CARRIER'],
] as const)('an empty cursor in %s is refused naming after, not read as the first page', async (_, query, role) => {
  const { body } = await gql(server.url, query, {}, { apiKey: keyOf(role) });
  expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'after', rule: 'must be a cursor returned by this API, or null for the first page' }] } });
});

it('first: null asks for the default page, as an unset variable does', async () => {
  const { body } = await gql<{ complexes: { edges: unknown[] } }>(server.url, 'query ($first: Int) { complexes(first: $first) { edges { cursor } } }', { first: null });
  expect(body.errors).toBeUndefined();
  expect(body.data!.complexes.edges).toHaveLength(7);
});

describe('an impossible DateTime', () => {
  const rule = 'must name a real calendar day: 2026-02-30 does not exist';

  it('is refused as a literal, naming the argument and the rule', async () => {
    const query = 'query { complexInsights(complexCode: "BANWOL_SIHWA", from: "2026-02-30T00:00:00Z", to: "2026-03-05T00:00:00Z") { complexCode } }';
    const { status, body } = await gql(server.url, query, {}, { apiKey: keyOf('OPERATOR') });
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    const issue = { field: 'from', rule };
    expect(body.errors).toEqual([expect.objectContaining({ message: `from: ${issue.rule}`, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', issues: [issue] } })]);
  });

  it('is refused as a variable, naming the variable and the rule', async () => {
    const query = 'query ($from: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: "2026-03-05T00:00:00Z") { complexCode } }';
    const { body } = await gql(server.url, query, { from: '2026-02-30T00:00:00Z' }, { apiKey: keyOf('OPERATOR') });
    expect(body.errors).toEqual([expect.objectContaining({ message: `from: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'from', rule }] } })]);
  });

  it('whose offset takes it out of the years 0000–9999 is refused, not answered as +010000-01-01T… (no RFC 3339 reader takes that back)', async () => {
    const range = 'must lie in the years 0000 to 9999 once its offset is applied (answers are in UTC)';
    const before = (await server.db.select({ n: count() }).from(shipmentRequests).get())!.n;
    const create = 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { deliverBy } } }';
    const late = await gql(server.url, create, { input: shipmentRequestVariables({ deliverBy: '9999-12-31T23:59:59-23:59' }) }, { apiKey: keyOf('MANUFACTURER') });
    expect(late.body.errors?.[0]).toMatchObject({ message: `input.deliverBy: ${range}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'input.deliverBy', rule: range }] } });
    expect((await server.db.select({ n: count() }).from(shipmentRequests).get())!.n).toBe(before);
    const early = await gql(server.url, 'query { complexInsights(complexCode: "BANWOL_SIHWA", from: "0000-01-01T00:00:00+09:00", to: "0000-01-03T00:00:00Z") { from } }', {}, { apiKey: keyOf('OPERATOR') });
    expect(early.body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', issues: [{ field: 'from', rule: range }] });
  });

  it('without an offset is refused in a mutation input, at its path', async () => {
    const query = 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }';
    const input = { plateNumber: '경기12바3456', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.32, lng: 126.74 }, availability: [{ startsAt: '2027-03-02T00:00:00', endsAt: '2027-03-02T09:00:00Z' }], idempotencyKey: 'truck-12ba3456' };
    const { body } = await gql(server.url, query, { input }, { apiKey: keyOf('CARRIER') });
    expect(body.errors?.[0]?.message).toBe('input.availability[0].startsAt: must be an RFC 3339 date-time with an offset, such as 2026-11-21T09:30:00Z or 2026-11-21T18:30:00+09:00');
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe("a phone form's value sent in a variable that does not fit its type", () => {
  const WHOLE = 'must be a whole number such as 1500, written with the digits 0–9 only (no commas, spaces, units or quotes)';
  const DECIMAL = 'must be a number such as 37.33, written with the digits 0–9 and a point for decimals (no commas, spaces, units or quotes)';
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['a decimal comma in an Int', { weightKg: '1,5' }, 'input.weightKg', `${WHOLE}: got "1,5"`],
    ['full-width digits', { pallets: '１０' }, 'input.pallets', `${WHOLE}: got "１０"`],
    ['Korean in a number field', { pallets: '열개' }, 'input.pallets', `${WHOLE}: got "열개"`],
    ['an empty field', { weightKg: '' }, 'input.weightKg', `${WHOLE}: got ""`],
    ['a number past 32 bits', { weightKg: 3_000_000_000 }, 'input.weightKg', 'must be a whole number from -2147483648 to 2147483647: got 3000000000'],
    ['a decimal comma in a Float', { destination: { lat: '35,1798', lng: 129.075 } }, 'input.destination.lat', `${DECIMAL}: got "35,1798"`],
    ['a required number left empty (null)', { weightKg: null }, 'input.weightKg', 'must be given (Int!)'],
    ['a required field left out', { pallets: undefined }, 'input.pallets', 'must be given (Int!)'],
    ['a date without a time zone', { deliverBy: '2026-12-09T18:00:00' }, 'input.deliverBy', 'must be an RFC 3339 date-time with an offset, such as 2026-11-21T09:30:00Z or 2026-11-21T18:30:00+09:00'],
    ['thousands separators in won', { maxPriceKrw: '900,000' }, 'input.maxPriceKrw', `must be a whole number of won such as 900000, written with the digits 0–9 only (no commas, spaces, ₩ or quotes), at most ${Number.MAX_SAFE_INTEGER} either side of 0`],
  ];

  it.each(cases)('(%s) is refused as `field: rule` with its issue, and nothing is written', async (_, overrides, field, rule) => {
    const before = (await server.db.select({ n: count() }).from(shipmentRequests).get())!.n;
    const create = 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }';
    const { status, body } = await gql(server.url, create, { input: shipmentRequestVariables(overrides) }, { apiKey: keyOf('MANUFACTURER') });
    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ message: `${field}: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field, rule }] } })]);
    expect((await server.db.select({ n: count() }).from(shipmentRequests).get())!.n).toBe(before);
  });
});

describe('a variable that does not fit its type, over WebSocket', () => {
  const cases: [string, string, Record<string, unknown>, 'CARRIER' | 'OPERATOR', RegExp][] = [
    ['a fraction for an Int', 'query ($first: Int) { vehicles(first: $first) { totalCount } }', { first: 1.5 }, 'CARRIER', /^first: must be a whole number such as 1500, .*: got 1\.5$/],
    ['an unknown enum value', 'query ($layer: HeatmapLayer!) { heatmap(complexCode: "BANWOL_SIHWA", layer: $layer) { complexCode } }', { layer: 'supply' }, 'OPERATOR', /^layer: must be one of SUPPLY, DEMAND$/],
    ['a DateTime without an offset', 'query ($from: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: "2026-03-05T00:00:00Z") { complexCode } }', { from: '2026-03-01T00:00:00' }, 'OPERATOR', /^from: must be an RFC 3339 date-time with an offset/],
    ['a mutation input without a required field', 'mutation ($input: VehicleRetireInput!) { vehicleRetire(input: $input) { vehicle { id } } }', { input: {} }, 'CARRIER', /^input\.vehicleId: must be given \(ID!\)$/],
    ['a subscription argument of the wrong type', 'subscription ($id: ID) { shipmentUpdated(shipmentRequestId: $id) { status } }', { id: true }, 'CARRIER', /^id: ID cannot represent value: true$/],
  ];

  it.each(cases)('%s is BAD_USER_INPUT naming the variable, as over HTTP, not an internal error', async (_, query, variables, role, message) => {
    const client = wsClient(server.wsUrl, { apiKey: keyOf(role) });
    try {
      const [result] = await firstResults(client, { query, variables });
      expect(result!.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    } finally {
      await client.dispose();
    }
    if (query.startsWith('subscription')) return; // served only over WebSocket
    const { body } = await gql(server.url, query, variables, { apiKey: keyOf(role) });
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

it('a variable with more wrong values than graphql-js lists (51 unknown enum values) is BAD_USER_INPUT throughout, not an internal error', async () => {
  const query = 'query ($filter: ShipmentRequestFilter) { shipmentRequests(filter: $filter) { totalCount } }';
  const variables = { filter: { status: Array(51).fill('NOPE') } };
  const { status, body } = await gql(server.url, query, variables, { apiKey: keyOf('MANUFACTURER') });
  expect(status).toBe(400);
  expect(body.errors?.[0]).toMatchObject({ message: 'filter.status[0]: must be one of OPEN, OFFERED, BOOKED, PICKED_UP, AT_CENTRE, IN_TRANSIT, DELIVERED, CANCELLED, EXPIRED' });
  expect(body.errors?.map((e) => e.extensions?.code)).toEqual(Array(body.errors!.length).fill('BAD_USER_INPUT'));
  expect(body.errors?.at(-1)?.message).toMatch(/^Too many errors/);
});

describe('an enum value the schema does not hold', () => {
  const STORAGE = 'AMBIENT, CHILLED, FROZEN, HAZMAT, BONDED, OUTDOOR_YARD';
  const BODIES = 'CARGO, WING, BOX, REFRIGERATED, FROZEN, FLATBED, TANK';
  const listing = (storageClass: string) => /* GraphQL */ `mutation { warehouseListingCreate(input: { name: "B동", location: { lat: 37.33, lng: 126.76 }, storageClass: ${storageClass},
    totalPallets: 10, availability: [], pricePerPalletDayKrw: 1000, opensAt: "08:00", closesAt: "18:00" }) { listing { id } } }`;
  const OFFER_STATUSES = 'PENDING, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN';
  const cases: [string, string, Record<string, unknown>, 'WAREHOUSE_OWNER' | 'OPERATOR' | 'CARRIER', string, string, string][] = [
    ['written in a mutation input', listing('FROZENX'), {}, 'WAREHOUSE_OWNER', 'GRAPHQL_VALIDATION_FAILED', 'input.storageClass', `must be one of ${STORAGE}`],
    ['written in quotes', listing('"FROZEN"'), {}, 'WAREHOUSE_OWNER', 'GRAPHQL_VALIDATION_FAILED', 'input.storageClass', `must be one of ${STORAGE}, written without quotes`],
    ['written in a filter', 'query { vehicles(filter: { bodyType: WINGBODY }) { totalCount } }', {}, 'OPERATOR', 'GRAPHQL_VALIDATION_FAILED', 'filter.bodyType', `must be one of ${BODIES}`],
    ['written in a list', 'mutation { webhookEndpointCreate(input: { url: "https://example.com/", eventTypes: [COMPLEX_ACTIVITY, SHIPMENT_UPDATE] }) { secret } }', {}, 'OPERATOR', 'GRAPHQL_VALIDATION_FAILED', 'input.eventTypes[1]', 'must be one of OFFER_RECEIVED, OFFER_WITHDRAWN, BOOKING_ENDED, SHIPMENT_UPDATED, COMPLEX_ACTIVITY'],
    // A dispatcher copying shipmentRequests' filter, whose status takes a list, into offers', which takes one value.
    ['written as a list where one value is taken', 'query { offers(filter: { status: [PENDING] }) { totalCount } }', {}, 'CARRIER', 'GRAPHQL_VALIDATION_FAILED', 'filter.status', `must be one of ${OFFER_STATUSES}: one value, not a list`],
    ['sent as a list where one value is taken', 'query ($filter: OfferFilter) { offers(filter: $filter) { totalCount } }', { filter: { status: ['PENDING'] } }, 'CARRIER', 'BAD_USER_INPUT', 'filter.status', `must be one of ${OFFER_STATUSES}: one value, not a list`],
    ['sent in a mutation input variable', 'mutation ($input: WarehouseListingCreateInput!) { warehouseListingCreate(input: $input) { listing { id } } }', { input: { name: 'B동', location: { lat: 37.33, lng: 126.76 }, storageClass: 'FROZENX', totalPallets: 10, availability: [], pricePerPalletDayKrw: 1000, opensAt: '08:00', closesAt: '18:00' } }, 'WAREHOUSE_OWNER', 'BAD_USER_INPUT', 'input.storageClass', `must be one of ${STORAGE}`],
  ];

  it.each(cases)('%s names the field and the values it takes, over HTTP and WebSocket', async (_, query, variables, role, code, field, rule) => {
    const { body } = await gql(server.url, query, variables, { apiKey: keyOf(role) });
    expect(body.errors).toEqual([expect.objectContaining({ message: `${field}: ${rule}`, extensions: { code, issues: [{ field, rule }] } })]);
    const client = wsClient(server.wsUrl, { apiKey: keyOf(role) });
    try {
      const [result] = await firstResults(client, { query, variables });
      expect(result!.errors).toEqual([expect.objectContaining({ message: `${field}: ${rule}`, extensions: { code, issues: [{ field, rule }] } })]);
    } finally {
      await client.dispose();
    }
  });
});

describe('a value written in the query that does not fit its type', () => {
  const listing = (fields: string) => /* GraphQL */ `mutation { warehouseListingCreate(input: { name: "B동", location: { lat: 37.33, lng: 126.76 }, storageClass: AMBIENT,
    pricePerPalletDayKrw: 1000, opensAt: "08:00", closesAt: "18:00", ${fields} }) { listing { id } } }`;
  const cases: [string, string, 'WAREHOUSE_OWNER' | 'OPERATOR', string, string][] = [
    ['a string for an Int', listing('totalPallets: "5", availability: []'), 'WAREHOUSE_OWNER', 'input.totalPallets', 'must be a whole number such as 1500, written with the digits 0–9 only (no commas, spaces, units or quotes): got "5"'],
    ['a field left out of a list item', listing('totalPallets: 5, availability: [{ from: "2027-01-01", to: "2027-01-02", idlePallets: 1 }, { from: "2027-01-03", to: "2027-01-04" }]'), 'WAREHOUSE_OWNER', 'input.availability[1].idlePallets', 'must be given (Int!)'],
    ['a field the input does not have', listing('totalPallets: 5, availability: [], idlePallets: 5'), 'WAREHOUSE_OWNER', 'input.idlePallets', 'is not a field of WarehouseListingCreateInput. Did you mean "totalPallets"?'],
    ['a field written twice', listing('totalPallets: 5, totalPallets: 6, availability: []'), 'WAREHOUSE_OWNER', 'input.totalPallets', 'There can be only one input field named "totalPallets".'],
    ['a string for a Float', 'query { vehicles(filter: { near: { lat: 37.3, lng: "x", radiusKm: 5 } }) { totalCount } }', 'OPERATOR', 'filter.near.lng', 'must be a number such as 37.33, written with the digits 0–9 and a point for decimals (no commas, spaces, units or quotes): got "x"'],
  ];

  it.each(cases)('(%s) is named with its path under the argument', async (_, query, role, field, rule) => {
    const { body } = await gql(server.url, query, {}, { apiKey: keyOf(role) });
    expect(body.errors).toEqual([expect.objectContaining({ message: `${field}: ${rule}`, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', issues: [{ field, rule }] } })]);
  });
});

it('a Float written past its range (1e400, which GraphQL reads as Infinity) is refused as such, not as "must be a number"', async () => {
  const { body } = await gql(server.url, '{ vehicles(filter: { near: { lat: 1e400, lng: 126.7, radiusKm: 5 } }) { totalCount } }', {}, { apiKey: keyOf('OPERATOR') });
  expect(body.errors?.[0]).toMatchObject({ message: 'filter.near.lat: must be a finite number', extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'filter.near.lat', rule: 'must be a finite number' }] } });
});

describe("another list's cursor", () => {
  const lists: [string, string][] = [
    ['complexes', 'query ($after: String) { complexes(first: 2, after: $after) { totalCount edges { node { id } } } }'],
    ['bookings', 'query ($after: String) { bookings(first: 2, after: $after) { totalCount edges { node { id } } } }'],
    ['offers', 'query ($after: String) { offers(first: 2, after: $after) { totalCount edges { node { id } } } }'],
    ['webhookDeliveries', 'query ($after: String) { webhookDeliveries(first: 2, after: $after) { totalCount edges { node { id } } } }'],
  ];

  it.each(lists)('is refused by %s naming after, not answered with an empty last page', async (_, query) => {
    // What the caller's `vehicles` search near the gate ends its first page of one with.
    const near = { lat: 37.32, lng: 126.74, radiusKm: 25 };
    const after = encodeCursor(cursorTag('vehicles', server.keyOf('OPERATOR').organisationId, { near }), 'near:1');
    const { body } = await gql(server.url, query, { after }, { apiKey: keyOf('OPERATOR') });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field: 'after', rule: 'must be a cursor returned by this list with the same filter' }] });
  });
});

describe('control characters in text', () => {
  const rows = async (table: typeof organisations | typeof warehouseListings | typeof shipmentRequests) => (await server.db.select({ n: count() }).from(table).get())!.n;
  const ORG = 'mutation ($input: OrganisationCreateInput!) { organisationCreate(input: $input) { organisation { name } } }';
  const LISTING = 'mutation ($input: WarehouseListingCreateInput!) { warehouseListingCreate(input: $input) { listing { name } } }';
  const REQUEST = 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { notes } } }';
  const today = seoulDay(new Date());
  const listing = (name: string) => ({
    name, location: { lat: 37.33, lng: 126.76 }, storageClass: 'AMBIENT', totalPallets: 10, availability: [{ from: addDays(today, 1), to: addDays(today, 5), idlePallets: 5 }],
    pricePerPalletDayKrw: 1_000, opensAt: '08:00', closesAt: '18:00',
  });

  it('in a name (NUL padding from a fixed-width ERP field) are refused naming the field, and nothing is created', async () => {
    const before = await rows(organisations);
    const input = { complexCode: 'GUMI', role: 'CARRIER', name: '(주)구미운송\u0000\u0000\u0000', businessRegistrationNumber: '220-81-62517', contactName: '김\t철수' };
    const { body } = await gql(server.url, ORG, { input }, { apiKey: keyOf('ADMIN') });
    expect(body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      issues: [
        { field: 'input.name', rule: 'must not contain control characters (NUL, tabs, line breaks, escape codes)' },
        { field: 'input.contactName', rule: 'must not contain control characters (NUL, tabs, line breaks, escape codes)' },
      ],
    });
    expect(await rows(organisations)).toBe(before);
  });

  it('in a listing name (an escape code) are refused; Hangul and emoji are kept as sent', async () => {
    const before = await rows(warehouseListings);
    const refused = await gql(server.url, LISTING, { input: listing('창고 \u001b[31mB동') }, { apiKey: keyOf('WAREHOUSE_OWNER') });
    expect(refused.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.name', rule: 'must not contain control characters (NUL, tabs, line breaks, escape codes)' }]);
    expect(await rows(warehouseListings)).toBe(before);
    const kept = await gql(server.url, LISTING, { input: listing('시화 창고 B동 📦') }, { apiKey: keyOf('WAREHOUSE_OWNER') });
    expect(kept.body.data).toEqual({ warehouseListingCreate: { listing: { name: '시화 창고 B동 📦' } } });
  });

  it('in a name, a bidirectional override (a firm passing for another on every screen) is refused naming it', async () => {
    const before = await rows(organisations);
    // U+202E shows the rest of the name reversed (and an isolate hides text from a reader).
    const input = { complexCode: 'GUMI', role: 'CARRIER', name: '(주)구미운송 \u202etrirotial', businessRegistrationNumber: '220-81-62517', contactName: '김\u2066철수\u2069' };
    const { body } = await gql(server.url, ORG, { input }, { apiKey: keyOf('ADMIN') });
    const bidi = 'must not contain bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069), which make text read other than it is';
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field: 'input.name', rule: bidi }, { field: 'input.contactName', rule: bidi }] });
    expect(await rows(organisations)).toBe(before);
  });

  it("in a name, Unicode's own line breaks (U+2028, U+2029: a name pasted from a word processor) are refused as line breaks", async () => {
    const before = await rows(organisations);
    const input = { complexCode: 'GUMI', role: 'CARRIER', name: '(주)구미운송\u2028대표 김철수', businessRegistrationNumber: '220-81-62517', contactName: '김\u2029철수' };
    const { body } = await gql(server.url, ORG, { input }, { apiKey: keyOf('ADMIN') });
    const rule = 'must not contain line breaks (U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR included)';
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field: 'input.name', rule }, { field: 'input.contactName', rule }] });
    expect(await rows(organisations)).toBe(before);
  });

  it('in a name, a run of spaces (a double space typed, U+00A0 and U+3000 pasted) is one space, as every screen shows it', async () => {
    const { body } = await gql(server.url, LISTING, { input: listing('  Gumi   Warehouse\u00a0\u00a0A \u3000B동 ') }, { apiKey: keyOf('WAREHOUSE_OWNER') });
    expect(body.data).toEqual({ warehouseListingCreate: { listing: { name: 'Gumi Warehouse A B동' } } });
  });

  it('in a name, zero-width characters and a name of nothing visible are refused; an emoji joined by U+200D is kept', async () => {
    const zeroWidth = 'must not contain zero-width characters or direction marks (U+200B–U+200F, U+061C, U+2060, U+FEFF), which make it look like other text: a zero-width joiner only inside an emoji sequence such as 👨‍👩‍👧';
    const invisible = 'must contain a visible character: spaces, fillers (U+3164) and invisible marks alone show as an empty name';
    const before = await rows(organisations);
    // '한국\u200b물류' shows as 한국물류 but is another name; '\u200b' shows as nothing in every list.
    for (const [name, contactName, rule] of [
      ['한국\u200b물류', '김\u2060철수', zeroWidth],
      ['한국\ufeff물류', '김\u200c철수', zeroWidth],
      ['한국\u200d물류', '\u200b', zeroWidth],
      // Direction marks are as invisible between Hangul: 한국\u200e물류 is 한국물류 to every reader.
      ['한국\u200e물류', '김\u200f철수', zeroWidth],
      ['한국\u061c물류', '\u200e', zeroWidth],
      ['\u3164\u3164', '\u115f\u00ad', invisible],
    ]) {
      const input = { complexCode: 'GUMI', role: 'CARRIER', name, businessRegistrationNumber: '220-81-62517', contactName };
      const { body } = await gql(server.url, ORG, { input }, { apiKey: keyOf('ADMIN') });
      expect(body.errors?.[0]?.extensions, name).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field: 'input.name', rule }, { field: 'input.contactName', rule }] });
    }
    expect(await rows(organisations)).toBe(before);
    const listings = await rows(warehouseListings);
    const refused = await gql(server.url, LISTING, { input: listing('\u200b\u200b') }, { apiKey: keyOf('WAREHOUSE_OWNER') });
    expect(refused.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.name', rule: zeroWidth }]);
    expect(await rows(warehouseListings)).toBe(listings);
    const kept = await gql(server.url, LISTING, { input: listing('시화 창고 👨‍👩‍👧 🏳️‍🌈') }, { apiKey: keyOf('WAREHOUSE_OWNER') });
    expect(kept.body.data).toEqual({ warehouseListingCreate: { listing: { name: '시화 창고 👨‍👩‍👧 🏳️‍🌈' } } });
  });

  it('in notes: line breaks and tabs are kept, NUL is refused', async () => {
    const before = await rows(shipmentRequests);
    const refused = await gql(server.url, REQUEST, { input: shipmentRequestVariables({ notes: 'Gate B\u0000' }) }, { apiKey: keyOf('MANUFACTURER') });
    expect(refused.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.notes', rule: 'must not contain control characters other than line breaks and tabs (NUL, escape codes)' }]);
    expect(await rows(shipmentRequests)).toBe(before);
    const kept = await gql(server.url, REQUEST, { input: shipmentRequestVariables({ notes: 'Gate B\r\n\tcall ahead' }) }, { apiKey: keyOf('MANUFACTURER') });
    expect(kept.body.data).toEqual({ shipmentRequestCreate: { shipmentRequest: { notes: 'Gate B\r\n\tcall ahead' } } });
  });

  it('a lone surrogate (an emoji cut in two) is refused in notes and names, not stored as U+FFFD', async () => {
    const rule = 'must not contain a lone surrogate (half of a UTF-16 pair such as \\ud800, e.g. an emoji cut in two)';
    const [requests, listings] = [await rows(shipmentRequests), await rows(warehouseListings)];
    const note = await gql(server.url, REQUEST, { input: shipmentRequestVariables({ notes: 'Fragile \ud83d' }) }, { apiKey: keyOf('MANUFACTURER') });
    expect(note.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field: 'input.notes', rule }] });
    const name = await gql(server.url, LISTING, { input: listing('창고 \udce6B동') }, { apiKey: keyOf('WAREHOUSE_OWNER') });
    expect(name.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field: 'input.name', rule }] });
    expect([await rows(shipmentRequests), await rows(warehouseListings)]).toEqual([requests, listings]);
  });
});

describe('an ID with a local id past 32 bits (never issued: ids are 32-bit integers on PostgreSQL)', () => {
  const offer = toGlobalId('Offer', 99_999_999_999);
  const cases: [string, string, Record<string, unknown>, 'CARRIER' | 'MANUFACTURER', string, string][] = [
    ['a mutation input', 'mutation ($id: ID!) { offerAccept(input: { offerId: $id, idempotencyKey: "accept-far-offer" }) { offer { id } } }', { id: offer }, 'CARRIER', 'input.offerId', 'must be the ID of an Offer'],
    ['a list filter', 'query ($id: ID!) { bookings(filter: { routeId: $id }) { totalCount } }', { id: toGlobalId('Route', 2 ** 31) }, 'CARRIER', 'filter.routeId', 'must be the ID of a Route'],
    ['a query argument', 'query ($id: ID!) { statement(organisationId: $id, month: "2026-12") { month } }', { id: toGlobalId('Organisation', 99_999_999_999) }, 'MANUFACTURER', 'organisationId', 'must be the ID of an Organisation'],
  ];

  it.each(cases)('in %s is BAD_USER_INPUT naming the field, not an internal error', async (_, query, variables, role, field, rule) => {
    const { body } = await gql(server.url, query, variables, { apiKey: keyOf(role) });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field, rule }] });
  });

  it('is no node', async () => {
    const { body } = await gql(server.url, 'query ($id: ID!) { node(id: $id) { id } }', { id: offer }, { apiKey: keyOf('CARRIER') });
    expect(body).toEqual({ data: { node: null } });
  });
});


describe('an ID spelled otherwise than this API writes it', () => {
  const others = (type: string, id: number) => [`${type}:0${id}`, `${type}: ${id}`, `${type}:0x${id.toString(16)}`, `${type}:${id}e0`, `${type}:+${id}`].map((raw) => Buffer.from(raw).toString('base64url')).concat(`${toGlobalId(type, id)}==`);

  it('names no node, not the row it would parse to', async () => {
    for (const id of others('Complex', 1)) {
      const { body } = await gql(server.url, 'query ($id: ID!) { node(id: $id) { id } }', { id }, { apiKey: keyOf('OPERATOR') });
      expect([id, body]).toEqual([id, { data: { node: null } }]);
    }
  });

  it('is refused naming the field', async () => {
    const own = server.keyOf('MANUFACTURER');
    for (const id of others('Organisation', own.organisationId)) {
      const { body } = await gql(server.url, 'query ($id: ID!) { statement(organisationId: $id, month: "2026-12") { month } }', { id }, { apiKey: own.apiKey });
      expect([id, body.errors?.[0]?.extensions]).toEqual([id, { code: 'BAD_USER_INPUT', issues: [{ field: 'organisationId', rule: 'must be the ID of an Organisation' }] }]);
    }
  });
});

describe('an empty ID in a filter (a client whose selection came up blank)', () => {
  const cases: [string, string, string, 'CARRIER' | 'MANUFACTURER', string, string][] = [
    ['offers', 'query ($id: ID) { offers(filter: { requestId: $id }) { totalCount } }', 'filter.requestId', 'CARRIER', 'ShipmentRequest', 'a'],
    ['offers by round', 'query ($id: ID) { offers(filter: { roundId: $id }) { totalCount } }', 'filter.roundId', 'CARRIER', 'MatchingRound', 'a'],
    ['routes', 'query ($id: ID) { routes(filter: { vehicleId: $id }) { totalCount } }', 'filter.vehicleId', 'CARRIER', 'Vehicle', 'a'],
    ['bookings', 'query ($id: ID) { bookings(filter: { shipmentRequestId: $id }) { totalCount } }', 'filter.shipmentRequestId', 'MANUFACTURER', 'ShipmentRequest', 'a'],
    ['bookings by route', 'query ($id: ID) { bookings(filter: { routeId: $id }) { totalCount } }', 'filter.routeId', 'MANUFACTURER', 'Route', 'a'],
    ['webhookDeliveries', 'query ($id: ID) { webhookDeliveries(endpointId: $id) { totalCount } }', 'endpointId', 'CARRIER', 'WebhookEndpoint', 'a'],
  ];

  it.each(cases)('of %s is refused naming the field, not answered with the unfiltered list', async (_, query, field, role, type, article) => {
    const { body } = await gql(server.url, query, { id: '' }, { apiKey: keyOf(role) });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field, rule: `must be the ID of ${article} ${type}` }] });
  });

  it('of shipmentUpdated is refused, not a subscription to every shipment', async () => {
    const client = wsClient(server.wsUrl, { apiKey: keyOf('MANUFACTURER') });
    try {
      const [result] = await firstResults(client, { query: 'subscription ($id: ID) { shipmentUpdated(shipmentRequestId: $id) { status } }', variables: { id: '' } });
      expect(result!.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field: 'shipmentRequestId', rule: 'must be the ID of a ShipmentRequest' }] });
    } finally {
      await client.dispose();
    }
  });
});
describe('a cursor with a row id past 32 bits (never written by this API)', () => {
  const rule = 'must be a cursor returned by this list with the same filter';
  // Each with its list's own tag (for the caller, without a filter), so that the key is what is refused.
  const requests = (org: number) => cursorTag('shipmentRequests', org, undefined);
  const board = (org: number) => cursorTag('openLoadBoard', org, { complexCode: 'BANWOL_SIHWA' });
  const cases: [string, string, (org: number) => string, 'MANUFACTURER' | 'CARRIER'][] = [
    ['shipmentRequests', 'query ($after: String) { shipmentRequests(first: 2, after: $after) { totalCount } }', (org) => encodeCursor(requests(org), '99999999999'), 'MANUFACTURER'],
    ['openLoadBoard', 'query ($after: String) { openLoadBoard(complexCode: "BANWOL_SIHWA", first: 2, after: $after) { totalCount } }', (org) => encodeCursor(board(org), `${Date.now()}.99999999999`), 'CARRIER'],
    ['openLoadBoard, with a time no Date holds', 'query ($after: String) { openLoadBoard(complexCode: "BANWOL_SIHWA", first: 2, after: $after) { totalCount } }', (org) => encodeCursor(board(org), '99999999999999999999.1'), 'CARRIER'],
  ];

  it.each(cases)('is refused by %s naming after, not a 500 on PostgreSQL', async (_, query, cursorFor, role) => {
    const { body } = await gql(server.url, query, { after: cursorFor(server.keyOf(role).organisationId) }, { apiKey: keyOf(role) });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ field: 'after', rule }] });
  });
});
