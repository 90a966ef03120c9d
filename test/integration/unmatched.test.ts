/**
 * A shipper whose request got no offer reads why (`ShipmentRequest.unmatched`), in the request and in its list,
 * and the reason goes once a round offers it.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../helpers/clients';
import { fromNow } from '../helpers/market-api';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { startedAt report { requestsConsidered } } } }';
const UNMATCHED = 'unmatched { reason explanation at }';
type Unmatched = { reason: string; explanation: string; at: string } | null;

describe('why a request got no offer', () => {
  const tmp = tempDir();
  let server: TestServer;
  const as = async <T,>(role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR', query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server.url, query, variables, { apiKey: server.keyOf(role).apiKey })).body;
  const post = async (over: Record<string, unknown>) => {
    const input = {
      idempotencyKey: randomUUID(), origin: { lat: 37.32, lng: 126.74 }, destination: { lat: 37.5665, lng: 126.978 }, weightKg: 800, pallets: 2, cargoClass: 'GENERAL',
      loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT', pickupWindow: { from: fromNow(2 * HOUR), until: fromNow(6 * HOUR) }, deliverBy: fromNow(12 * HOUR), ...over,
    };
    const posted = await as<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>('MANUFACTURER', 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', { input });
    expect(posted.errors).toBeUndefined();
    return posted.data!.shipmentRequestCreate.shipmentRequest.id;
  };
  const read = async (id: string) => (await as<{ node: { status: string; unmatched: Unmatched } }>('MANUFACTURER', `query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status ${UNMATCHED} } } }`, { id })).data!.node;
  const round = async () => {
    const run = await as<{ matchingRunStart: { round: { startedAt: string } } }>('OPERATOR', RUN);
    expect(run.errors).toBeUndefined();
    return run.data!.matchingRunStart.round.startedAt;
  };

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'unmatched.db') });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  const register = async (plateNumber: string, tonnageClass: string, bodyType: string) => {
    const registered = await as('CARRIER', 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber, tonnageClass, bodyType, location: { lat: 37.33, lng: 126.75 }, availability: [{ startsAt: fromNow(60_000), endsAt: fromNow(24 * HOUR) }], idempotencyKey: randomUUID() },
    });
    expect(registered.errors).toBeUndefined();
  };

  it('says NO_VEHICLE while no truck of the complex has free time', async () => {
    const first = await post({});
    await round();
    expect((await read(first)).unmatched).toMatchObject({ reason: 'NO_VEHICLE' });
  });

  it('names the rule no truck nearby could meet, with the field to change, until a round offers it', async () => {
    await register('경기12바1234', 'T5', 'WING');
    // Bound elsewhere than the first test's load (Daejeon, not Seoul): a load on another's way may ride shared within
    // its limit, but no route reaches Daejeon for 1,000 won more.
    const cheap = await post({ maxPriceKrw: 1_000, destination: { lat: 36.3504, lng: 127.3845 } });
    const bulk = await post({ cargoClass: 'LIQUID_BULK', loadingAtOrigin: 'BY_HAND', loadingAtDestination: 'BY_HAND' });
    expect(await read(cheap)).toEqual({ status: 'OPEN', unmatched: null });

    const first = await round();
    expect(await read(cheap)).toEqual({ status: 'OPEN', unmatched: { reason: 'PRICE', explanation: expect.stringContaining('maxPriceKrw'), at: expect.any(String) } });
    expect(Date.parse((await read(cheap)).unmatched!.at)).toBeLessThanOrEqual(Date.parse(first) + 60_000);
    expect((await read(bulk)).unmatched).toMatchObject({ reason: 'BODY', explanation: expect.stringContaining('cargoClass') });
    // The operator counts the complex's waiting requests by reason.
    const INSIGHTS = 'query ($from: DateTime!, $to: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: $to) { requests { waiting } unmatched { reason count } } }';
    const insights = await as<{ complexInsights: { requests: { waiting: number }; unmatched: { reason: string | null; count: number }[] } }>('OPERATOR', INSIGHTS, { from: fromNow(-HOUR), to: fromNow(HOUR) });
    expect(insights.errors).toBeUndefined();
    // Waiting counts the OFFERED request of the first test too; only OPEN ones have a reason.
    expect(insights.data!.complexInsights.requests.waiting).toBe(3);
    expect(insights.data!.complexInsights.unmatched).toEqual([{ reason: 'BODY', count: 1 }, { reason: 'PRICE', count: 1 }]);
    // The shipper's list says the same.
    const listed = await as<{ shipmentRequests: { edges: { node: { id: string; unmatched: Unmatched } }[] } }>('MANUFACTURER', `{ shipmentRequests(first: 100) { edges { node { id ${UNMATCHED} } } } }`);
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.shipmentRequests.edges.find((e) => e.node.id === cheap)!.node.unmatched!.reason).toBe('PRICE');

    // A tank truck joins: the next round offers the bulk load, and its reason goes.
    await register('경기77바7777', 'T11', 'TANK');
    await round();
    expect(await read(bulk)).toEqual({ status: 'OFFERED', unmatched: null });
    expect((await read(cheap)).unmatched!.reason).toBe('PRICE');
  });
});
