/**
 * A complex's recent activity (`Complex.recentActivity`): what the operators' feed shows before it follows the
 * `complexActivity` subscription, rebuilt from stored rows with the live events' very lines.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bookings, matchingRounds } from '../../db/schema';
import { selectComplex } from '../../src/complexes/complex-record';
import { parseEnv } from '../../src/env';
import { createLogger } from '../../src/logger';
import { executeRound } from '../../src/matching/run-round';
import { addDays, seoulDay } from '../../src/supply/listings/seoul-day';
import { TINY_PNG } from '../../scripts/simulation/market';
import { firstResults, gql, subscribedTo, wsClient } from '../helpers/clients';
import { fromNow, marketApi } from '../helpers/market-api';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { shipmentRequestVariables } from '../helpers/bookings-fixtures';

const HOUR = 3_600_000;
const GATE = { lat: 37.325, lng: 126.75 };
const SUWON = { lat: 37.2636, lng: 127.0286 };
/** Webhook attempts a few milliseconds apart, given up on after 400 ms. */
const FAILING_FAST = { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', WEBHOOK_WORKER_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_RETRY_CAP_MS: '200', WEBHOOK_RETRY_WINDOW_MS: '400' };
const RECENT = 'query ($code: String!, $first: Int) { complex(code: $code) { recentActivity(first: $first) { id complexCode kind at summary summaryKo reason } } }';
const LIVE = 'subscription { complexActivity(code: "BANWOL_SIHWA") { id complexCode kind at summary summaryKo reason } }';

interface Line {
  id: string;
  complexCode: string;
  kind: string;
  at: string;
  summary: string;
  summaryKo: string;
  reason: string | null;
}

describe("a complex's recent activity", () => {
  const tmp = tempDir();
  let server: TestServer;
  const live: Line[] = [];
  let unsubscribe = () => {};
  let down: Receiver;
  const api = marketApi(() => server);
  const recent = (key: string, variables: Record<string, unknown> = {}) => gql<{ complex: { recentActivity: Line[] } | null }>(server.url, RECENT, { code: 'BANWOL_SIHWA', ...variables }, { apiKey: key });

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'recent-activity.db'), env: { ...FAILING_FAST, POD_STORAGE_DIR: join(tmp.dir, 'pod') } });
    down = await startReceiver({ respond: () => 503 });
    const client = wsClient(server.wsUrl, { apiKey: server.keyOf('OPERATOR').apiKey });
    const subscribed = subscribedTo(server.pubsub, 'complexActivity');
    const stop = client.subscribe<{ complexActivity: Line }>({ query: LIVE }, { next: ({ data }) => void live.push(data!.complexActivity), error: () => {}, complete: () => {} });
    unsubscribe = () => {
      stop();
      void client.dispose();
    };
    await subscribed;

    // The night: the operators' webhook receiver is down and disabled at the first line it misses; a truck and a
    // warehouse join, two loads are posted, one corrected (its price limit and notes, its load as it was) and then
    // withdrawn, a round routes the other, its carrier books it, then
    // gives it back; a third load is posted, routed, picked up and delivered; the truck is retired and the
    // warehouse withdrawn.
    const operator = server.keyOf('OPERATOR').apiKey;
    const endpoint = await api.as(operator, 'mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { endpoint { id } } }', { input: { url: down.url, eventTypes: ['COMPLEX_ACTIVITY'] } });
    expect(endpoint.errors).toBeUndefined();
    const carrier = server.keyOf('CARRIER').apiKey;
    const registered = await api.as<{ vehicleRegister: { vehicle: { id: string } } }>(carrier, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber: '경기12바3456', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: fromNow(HOUR), endsAt: fromNow(72 * HOUR) }], idempotencyKey: randomUUID() },
    });
    await vi.waitFor(() => expect(live.map((l) => l.kind)).toContain('WEBHOOK_ENDPOINT_DISABLED'), { timeout: 10_000 });
    const today = seoulDay(new Date());
    const listed = await api.as<{ warehouseListingCreate: { listing: { id: string } } }>(server.keyOf('WAREHOUSE_OWNER').apiKey, 'mutation ($input: WarehouseListingCreateInput!) { warehouseListingCreate(input: $input) { listing { id } } }', {
      input: {
        name: '시화 창고 A동', location: { lat: 37.33, lng: 126.76 }, storageClass: 'CHILLED', totalPallets: 1_200, availability: [{ from: addDays(today, 1), to: addDays(today, 30), idlePallets: 80 }],
        pricePerPalletDayKrw: 1_500, minDays: 3, hasForklift: true, hasDock: false, opensAt: '08:00', closesAt: '19:00', idempotencyKey: randomUUID(),
      },
    });
    expect(listed.errors).toBeUndefined();
    const routed = await api.post(GATE, SUWON, 1_500, 4, 20 * HOUR, 26 * HOUR, 48 * HOUR);
    const withdrawn = await api.post(GATE, SUWON, 700, 2, 22 * HOUR, 28 * HOUR, 50 * HOUR);
    const UPDATE = 'mutation ($input: ShipmentRequestUpdateInput!) { shipmentRequestUpdate(input: $input) { shipmentRequest { id } } }';
    const corrected = await api.as(server.keyOf('MANUFACTURER').apiKey, UPDATE, { input: { shipmentRequestId: withdrawn, maxPriceKrw: 300_000, notes: 'Dock 3', idempotencyKey: randomUUID() } });
    expect(corrected.errors).toBeUndefined();
    const cancelled = await api.as(server.keyOf('MANUFACTURER').apiKey, 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "order moved" }) { shipmentRequest { status } } }', { id: withdrawn });
    expect(cancelled.errors).toBeUndefined();
    const [route] = await api.round<{ id: string; shares: { requestId: string }[] }>('id shares { requestId }');
    expect(route!.shares.map((s) => s.requestId)).toEqual([routed]);
    const accepted = await api.as<{ routeAccept: { bookings: { id: string }[] } }>(carrier, 'mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) { bookings { id } } }', { id: route!.id, key: randomUUID() });
    expect(accepted.errors).toBeUndefined();
    const given = await api.as(carrier, 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "driver ill", idempotencyKey: $key }) { bookings { status } } }', {
      id: accepted.data!.routeAccept.bookings[0]!.id,
      key: randomUUID(),
    });
    expect(given.errors).toBeUndefined();
    // Not offered again to the carrier that gave it back: a new load is.
    const next = await api.post(GATE, SUWON, 900, 3, 21 * HOUR, 27 * HOUR, 49 * HOUR);
    const [again] = await api.round<{ id: string; shares: { requestId: string }[] }>('id shares { requestId }');
    expect(again!.shares.map((s) => s.requestId)).toEqual([next]);
    const rebooked = await api.as<{ routeAccept: { bookings: { id: string }[] } }>(carrier, 'mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) { bookings { id } } }', { id: again!.id, key: randomUUID() });
    expect(rebooked.errors).toBeUndefined();
    const bookingId = rebooked.data!.routeAccept.bookings[0]!.id;
    const track = (kind: string, extra: Record<string, unknown> = {}) =>
      api.as(carrier, 'mutation ($input: TrackingEventReportInput!) { trackingEventReport(input: $input) { trackingEvent { kind } } }', {
        input: { bookingId, kind, occurredAt: new Date().toISOString(), position: { lat: 37.3, lng: 126.9 }, idempotencyKey: randomUUID(), ...extra },
      });
    expect((await track('PICKED_UP')).errors).toBeUndefined();
    expect((await track('IN_TRANSIT')).errors).toBeUndefined();
    const upload = await fetch(`${server.url.replace(/\/graphql$/, '')}/pod-images/${bookingId}`, { method: 'POST', headers: { authorization: `Bearer ${carrier}`, 'content-type': 'image/png' }, body: TINY_PNG });
    const image = (await upload.json()) as { id: number };
    expect((await track('DELIVERED', { proofOfDelivery: { receiverName: '김수령', receivedAt: new Date().toISOString(), imageId: image.id } })).errors).toBeUndefined();
    const retired = await api.as(carrier, 'mutation ($id: ID!) { vehicleRetire(input: { vehicleId: $id }) { vehicle { status } } }', { id: registered.data!.vehicleRegister.vehicle.id });
    expect(retired.errors).toBeUndefined();
    const closed = await api.as(server.keyOf('WAREHOUSE_OWNER').apiKey, 'mutation ($id: ID!) { warehouseListingWithdraw(input: { listingId: $id }) { listing { status } } }', { id: listed.data!.warehouseListingCreate.listing.id });
    expect(closed.errors).toBeUndefined();
    await vi.waitFor(() => expect(live.map((l) => l.kind)).toContain('LISTING_WITHDRAWN'));
  });
  afterAll(async () => {
    unsubscribe();
    await server.stop();
    await down.close();
    tmp.remove();
  });

  it('tells the operator what the live feed told, newest first, with the same lines', async () => {
    const { body } = await recent(server.keyOf('OPERATOR').apiKey, { first: 100 });
    expect(body.errors).toBeUndefined();
    const history = body.data!.complex!.recentActivity;
    // Every kind the live feed tells; the truck's position report (IN_TRANSIT) is kept off it, both ways.
    const told = [...live].reverse();
    expect(told.map((l) => l.kind)).toEqual([
      'LISTING_WITHDRAWN', 'VEHICLE_RETIRED', 'SHIPMENT_DELIVERED', 'SHIPMENT_PICKED_UP', 'BOOKING_CONFIRMED', 'MATCHING_ROUND_COMPLETED', 'REQUEST_POSTED', 'BOOKING_RETURNED', 'BOOKING_CONFIRMED',
      'MATCHING_ROUND_COMPLETED', 'REQUEST_CANCELLED', 'REQUEST_CHANGED', 'REQUEST_POSTED', 'REQUEST_POSTED', 'LISTING_PUBLISHED', 'WEBHOOK_ENDPOINT_DISABLED', 'VEHICLE_REGISTERED',
    ]);
    // The same events: each line of the history has the id it had live, and no two events share one.
    const line = ({ id, complexCode, kind, summary, summaryKo, reason }: Line) => ({ id, complexCode, kind, summary, summaryKo, reason });
    expect(history.map(line)).toEqual(told.map(line));
    // Why, in the words of whoever cancelled or gave back; the truck was retired with no reason.
    const reasons = Object.fromEntries(told.filter((l) => l.reason !== null).map((l) => [l.kind, l.reason]));
    expect(reasons).toEqual({ REQUEST_CANCELLED: 'order moved', BOOKING_RETURNED: 'driver ill' });
    expect(new Set(told.map((l) => l.id)).size).toBe(told.length);
    // A change says what the load now is, and which of its terms changed.
    expect(told.find((l) => l.kind === 'REQUEST_CHANGED')).toMatchObject({
      summary: expect.stringMatching(/^2 pallets GENERAL, 700 kg, pickup \d\d-\d\d \d\d:\d\d \(changed: price limit, notes\)$/),
      summaryKo: expect.stringMatching(/^일반 2팔레트, 700kg, 상차 \d\d-\d\d \d\d:\d\d \(변경: 상한 운임, 메모\)$/),
    });
    // The kinds told from a time stored for them tell that very time.
    const stamped = (lines: Line[]) => lines.filter((l) => /^(REQUEST_CHANGED|LISTING_WITHDRAWN|VEHICLE_RETIRED|SHIPMENT_|WEBHOOK_)/.test(l.kind)).map(({ kind, at }) => ({ kind, at }));
    expect(stamped(history)).toEqual(stamped(told));
    const times = history.map((l) => Date.parse(l.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('gives `first` lines, 20 unless asked', async () => {
    const operator = server.keyOf('OPERATOR').apiKey;
    expect((await recent(operator, { first: 2 })).body.data!.complex!.recentActivity.map((l) => l.kind)).toEqual(['LISTING_WITHDRAWN', 'VEHICLE_RETIRED']);
    expect((await recent(operator)).body.data!.complex!.recentActivity.length).toBeLessThanOrEqual(20);
  });

  it('an admin reads it too', async () => {
    const { body } = await recent(server.keyOf('ADMIN').apiKey, { first: 1 });
    expect(body.data!.complex!.recentActivity.map((l) => l.kind)).toEqual(['LISTING_WITHDRAWN']);
  });

  it.each([
    ['an operator of another complex', 'OPERATOR', 'GUMI'],
    ['a shipper of the complex', 'MANUFACTURER', undefined],
  ] as const)('refuses %s as the subscription does', async (_, role, complex) => {
    const key = server.keyOf(role, complex).apiKey;
    const client = wsClient(server.wsUrl, { apiKey: key });
    try {
      const [subscribed] = await firstResults(client, { query: LIVE });
      const { body } = await recent(key);
      expect(subscribed!.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(body.errors?.[0]).toMatchObject({ message: subscribed!.errors![0]!.message, extensions: { code: 'FORBIDDEN' } });
      expect(body.data?.complex ?? null).toBeNull();
    } finally {
      await client.dispose();
    }
  });

  // After the others that read the order: it moves the stored times. A demo plays a round and the bookings of its offers at one instant.
  it('puts the bookings above the round that offered them when both were stored at one instant', async () => {
    const instant = new Date(Date.now() + 60_000);
    await server.db.update(matchingRounds).set({ finishedAt: instant }).run();
    await server.db.update(bookings).set({ bookedAt: instant }).run();
    const { body } = await recent(server.keyOf('OPERATOR').apiKey, { first: 4 });
    expect(body.data!.complex!.recentActivity.map((l) => l.kind)).toEqual(['BOOKING_CONFIRMED', 'BOOKING_CONFIRMED', 'MATCHING_ROUND_COMPLETED', 'MATCHING_ROUND_COMPLETED']);
  });

  it.each([0, 101, -1])('names `first` when it is %i', async (first) => {
    const { body } = await recent(server.keyOf('OPERATOR').apiKey, { first });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'first', rule: expect.stringMatching(/100|1/) }] });
  });

  // The scheduler starts a round every few minutes in every complex: a quiet night's "0 of 0 requests" would fill the
  // feed, as would a load no truck can take, "0 of 1" again every round until it expires.
  it('tells no line, live or again, for a scheduled round that offered nothing', async () => {
    const gumi = selectComplex({ db: server.db }, { code: 'GUMI' })!;
    const operator = server.keyOf('OPERATOR', 'GUMI').apiKey;
    const client = wsClient(server.wsUrl, { apiKey: operator });
    const heard: Line[] = [];
    const subscribed = subscribedTo(server.pubsub, 'complexActivity');
    const stop = client.subscribe<{ complexActivity: Line }>({ query: LIVE.replace('BANWOL_SIHWA', 'GUMI') }, { next: ({ data }) => void heard.push(data!.complexActivity), error: () => {}, complete: () => {} });
    try {
      await subscribed;
      const ctx = { db: server.db, pubsub: server.pubsub, logger: createLogger('silent'), env: parseEnv({ NODE_ENV: 'test' }), now: () => new Date(), viewer: null as never };
      const quiet = await executeRound(ctx, gumi, 'SCHEDULED', null);
      expect(quiet.report?.requestsConsidered).toBe(0);
      // Gumi has no truck: its load is considered, and nothing offered.
      const posted = await gql(server.url, 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', { input: shipmentRequestVariables({ origin: { lat: 36.105, lng: 128.39 } }) }, { apiKey: server.keyOf('MANUFACTURER', 'GUMI').apiKey });
      expect(posted.body.errors).toBeUndefined();
      const unserved = await executeRound(ctx, gumi, 'SCHEDULED', null);
      expect(unserved.report).toMatchObject({ requestsConsidered: 1, offersWritten: 0 });
      const asked = await executeRound(ctx, gumi, 'MANUAL', null);
      await vi.waitFor(() => expect(heard.map((l) => l.kind)).toContain('MATCHING_ROUND_COMPLETED'));
      const lines = (await recent(operator, { code: 'GUMI', first: 100 })).body.data!.complex!.recentActivity;
      for (const told of [heard, lines]) {
        const rounds = told.filter((l) => l.kind === 'MATCHING_ROUND_COMPLETED');
        expect(rounds.map((l) => l.summary)).toEqual([expect.stringMatching(new RegExp(`^Round #${asked.id}:`))]);
        // An identifier shared by the seven complexes, not this complex's Nth round ("N회차").
        expect(rounds.map((l) => l.summaryKo)).toEqual([expect.stringMatching(new RegExp(`^매칭 라운드 #${asked.id}:`))]);
      }
    } finally {
      stop();
      await client.dispose();
    }
  });
});
