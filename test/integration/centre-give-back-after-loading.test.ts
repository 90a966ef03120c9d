/**
 * A pooled trunk that loaded one load at the centre (DEPARTED_CENTRE) gives back the rest: the load on board stays,
 * the others go as for any give-back of a trunk. Set up as centre-legs.test.ts (centreMarket).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, vehicleReservations } from '../../db/schema';
import { localIdOf } from '../../src/global-id';
import { gql } from '../helpers/clients';
import { ACCEPT, centreMarket, REPORT, ROUTES, RUN, type Route } from '../helpers/centre-fixtures';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const GIVE_BACK = 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "truck broke down", idempotencyKey: $key }) { bookings { id status } } }';

describe('a pooled trunk gives back its loads not loaded yet, after loading one at the centre', () => {
  const tmp = tempDir();
  let server: TestServer;
  let centre: { lat: number; lng: number };
  let trunk: Route;
  /** The load the trunk loaded at the centre, and another load on the trunk; each request's trunk booking. */
  let loaded: string;
  let other: string;
  const trunkOf = new Map<string, string>();

  const as = async <T,>(key: string, query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server.url, query, variables, { apiKey: key })).body;
  const key = (role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR') => server.keyOf(role).apiKey;
  const status = async (id: string) => (await as<{ node: { status: string } }>(key('OPERATOR'), 'query ($id: ID!) { node(id: $id) { ... on ShipmentRequest { status } } }', { id })).data!.node.status;
  const report = (bookingId: string, kind: string) =>
    as<{ trackingEventReport: { booking: { status: string } } }>(key('CARRIER'), REPORT, { input: { bookingId, kind, occurredAt: new Date().toISOString(), position: centre, idempotencyKey: randomUUID() } });
  const trunkLegs = async () =>
    (await server.db.select().from(bookings).where(eq(bookings.routeId, localIdOf(trunk.id, 'Route', 'id'))).orderBy(bookings.id).all()).map((b) => [b.requestId, b.status]);

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'centre-give-back.db') });
    ({ centre } = await centreMarket(server));
    const run = await as<{ matchingRunStart: { round: { id: string } } }>(key('OPERATOR'), RUN);
    const routes = (await as<{ routes: { edges: { node: Route }[] } }>(key('CARRIER'), ROUTES, { round: run.data!.matchingRunStart.round.id })).data!.routes.edges.map((e) => e.node);
    trunk = routes.find((r) => r.stops.filter((s) => s.action === 'CENTRE_PICKUP').length > 1)!;
    expect(trunk).toBeDefined();
    const feeder = routes.find((r) => r.stops.some((s) => s.action === 'CENTRE_DROP' && trunk.shares.some((t) => t.requestId === s.requestId)))!;
    loaded = feeder.stops.find((s) => s.action === 'CENTRE_DROP')!.requestId;
    other = trunk.shares.map((s) => s.requestId).find((id) => id !== loaded)!;
    const fed = await as<{ routeAccept: { bookings: { id: string; shipmentRequestId: string }[] } }>(key('CARRIER'), ACCEPT, { id: feeder.id, key: randomUUID() });
    const trunked = await as<{ routeAccept: { bookings: { id: string; shipmentRequestId: string }[] } }>(key('CARRIER'), ACCEPT, { id: trunk.id, key: randomUUID() });
    expect(fed.errors).toBeUndefined();
    expect(trunked.errors).toBeUndefined();
    for (const b of trunked.data!.routeAccept.bookings) trunkOf.set(b.shipmentRequestId, b.id);
    const feederBooking = fed.data!.routeAccept.bookings.find((b) => b.shipmentRequestId === loaded)!.id;
    expect((await report(feederBooking, 'PICKED_UP')).errors).toBeUndefined();
    expect((await report(feederBooking, 'AT_CENTRE')).errors).toBeUndefined();
    expect((await report(trunkOf.get(loaded)!, 'DEPARTED_CENTRE')).errors).toBeUndefined();
  }, 60_000);
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('the loaded share is CONFLICT naming the bookings that can go; another share returns every load not loaded', async () => {
    const before = await trunkLegs();
    const refused = await as(key('CARRIER'), GIVE_BACK, { id: trunkOf.get(loaded)!, key: randomUUID() });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('DEPARTED_CENTRE') });
    expect(refused.errors![0]!.message).toContain(trunkOf.get(other)!);
    expect(await trunkLegs()).toEqual(before);

    const given = await as<{ bookingGiveBack: { bookings: { id: string; status: string }[] } }>(key('CARRIER'), GIVE_BACK, { id: trunkOf.get(other)!, key: randomUUID() });
    expect(given.errors).toBeUndefined();
    const rest = [...trunkOf.keys()].filter((id) => id !== loaded);
    expect(given.data!.bookingGiveBack.bookings.map((b) => b.id).sort()).toEqual(rest.map((id) => trunkOf.get(id)!).sort());
    expect(given.data!.bookingGiveBack.bookings.every((b) => b.status === 'RETURNED')).toBe(true);
    expect(await trunkLegs()).toEqual(before.map(([id, s]) => [id, id === localIdOf(loaded, 'ShipmentRequest', 'id') ? s : 'RETURNED']));
    // The load on board rides on to its door.
    expect(await status(loaded)).toBe('IN_TRANSIT');
    for (const id of rest) expect(await status(id)).toBe('OPEN');
    // The truck's room for the loads given back is free again; the loaded one's still held.
    const holds = await server.db.select().from(vehicleReservations).where(isNull(vehicleReservations.releasedAt)).all();
    const held = new Set(holds.map((h) => h.bookingId));
    expect(held.has(localIdOf(trunkOf.get(loaded)!, 'Booking', 'id'))).toBe(true);
    for (const id of rest) expect(held.has(localIdOf(trunkOf.get(id)!, 'Booking', 'id'))).toBe(false);
  });
});
