import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings } from '../../db/schema';
import { toGlobalId, localIdOf } from '../../src/global-id';
import { ctxAs, makeOffers, round, shipment, threeShippers } from '../helpers/bookings-fixtures';
import { firstResults, gql, keepTriggering, subscribedTo, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const ORIGIN = { lat: 37.325, lng: 126.75 };
const SUWON = { lat: 37.2636, lng: 127.0286 };

const ROUTE_FIELDS = `id vehicleId roundId priceKrw deadheadKm loadedKm startAt endAt status sharedBy stopPlaces createdAt
  shares { id requestId priceKrw deadheadKm loadedKm status }
  stops { seq action requestId location { lat lng } arriveAt startAt departAt kgAfter palletsAfter }`;
const ROUTES = `query ($first: Int, $after: String, $round: ID) { routes(first: $first, after: $after, filter: { roundId: $round }) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { ${ROUTE_FIELDS} } } } }`;
const NODE = `query ($id: ID!) { node(id: $id) { ... on Route { ${ROUTE_FIELDS} } } }`;
const ACCEPT = `mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) {
  route { id status } bookings { id status priceKrw shipmentRequestId route { id sharedBy stops { requestId } } } } }`;
const DECLINE = 'mutation ($id: ID!) { routeDecline(input: { routeId: $id, reason: "driver off sick" }) { route { id status shares { status } } } }';
const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id report { routes pooledRoutes } } } }';

interface Stop {
  seq: number;
  departAt: string;
  action: 'PICKUP' | 'DROP';
  requestId: string;
  location: { lat: number; lng: number };
  kgAfter: number;
  palletsAfter: number;
}
interface Route {
  id: string;
  vehicleId: string;
  priceKrw: number;
  deadheadKm: number;
  loadedKm: number;
  status: string;
  sharedBy: number;
  stopPlaces: number;
  shares: { id: string; requestId: string; priceKrw: number; deadheadKm: number; loadedKm: number; status: string }[];
  stops: Stop[];
  startAt: string;
  endAt: string;
}

describe('routes through the service', () => {
  const tmp = tempDir();
  let server: TestServer;
  const keys = {} as Record<'a' | 'b' | 'c' | 'carrier' | 'operator' | 'owner' | 'otherCarrier' | 'otherOperator', string>;
  const requests = {} as Record<'a' | 'b' | 'c', string>;
  let pooled: Route;
  let bookedRoute: Route;

  const as = async <T,>(key: string, query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server.url, query, variables, { apiKey: key })).body;
  const routeAs = async (key: string, id: string) => (await as<{ node: Route | null }>(key, NODE, { id })).data?.node ?? null;
  const registerTruck = (plateNumber: string) =>
    as(keys.carrier, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber, tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: at(HOUR), endsAt: at(72 * HOUR) }], idempotencyKey: randomUUID() },
    });
  const post = async (key: string, destination: { lat: number; lng: number }, weightKg: number, pallets: number) =>
    (
      await as<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>(key, 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', {
        input: {
          idempotencyKey: randomUUID(), origin: ORIGIN, destination, weightKg, pallets, cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
          pickupWindow: { from: at(20 * HOUR), until: at(26 * HOUR) }, deliverBy: at(48 * HOUR),
        },
      })
    ).data!.shipmentRequestCreate.shipmentRequest.id;

  const requestStatus = async (id: string) => (await as<{ node: { status: string } }>(keys.operator, 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status } } }', { id })).data!.node.status;
  /** Runs a round and returns the carrier's new route carrying A. */
  const newRoute = async () => {
    const run = await as<{ matchingRunStart: { round: { id: string } } }>(keys.operator, RUN);
    const listed = await as<{ routes: { edges: { node: Route }[] } }>(keys.carrier, ROUTES, { round: run.data!.matchingRunStart.round.id });
    return listed.data!.routes.edges.find((e) => e.node.shares.some((s) => s.requestId === requests.a))!.node;
  };

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'routes.db') });
    Object.assign(keys, {
      ...(await threeShippers(server)),
      carrier: server.keyOf('CARRIER').apiKey,
      operator: server.keyOf('OPERATOR').apiKey,
      owner: server.keyOf('WAREHOUSE_OWNER').apiKey,
      otherCarrier: server.keyOf('CARRIER', 'GUMI').apiKey,
      otherOperator: server.keyOf('OPERATOR', 'GUMI').apiKey,
    });
    await registerTruck('경기12바3456');
    // Two shippers' small loads from the same gate to Suwon: one truck carries both (혼적).
    requests.a = await post(keys.a, SUWON, 800, 2);
    requests.b = await post(keys.b, { lat: 37.27, lng: 127.0 }, 1_200, 3);
    const run = await as<{ matchingRunStart: { round: { report: { routes: number; pooledRoutes: number } } } }>(keys.operator, RUN);
    expect(run.data!.matchingRunStart.round.report).toMatchObject({ routes: 1, pooledRoutes: 1 });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it("the vehicle's carrier sees the whole route: every stop in order with the load after it, every share", async () => {
    const listed = await as<{ routes: { totalCount: number; edges: { node: Route }[] } }>(keys.carrier, ROUTES);
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.routes.totalCount).toBe(1);
    pooled = listed.data!.routes.edges[0]!.node;
    expect(pooled).toMatchObject({ status: 'PENDING', sharedBy: 2 });
    expect(pooled.shares.map((s) => s.requestId).sort()).toEqual([requests.a, requests.b].sort());
    expect(pooled.priceKrw).toBe(pooled.shares.reduce((n, s) => n + s.priceKrw, 0));
    expect(pooled.stops.map((s) => s.seq)).toEqual([1, 2, 3, 4]);
    // Both loaded before either is dropped, the load on board adding up stop by stop.
    expect(pooled.stops.slice(0, 2).map((s) => s.action)).toEqual(['PICKUP', 'PICKUP']);
    expect(pooled.stops[1]).toMatchObject({ kgAfter: 2_000, palletsAfter: 5 });
    expect(pooled.stops[3]).toMatchObject({ action: 'DROP', kgAfter: 0, palletsAfter: 0 });
    expect(await routeAs(keys.carrier, pooled.id)).toEqual(pooled);
  });

  it("the complex's operators and admins see it whole; another complex's operator and carrier do not see it", async () => {
    expect(await routeAs(keys.operator, pooled.id)).toEqual(pooled);
    expect(await routeAs(server.keyOf('ADMIN').apiKey, pooled.id)).toEqual(pooled);
    expect(await routeAs(keys.otherOperator, pooled.id)).toBeNull();
    expect(await routeAs(keys.otherCarrier, pooled.id)).toBeNull();
    expect((await as<{ routes: { totalCount: number } }>(keys.otherCarrier, ROUTES)).data!.routes.totalCount).toBe(0);
    expect((await as<{ routes: { totalCount: number } }>(keys.otherOperator, ROUTES)).data!.routes.totalCount).toBe(0);
  });

  it('a shipper sees only its share: its own stops and load, its own price, and how many share the truck', async () => {
    const seen = (await routeAs(keys.a, pooled.id))!;
    const own = pooled.shares.find((s) => s.requestId === requests.a)!;
    expect(seen).toMatchObject({ id: pooled.id, sharedBy: 2, priceKrw: own.priceKrw, shares: [own] });
    expect(seen.stops.map((s) => [s.seq, s.action, s.requestId, s.kgAfter, s.palletsAfter])).toEqual([
      [1, 'PICKUP', requests.a, 800, 2],
      [2, 'DROP', requests.a, 0, 0],
    ]);
    const [pickup, drop] = seen.stops;
    expect(seen.startAt).toBe((pooled.stops.find((s) => s.requestId === requests.a && s.action === 'PICKUP') as unknown as { arriveAt: string }).arriveAt);
    expect(drop!.location).toEqual(pooled.stops.find((s) => s.requestId === requests.a && s.action === 'DROP')!.location);
    expect(pickup!.location).toEqual(ORIGIN);
    // Nothing of the other shipper: not its request, its share, its destination, nor its goods.
    const other = pooled.stops.find((s) => s.requestId === requests.b && s.action === 'DROP')!;
    const text = JSON.stringify(seen);
    for (const hidden of [requests.b, pooled.shares.find((s) => s.requestId === requests.b)!.id, String(other.location.lat), '1200', '2000']) expect(text).not.toContain(hidden);

    // The same share through the list and through its offer.
    const listed = await as<{ routes: { edges: { node: Route }[] } }>(keys.a, ROUTES);
    expect(listed.data!.routes.edges.map((e) => e.node)).toEqual([seen]);
    const viaOffer = await as<{ offers: { edges: { node: { route: { stops: Stop[]; priceKrw: number } } }[] } }>(keys.b, '{ offers(first: 5) { edges { node { route { priceKrw stops { requestId kgAfter } } } } } }');
    expect(viaOffer.data!.offers.edges.map((e) => e.node.route)).toEqual([
      { priceKrw: pooled.shares.find((s) => s.requestId === requests.b)!.priceKrw, stops: [{ requestId: requests.b, kgAfter: 1_200 }, { requestId: requests.b, kgAfter: 0 }] },
    ]);
  });

  it('a shipper not on the route and a warehouse owner cannot see it', async () => {
    expect(await routeAs(keys.c, pooled.id)).toBeNull();
    expect((await as<{ routes: { totalCount: number } }>(keys.c, ROUTES)).data!.routes.totalCount).toBe(0);
    expect(await routeAs(keys.owner, pooled.id)).toBeNull();
    expect((await as(keys.owner, ROUTES)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('routeAccept and routeDecline refuse bad input naming the field, other roles, and other carriers', async () => {
    const bad = await as(keys.carrier, ACCEPT, { id: requests.a, key: randomUUID() });
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: 'input.routeId: must be the ID of a Route' });
    const badKey = await as(keys.carrier, ACCEPT, { id: pooled.id, key: 'x' });
    expect(badKey.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('input.idempotencyKey') });
    expect((await as(keys.a, ACCEPT, { id: pooled.id, key: randomUUID() })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await as(keys.otherCarrier, ACCEPT, { id: pooled.id, key: randomUUID() })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await as(keys.otherCarrier, DECLINE, { id: pooled.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a route with a cancelled request is withdrawn whole: accepting it books none of its shares', async () => {
    const cancel = await as(keys.b, 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "order withdrawn" }) { shipmentRequest { status } } }', { id: requests.b });
    expect(cancel.errors).toBeUndefined();
    const refused = await as(keys.carrier, ACCEPT, { id: pooled.id, key: randomUUID() });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'Route is withdrawn and can no longer be accepted' });
    expect((await as(keys.carrier, DECLINE, { id: pooled.id })).errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'Route is withdrawn and can no longer be declined' });
    expect(await server.db.select().from(bookings).all()).toEqual([]);
    expect((await routeAs(keys.carrier, pooled.id))!.status).toBe('WITHDRAWN');
    expect((await routeAs(keys.a, pooled.id))!.status).toBe('WITHDRAWN');
    expect(await requestStatus(requests.a)).toBe('OPEN');
  });

  it('declining a route declines every share and returns its requests to the next round; declining again returns the same', async () => {
    requests.c = await post(keys.c, SUWON, 600, 1);
    const route = await newRoute();
    const declined = await as<{ routeDecline: { route: Route } }>(keys.carrier, DECLINE, { id: route.id });
    expect(declined.errors).toBeUndefined();
    expect(declined.data!.routeDecline.route).toMatchObject({ status: 'DECLINED', shares: [{ status: 'DECLINED' }, { status: 'DECLINED' }] });
    expect(await as(keys.carrier, DECLINE, { id: route.id })).toEqual(declined);
    expect([await requestStatus(requests.a), await requestStatus(requests.c)]).toEqual(['OPEN', 'OPEN']);
  });

  it('accepting books every share in one transaction or none, and a retry returns the same', async () => {
    // The first truck declined A and C: a second one takes them.
    const truck = (await registerTruck('경기34사5678')) as { data: { vehicleRegister: { vehicle: { id: string } } } };
    const route = await newRoute();
    expect(route.vehicleId).toBe(truck.data.vehicleRegister.vehicle.id);
    // Shipper B, whose load rode on another route only, sees nothing of this one.
    expect(await routeAs(keys.b, route.id)).toBeNull();

    // 4,300 kg already booked on the truck over the whole trip: C's 600 kg would fit beside it, A's 800 kg not,
    // so whichever share is booked first, the route is refused as a whole.
    const heavy = await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')), { weightKg: 4_300, pallets: 1 });
    const me = server.keyOf('CARRIER').organisationId;
    const [heavyOffer] = await makeOffers(server.db, [
      { round: await round(server.db), requestId: heavy.id, shipperOrgId: heavy.shipperOrgId, supplierOrgId: me, vehicleId: localIdOf(route.vehicleId, 'Vehicle', 'vehicleId'), pickupAt: new Date(Date.now() + HOUR), deliverAt: new Date(Date.now() + 60 * HOUR) },
    ]);
    const booked = await as<{ offerAccept: { bookings: { id: string }[] } }>(keys.carrier, 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { bookings { id } } }', { id: toGlobalId('Offer', heavyOffer!), key: randomUUID() });
    expect(booked.errors).toBeUndefined();
    const full = await as(keys.carrier, ACCEPT, { id: route.id, key: randomUUID() });
    expect(full.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await server.db.select().from(bookings).where(eq(bookings.routeId, localIdOf(route.id, 'Route', 'id'))).all()).toEqual([]);
    expect((await routeAs(keys.carrier, route.id))!.status).toBe('PENDING');

    const giveBack = await as(keys.carrier, 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "room for a route", idempotencyKey: $key }) { bookings { status } } }', { id: booked.data!.offerAccept.bookings[0]!.id, key: randomUUID() });
    expect(giveBack.errors).toBeUndefined();
    const key = randomUUID();
    const accepted = await as<{ routeAccept: { route: { status: string }; bookings: { id: string; status: string; shipmentRequestId: string }[] } }>(keys.carrier, ACCEPT, { id: route.id, key });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.routeAccept.route.status).toBe('ACCEPTED');
    expect(accepted.data!.routeAccept.bookings.map((b) => [b.shipmentRequestId, b.status]).sort()).toEqual(
      [
        [requests.a, 'CONFIRMED'],
        [requests.c, 'CONFIRMED'],
      ].sort(),
    );
    expect(await as(keys.carrier, ACCEPT, { id: route.id, key })).toEqual(accepted);
    // Another key: refused in the route's terms (it named the route's first share, an Offer the carrier never sent).
    expect((await as(keys.carrier, ACCEPT, { id: route.id, key: randomUUID() })).errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: 'Route is accepted already: a retry of that accept sends its idempotencyKey again',
    });

    // Each shipper's booking leads to its own share of the route.
    const mine = await as<{ bookings: { edges: { node: { route: unknown } }[] } }>(keys.c, '{ bookings(first: 5) { edges { node { route { id sharedBy stops { requestId } } } } } }');
    expect(mine.data!.bookings.edges.map((e) => e.node.route)).toEqual([{ id: route.id, sharedBy: 2, stops: [{ requestId: requests.c }, { requestId: requests.c }] }]);
    bookedRoute = (await routeAs(keys.carrier, route.id))!;
  });

  it('a booked request cancelled leaves the route: its stops, its load, its share and its price; given back, the route is RETURNED', async () => {
    // The shipper whose drop ends the route cancels (both drop in Suwon: which goes last is the search's choice).
    const gone: 'a' | 'c' = bookedRoute.stops.at(-1)!.requestId === requests.a ? 'a' : 'c';
    const stays = gone === 'a' ? 'c' : 'a';
    const loads = { a: [800, 2], c: [600, 1] } as const;
    const cancelled = bookedRoute.shares.find((s) => s.requestId === requests[gone])!;
    // The carrier hears of it as it happens: its truck is not to call at that door.
    const carrierFeed = wsClient(server.wsUrl, { apiKey: keys.carrier });
    const listening = subscribedTo(server.pubsub, 'bookingEnded');
    const told = firstResults<{ bookingEnded: { status: string; endReason: string; shipmentRequestId: string; routeId: string } }>(carrierFeed, { query: 'subscription { bookingEnded { status endReason shipmentRequestId routeId } }' });
    await listening;
    const cancel = await as(keys[gone], 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "order withdrawn" }) { shipmentRequest { status } } }', { id: requests[gone] });
    expect(cancel.errors).toBeUndefined();
    expect((await told)[0]!.data!.bookingEnded).toEqual({ status: 'CANCELLED', endReason: 'order withdrawn', shipmentRequestId: requests[gone], routeId: bookedRoute.id });
    await carrierFeed.dispose();
    // The carrier serves the other alone now: its stops, its load, its price, its times.
    const left = (await routeAs(keys.carrier, bookedRoute.id))!;
    expect(left).toMatchObject({ status: 'ACCEPTED', sharedBy: 1, priceKrw: bookedRoute.priceKrw - cancelled.priceKrw, shares: bookedRoute.shares.filter((s) => s !== cancelled) });
    // Its km go with its price (they were split alike): the route's km are the share's left.
    const [kept] = left.shares;
    expect(left.loadedKm).toBeLessThan(bookedRoute.loadedKm);
    expect(left.loadedKm).toBeCloseTo(kept!.loadedKm, 6);
    expect(left.deadheadKm).toBeCloseTo(kept!.deadheadKm, 6);
    expect(left.stops.map((s) => [s.seq, s.action, s.requestId, s.kgAfter, s.palletsAfter])).toEqual([
      [1, 'PICKUP', requests[stays], ...loads[stays]],
      [2, 'DROP', requests[stays], 0, 0],
    ]);
    expect(left.endAt).toBe(left.stops.at(-1)!.departAt);
    expect(left.endAt < bookedRoute.endAt).toBe(true);
    expect(await routeAs(keys.operator, bookedRoute.id)).toEqual(left);
    expect(await routeAs(keys[stays], bookedRoute.id)).toMatchObject({ status: 'ACCEPTED', sharedBy: 1, stops: left.stops });
    // The shipper that cancelled: nothing of its own on board.
    expect(await routeAs(keys[gone], bookedRoute.id)).toMatchObject({ status: 'CANCELLED', priceKrw: 0, shares: [], stops: [] });

    // Both loaded at one gate and dropped at one address in Suwon: four stops at two places, as the price counted them.
    expect([bookedRoute.stops.length, bookedRoute.stopPlaces, left.stopPlaces]).toEqual([4, 2, 2]);

    const [held] = await server.db.select().from(bookings).where(and(eq(bookings.routeId, localIdOf(bookedRoute.id, 'Route', 'id')), eq(bookings.status, 'CONFIRMED'))).all();
    const giveBack = await as(keys.carrier, 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "truck broke down", idempotencyKey: $key }) { bookings { status } } }', { id: toGlobalId('Booking', held!.id), key: randomUUID() });
    expect(giveBack.errors).toBeUndefined();
    expect(await routeAs(keys.carrier, bookedRoute.id)).toMatchObject({ status: 'RETURNED', sharedBy: 0, priceKrw: 0, shares: [], stops: [] });
    expect(await routeAs(keys[stays], bookedRoute.id)).toMatchObject({ status: 'RETURNED', shares: [], stops: [] });
    expect(await requestStatus(requests[stays])).toBe('OPEN');
  });

  it('pages newest first with the project cursors', async () => {
    const first = await as<{ routes: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: Route }[] } }>(keys.operator, ROUTES, { first: 1 });
    const { totalCount, pageInfo, edges } = first.data!.routes;
    expect(totalCount).toBeGreaterThanOrEqual(2);
    expect(pageInfo.hasNextPage).toBe(true);
    const next = await as<{ routes: { edges: { node: Route }[] } }>(keys.operator, ROUTES, { first: 1, after: pageInfo.endCursor });
    expect(next.data!.routes.edges[0]!.node.id).not.toBe(edges[0]!.node.id);
    expect((await as(keys.operator, ROUTES, { first: 101 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // By complex: an admin's view of one complex; an unknown code is refused naming the field.
    const BY_COMPLEX = 'query ($code: String!) { routes(filter: { complexCode: $code }) { totalCount } }';
    const admin = server.keyOf('ADMIN').apiKey;
    expect((await as<{ routes: { totalCount: number } }>(admin, BY_COMPLEX, { code: 'BANWOL_SIHWA' })).data!.routes.totalCount).toBe(totalCount);
    expect((await as<{ routes: { totalCount: number } }>(admin, BY_COMPLEX, { code: 'GUMI' })).data!.routes.totalCount).toBe(0);
    expect((await as(admin, BY_COMPLEX, { code: 'gumi' })).errors?.[0]?.message).toBe('filter.complexCode: must be a complex code such as BANWOL_SIHWA');
  });

  it("the operator's feed names the routes a round offers", async () => {
    const client = wsClient(server.wsUrl, { apiKey: keys.operator });
    try {
      const query = 'subscription { complexActivity(code: "BANWOL_SIHWA") { kind summary summaryKo } }';
      const [event] = await keepTriggering(firstResults<{ complexActivity: { kind: string; summary: string; summaryKo: string } }>(client, { query }), () => as(keys.operator, RUN));
      expect(event!.data!.complexActivity).toMatchObject({
        kind: 'MATCHING_ROUND_COMPLETED',
        summary: expect.stringMatching(/^Round #\d+: \d+\/\d+ requests? matched on \d+ routes?, \d+ offers?/),
        summaryKo: expect.stringMatching(/^매칭 라운드 #\d+: 요청 \d+건 중 \d+건, 경로 \d+개.*, 제안 \d+건, 개별 운송 대비 \d+\.\d% (절감|증가)$/),
      });
    } finally {
      await client.dispose();
    }
  });
});
