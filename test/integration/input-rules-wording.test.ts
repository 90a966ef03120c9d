import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toGlobalId } from '../../src/global-id';
import { shipmentRequestVariables } from '../helpers/bookings-fixtures';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

// Every rule a schema leaves to zod's own checks (.min, .max, .positive, a list's length) is answered in the words of
// the rest, "must …", naming the field as sent: never zod's stock "Too big: expected string to have <=2000 characters".
let server: TestServer;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'input-rules-wording.db') });
});
afterAll(async () => {
  await server.stop();
  tmp.remove();
});

type Role = 'MANUFACTURER' | 'CARRIER' | 'OPERATOR' | 'ADMIN';
const WEBHOOK = 'mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret } }';
const webhook = (input: Record<string, unknown>) => ({ input: { url: 'https://example.com/hook', eventTypes: ['COMPLEX_ACTIVITY'], ...input } });
const ORGANISATION = 'mutation ($input: OrganisationCreateInput!) { organisationCreate(input: $input) { organisation { id } } }';
const organisation = (input: Record<string, unknown>) => ({ input: { complexCode: 'BANWOL_SIHWA', role: 'CARRIER', name: '(주)구미운송', businessRegistrationNumber: '220-81-62517', ...input } });
const REQUEST = 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }';
const NEAR = 'query ($near: NearInput) { openLoadBoard(complexCode: "BANWOL_SIHWA", filter: { near: $near }) { totalCount } }';
const near = (over: Record<string, unknown>) => ({ near: { lat: 37.3, lng: 126.7, radiusKm: 5, ...over } });

const cases: [string, string, Record<string, unknown>, Role, string, string][] = [
  ['a webhook URL over 2,000 characters', WEBHOOK, webhook({ url: `https://example.com/${'a'.repeat(2000)}` }), 'OPERATOR', 'input.url', 'must have at most 2000 characters'],
  ['a blank webhook URL', WEBHOOK, webhook({ url: ' ' }), 'OPERATOR', 'input.url', 'must not be empty'],
  ['no webhook event types', WEBHOOK, webhook({ eventTypes: [] }), 'OPERATOR', 'input.eventTypes', 'must not be empty'],
  ['a webhook description over 200 characters', WEBHOOK, webhook({ description: 'd'.repeat(201) }), 'OPERATOR', 'input.description', 'must have at most 200 characters'],
  ['a one-letter organisation name', ORGANISATION, organisation({ name: 'A' }), 'ADMIN', 'input.name', 'must have at least 2 characters'],
  ['a contact name over 80 characters', ORGANISATION, organisation({ contactName: 'c'.repeat(81) }), 'ADMIN', 'input.contactName', 'must have at most 80 characters'],
  ['an empty API key name', 'mutation ($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret } }', { input: { organisationId: toGlobalId('Organisation', 1), name: '  ' } }, 'ADMIN', 'input.name', 'must not be empty'],
  ['a weight of 0 kg', REQUEST, { input: shipmentRequestVariables({ weightKg: 0 }) }, 'MANUFACTURER', 'input.weightKg', 'must be greater than 0'],
  ['a negative pallet count', REQUEST, { input: shipmentRequestVariables({ pallets: -1 }) }, 'MANUFACTURER', 'input.pallets', 'must be greater than 0'],
  ['a search radius of 0 km', NEAR, near({ radiusKm: 0 }), 'CARRIER', 'filter.near.radiusKm', 'must be greater than 0'],
  ['a search radius past 100 km', NEAR, near({ radiusKm: 101 }), 'CARRIER', 'filter.near.radiusKm', 'must be at most 100'],
  ['a search latitude past 90', NEAR, near({ lat: 91 }), 'CARRIER', 'filter.near.lat', 'must be at most 90'],
  ['a page of 101', 'query { openLoadBoard(complexCode: "BANWOL_SIHWA", first: 101) { totalCount } }', {}, 'CARRIER', 'first', 'must be at most 100'],
  ['a cursor over 200 characters', 'query ($after: String) { offers(after: $after) { totalCount } }', { after: 'c'.repeat(201) }, 'CARRIER', 'after', 'must have at most 200 characters'],
  ['no recent activity lines', 'query { complex(code: "BANWOL_SIHWA") { recentActivity(first: 0) { id } } }', {}, 'OPERATOR', 'first', 'must be at least 1'],
  [
    'a changed webhook URL over 2,000 characters',
    'mutation ($input: WebhookEndpointUpdateInput!) { webhookEndpointUpdate(input: $input) { endpoint { id } } }',
    { input: { id: toGlobalId('WebhookEndpoint', 1), url: `https://example.com/${'a'.repeat(2000)}` } },
    'OPERATOR',
    'input.url',
    'must have at most 2000 characters',
  ],
  ['a decline reason over 500 characters', 'mutation ($input: OfferDeclineInput!) { offerDecline(input: $input) { offer { id } } }', { input: { offerId: toGlobalId('Offer', 1), reason: 'r'.repeat(501) } }, 'CARRIER', 'input.reason', 'must have at most 500 characters'],
  ['a cross-dock plan of 32 days', 'query { centreCrossDock(complexCode: "BANWOL_SIHWA", days: 32) { day } }', {}, 'OPERATOR', 'days', 'must be at most 31'],
];

it.each(cases)('%s is refused naming the field and its rule', async (_, query, variables, role, field, rule) => {
  const { body } = await gql(server.url, query, variables, { apiKey: server.keyOf(role).apiKey });
  const issue = (body.errors?.[0]?.extensions?.issues as { field: string; rule: string }[] | undefined)?.[0];
  expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(issue?.field).toBe(field);
  expect(issue?.rule).toMatch(/^must /);
  expect(issue?.rule).not.toMatch(/Too (big|small)|Invalid|expected/i);
  expect(issue?.rule).toBe(rule);
});
