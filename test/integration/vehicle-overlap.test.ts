/**
 * A truck drives one route at a time. Pending offers hold nothing, so consecutive rounds may offer one free truck
 * routes at overlapping times (its carrier answers the first later); once one is accepted, the other can no longer
 * be driven and is refused, naming the route the truck is booked on, and lapses. An extension of a truck's first
 * booked route is done before the truck leaves for the next.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromNow as at, marketApi } from '../helpers/market-api';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const GATE = { lat: 37.325, lng: 126.75 };
const SUWON = { lat: 37.2636, lng: 127.0286 };
const INCHEON = { lat: 37.456, lng: 126.705 };

const FIELDS = 'id vehicleId startAt endAt status extendsRouteId stops { requestId action arriveAt departAt }';
type Route = { id: string; vehicleId: string; startAt: string; endAt: string; status: string; extendsRouteId: string | null; stops: { requestId: string; action: string; arriveAt: string; departAt: string }[] };
const ACCEPT = 'mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) { route { id status } bookings { id } } }';

describe('one truck, one route at a time', () => {
  const tmp = tempDir();
  let server: TestServer;
  const market = marketApi(() => server);
  const { as } = market;
  const carrier = () => server.keyOf('CARRIER').apiKey;
  const post = (origin: { lat: number; lng: number }, destination: { lat: number; lng: number }, from: number, until: number, deliverBy: number) => market.post(origin, destination, 400, 1, from, until, deliverBy);
  const round = () => market.round<Route>(FIELDS);
  const overlap = (a: Route, b: Route) => Date.parse(a.startAt) < Date.parse(b.endAt) && Date.parse(b.startAt) < Date.parse(a.endAt);

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'overlap.db') });
    const registered = await as(carrier(), 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber: '경기56바7890', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: at(HOUR), endsAt: at(72 * HOUR) }], idempotencyKey: randomUUID() },
    });
    expect(registered.errors).toBeUndefined();
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it("a truck offered two routes at once is booked on one: the other is refused, naming the route it is booked on", async () => {
    const a = await post(GATE, SUWON, 20 * HOUR, 21 * HOUR, 26 * HOUR);
    const first = (await round()).find((r) => r.stops.some((s) => s.requestId === a))!;
    // B is posted while A's offer waits for the carrier: the same truck is offered for the same hours, elsewhere.
    const b = await post(INCHEON, GATE, 20 * HOUR, 21 * HOUR, 26 * HOUR);
    const second = (await round()).find((r) => r.stops.some((s) => s.requestId === b))!;
    const refused = await acceptedBothWays(first, second, b);
    // It can never be driven: it lapses, and B returns to the next round.
    expect(refused).toMatch(/the route expired and its requests return to the next matching round$/);
    const bookedOn = await as<{ bookings: { edges: { node: { routeId: string } }[] } }>(carrier(), '{ bookings(first: 10, filter: { status: CONFIRMED }) { edges { node { routeId } } } }');
    expect(new Set(bookedOn.data!.bookings.edges.map((e) => e.node.routeId))).toEqual(new Set([first.id]));
  });

  it('refuses the same way when the two loads would not even fit on the truck together', async () => {
    // 3 t and 6 pallets each: the truck (5 t, 10 slots) carries either, never both at once.
    const a = await market.post(GATE, SUWON, 3_000, 6, 44 * HOUR, 45 * HOUR, 50 * HOUR);
    const first = (await round()).find((r) => r.stops.some((s) => s.requestId === a))!;
    const b = await market.post(INCHEON, GATE, 3_000, 6, 44 * HOUR, 45 * HOUR, 50 * HOUR);
    const second = (await round()).find((r) => r.stops.some((s) => s.requestId === b))!;
    await acceptedBothWays(first, second, b);
  });

  /**
   * `first` and `second` put one truck at overlapping hours; accepting `first`, then `second`: the second is refused
   * naming the first, lapses, and its request `b` is OPEN again. Returns the refusal's message.
   */
  async function acceptedBothWays(first: Route, second: Route, b: string): Promise<string> {
    expect(second.vehicleId).toBe(first.vehicleId);
    expect(overlap(first, second)).toBe(true);
    expect((await as(carrier(), ACCEPT, { id: first.id, key: randomUUID() })).errors).toBeUndefined();
    const refused = await as(carrier(), ACCEPT, { id: second.id, key: randomUUID() });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining(`booked on route ${first.id}`) });
    const now = await as<{ node: Route }>(carrier(), `query ($id: ID!) { node(id: $id) { ... on Route { ${FIELDS} } } }`, { id: second.id });
    expect(now.data!.node.status).toBe('EXPIRED');
    const bStatus = await as<{ node: { status: string } }>(server.keyOf('MANUFACTURER').apiKey, 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status } } }', { id: b });
    expect(bStatus.data!.node.status).toBe('OPEN');
    return refused.errors![0]!.message;
  }
});

describe('an extension of a truck with two booked routes', () => {
  const tmp = tempDir();
  let server: TestServer;
  const market = marketApi(() => server);
  const { as, post } = market;
  const carrier = () => server.keyOf('CARRIER').apiKey;
  const round = () => market.round<Route>(FIELDS);

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'overlap-extension.db') });
    await as(carrier(), 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber: '경기78바1234', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: at(HOUR), endsAt: at(72 * HOUR) }], idempotencyKey: randomUUID() },
    });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('never runs through the hours of the next route booked on the truck', async () => {
    // The truck is booked on a late route from Incheon, and on an early one to Suwon offered after it.
    const late = await post(INCHEON, GATE, 400, 1, 30.5 * HOUR, 31 * HOUR, 36 * HOUR);
    const lateRoute = (await round()).find((r) => r.stops.some((s) => s.requestId === late))!;
    const early = await post(GATE, SUWON, 400, 1, 27 * HOUR, 28 * HOUR, 36 * HOUR);
    const earlyRoute = (await round()).find((r) => r.stops.some((s) => s.requestId === early))!;
    expect(earlyRoute.vehicleId).toBe(lateRoute.vehicleId);
    for (const route of [lateRoute, earlyRoute]) expect((await as(carrier(), ACCEPT, { id: route.id, key: randomUUID() })).errors).toBeUndefined();
    // F waits near Suwon for the hours the truck must be on its way to Incheon: no extension of the early route takes it.
    const f = await post({ lat: 37.27, lng: 127.02 }, { lat: 37.0, lng: 127.1 }, 4_000, 8, 30 * HOUR, 31.5 * HOUR, 40 * HOUR);
    const offered = (await round()).filter((r) => r.stops.some((s) => s.requestId === f));
    for (const route of offered) expect(Date.parse(route.endAt), JSON.stringify(route)).toBeLessThanOrEqual(Date.parse(lateRoute.startAt));
  });
});

