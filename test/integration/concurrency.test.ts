import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { DIALECT } from '../../db/dialect';
import { bookings, offers, shipmentRequests } from '../../db/schema';
import type { DemoKey } from '../../scripts/demo/seed-demo';
import { toGlobalId } from '../../src/global-id';
import { firstResults, gql, keepTriggering, wsClient } from '../helpers/clients';
import { spawnService, type ServiceProcess } from '../helpers/process';
import { tempDir } from '../helpers/server';
import { servicesOnOneDatabase, type SharedDatabase } from '../helpers/shared-database';
import { ctxAs, insertVolume, invariantViolations, makeOffers, round, shipment, shipmentRequestVariables, vehicle } from '../helpers/bookings-fixtures';

const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { bookings { id } } }';
const DECLINE = 'mutation ($id: ID!) { offerDecline(input: { offerId: $id, reason: "busy" }) { offer { status } } }';
const CANCEL = 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "plans changed" }) { shipmentRequest { status } } }';
const CREATE = 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }';
const GIVE_BACK = 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "driver ill", idempotencyKey: $key }) { bookings { id } } }';

// Real service processes on one database: a SQLite file, or under `npm run test:pg` a fresh database of the cluster.
const tmp = tempDir();
let shared: SharedDatabase;
let services: ServiceProcess[];
let db: Db;
const keyOf = (role: DemoKey['role']) => shared.keyOf(role);

type Outcome = { ok: boolean; code?: string; data?: unknown };
async function call(service: ServiceProcess, query: string, variables: Record<string, unknown>, apiKey: string): Promise<Outcome> {
  const { body } = await gql(service.url, query, variables, { apiKey });
  return body.errors ? { ok: false, code: body.errors[0]!.extensions?.code } : { ok: true, data: body.data };
}

/** Runs `tasks` with at most `width` in flight. */
async function pooled<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  }));
  return results;
}

beforeAll(async () => {
  shared = await servicesOnOneDatabase(tmp.dir, 4, { RATE_LIMIT_PER_KEY: '1000000', RATE_LIMIT_PER_ADDRESS: '1000000' });
  ({ services, db } = shared);
}, 90_000);
afterAll(async () => {
  await shared.stop();
  tmp.remove();
});

describe('two processes, one database', () => {
  it('50 concurrent accepts of offers for one request: exactly one booking, the rest CONFLICT', async () => {
    const carrier = keyOf('CARRIER');
    const request = await shipment(ctxAs(db, keyOf('MANUFACTURER')));
    const r = await round(db);
    const fleet = [];
    for (let i = 0; i < 50; i++) fleet.push(await vehicle(ctxAs(db, carrier)));
    const offerIds = await makeOffers(
      db,
      fleet.map((v) => ({ round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: carrier.organisationId, vehicleId: v.id })),
    );
    const outcomes = await Promise.all(offerIds.map((id, i) => call(services[i % 2]!, ACCEPT, { id: toGlobalId('Offer', id), key: randomUUID() }, carrier.apiKey)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => o.code)).toEqual(Array(49).fill('CONFLICT'));
    expect(await db.select().from(bookings).where(eq(bookings.requestId, request.id)).all()).toHaveLength(1);
    expect((await db.select().from(offers).where(inArray(offers.id, offerIds)).all()).filter((o) => o.status === 'WITHDRAWN')).toHaveLength(49);
    expect(await invariantViolations(db)).toEqual({});
  });

  it('a call retried at once through both processes with one idempotency key: one effect, every call the same answer', async () => {
    const [shipper, carrier] = [keyOf('MANUFACTURER'), keyOf('CARRIER')];
    const input = shipmentRequestVariables();
    const shippersRequests = async () => (await db.select({ id: shipmentRequests.id }).from(shipmentRequests).where(eq(shipmentRequests.shipperOrgId, shipper.organisationId)).all()).length;
    const before = await shippersRequests();
    const created = await Promise.all(Array.from({ length: 8 }, (_, i) => call(services[i % 2]!, CREATE, { input }, shipper.apiKey)));
    expect(created.map((o) => o.code)).toEqual(Array(8).fill(undefined));
    const ids = new Set(created.map((o) => (o.data as { shipmentRequestCreate: { shipmentRequest: { id: string } } }).shipmentRequestCreate.shipmentRequest.id));
    expect(ids.size).toBe(1);
    expect(await shippersRequests()).toBe(before + 1);

    const request = await shipment(ctxAs(db, shipper));
    const [offerId] = await makeOffers(db, [{ round: await round(db), requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: carrier.organisationId, vehicleId: (await vehicle(ctxAs(db, carrier))).id }]);
    const key = randomUUID();
    const accepted = await Promise.all(Array.from({ length: 8 }, (_, i) => call(services[i % 2]!, ACCEPT, { id: toGlobalId('Offer', offerId!), key }, carrier.apiKey)));
    expect(accepted.map((o) => o.code)).toEqual(Array(8).fill(undefined));
    expect(new Set(accepted.map((o) => JSON.stringify(o.data))).size).toBe(1);
    expect(await db.select().from(bookings).where(eq(bookings.requestId, request.id)).all()).toHaveLength(1);
  });
});

describe('four processes, one database', () => {
  it('2,000 random accepts, declines, give-backs and cancellations leave no vehicle or warehouse over capacity and no request booked twice', async () => {
    const [shipper, carrier, owner] = [keyOf('MANUFACTURER'), keyOf('CARRIER'), keyOf('WAREHOUSE_OWNER')];
    const volume = await insertVolume(db, { shipper: shipper.organisationId, carrier: carrier.organisationId, owner: owner.organisationId }, { requests: 400, vehicles: 25, listings: 4 });
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const booked: string[] = [];
    const apiKeyOf = { CARRIER: carrier.apiKey, WAREHOUSE_OWNER: owner.apiKey };
    const tasks = Array.from({ length: 2_000 }, (_, i) => async (): Promise<Outcome> => {
      const service = services[i % 4]!;
      const dice = random();
      if (dice < 0.6) {
        const offer = pick(volume.offers);
        const outcome = await call(service, ACCEPT, { id: toGlobalId('Offer', offer.id), key: randomUUID() }, apiKeyOf[offer.supplier]);
        if (outcome.ok) booked.push(...(outcome.data as { offerAccept: { bookings: { id: string }[] } }).offerAccept.bookings.map((b) => b.id));
        return outcome;
      }
      if (dice < 0.8) {
        const offer = pick(volume.offers);
        return call(service, DECLINE, { id: toGlobalId('Offer', offer.id) }, apiKeyOf[offer.supplier]);
      }
      if (dice < 0.9 && booked.length > 0) {
        const bookingId = pick(booked);
        const supplier = (await db.select({ kind: bookings.kind }).from(bookings).where(eq(bookings.id, Number(Buffer.from(bookingId, 'base64url').toString().split(':')[1]))).get())!;
        return call(service, GIVE_BACK, { id: bookingId, key: randomUUID() }, supplier.kind === 'STORAGE' ? owner.apiKey : carrier.apiKey);
      }
      return call(service, CANCEL, { id: toGlobalId('ShipmentRequest', pick(volume.requests).id) }, shipper.apiKey);
    });
    const started = performance.now();
    const outcomes = await pooled(tasks, 32);
    const seconds = (performance.now() - started) / 1000;
    const codes = outcomes.reduce<Record<string, number>>((n, o) => ({ ...n, [o.ok ? 'OK' : o.code!]: (n[o.ok ? 'OK' : o.code!] ?? 0) + 1 }), {});
    console.log(`2,000 operations from 4 processes in ${seconds.toFixed(1)} s:`, codes);
    expect(Object.keys(codes).sort()).toEqual(expect.arrayContaining(['OK', 'CONFLICT']));
    expect(Object.keys(codes).filter((c) => !['OK', 'CONFLICT'].includes(c))).toEqual([]);
    expect(booked.length).toBeGreaterThan(50);
    expect(await invariantViolations(db)).toEqual({});
  }, 120_000);
});

// Across processes only PostgreSQL carries publications (LISTEN/NOTIFY); SQLite's are in-process.
describe.runIf(DIALECT === 'pg')('two instance processes, one PostgreSQL database', () => {
  it('a subscriber of one process hears a booking made through the other', async () => {
    const [shipper, carrier] = [keyOf('MANUFACTURER'), keyOf('CARRIER')];
    const r = await round(db);
    const fixtures = [];
    for (let i = 0; i < 20; i++) {
      const request = await shipment(ctxAs(db, shipper));
      fixtures.push({ round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: carrier.organisationId, vehicleId: (await vehicle(ctxAs(db, carrier))).id });
    }
    const offerIds = await makeOffers(db, fixtures);
    const requestIds = new Set(fixtures.map((f) => toGlobalId('ShipmentRequest', f.requestId)));
    const client = wsClient(services[1]!.url.replace(/^http/, 'ws'), { apiKey: shipper.apiKey });
    try {
      const results = firstResults<{ shipmentUpdated: { shipmentRequestId: string; status: string } }>(client, { query: 'subscription { shipmentUpdated { shipmentRequestId status } }' });
      // The subscription registers some time after it is sent: book one offer after another until it hears one.
      let next = 0;
      const [event] = await keepTriggering(results, async () => {
        if (next < offerIds.length) expect((await call(services[0]!, ACCEPT, { id: toGlobalId('Offer', offerIds[next++]!), key: randomUUID() }, carrier.apiKey)).ok).toBe(true);
      });
      expect(event!.errors).toBeUndefined();
      expect(event!.data!.shipmentUpdated.status).toBe('BOOKED');
      expect(requestIds.has(event!.data!.shipmentUpdated.shipmentRequestId)).toBe(true);
    } finally {
      await client.dispose();
    }
  });
});

describe('a crash', () => {
  it('kill -9 during a stream of bookings: every acknowledged booking survives, the invariants hold, the other processes and a restarted one serve', async () => {
    const [shipper, carrier, owner] = [keyOf('MANUFACTURER'), keyOf('CARRIER'), keyOf('WAREHOUSE_OWNER')];
    const volume = await insertVolume(db, { shipper: shipper.organisationId, carrier: carrier.organisationId, owner: owner.organisationId }, { requests: 300, vehicles: 60, listings: 2 }, 99);
    const victim = services.pop()!;
    const acknowledged: number[] = [];
    let killed = false;
    const transport = volume.offers.filter((o) => o.supplier === 'CARRIER');
    const tasks = transport.map((offer) => async () => {
      try {
        const outcome = await call(victim, ACCEPT, { id: toGlobalId('Offer', offer.id), key: randomUUID() }, carrier.apiKey);
        if (outcome.ok) acknowledged.push(offer.id);
      } catch {
        // the connection died with the process: not acknowledged
      }
      if (acknowledged.length >= 60 && !killed) {
        killed = true;
        victim.child.kill('SIGKILL');
      }
    });
    await pooled(tasks, 16);
    expect(killed).toBe(true);
    await victim.exited;

    const accepted = new Set((await db.select({ id: offers.id }).from(offers).where(inArray(offers.id, acknowledged)).all()).filter(Boolean).map((o) => o.id));
    expect((await db.select().from(offers).where(inArray(offers.id, acknowledged)).all()).every((o) => o.status === 'ACCEPTED')).toBe(true);
    expect(await db.select().from(bookings).where(inArray(bookings.offerId, acknowledged)).all()).toHaveLength(acknowledged.length);
    expect(accepted.size).toBe(acknowledged.length);
    expect(await invariantViolations(db)).toEqual({});
    const pending = (await db.select().from(offers).where(eq(offers.status, 'PENDING')).all()).filter((o) => o.supplierOrgId === carrier.organisationId);
    expect(pending.length).toBeGreaterThanOrEqual(2);
    const acceptThrough = async (service: ServiceProcess, offerId: number) => (await call(service, ACCEPT, { id: toGlobalId('Offer', offerId), key: randomUUID() }, carrier.apiKey)).code ?? 'OK';
    expect(await acceptThrough(services[0]!, pending[0]!.id)).toMatch(/^(OK|CONFLICT)$/);
    const restarted = await spawnService(shared.env);
    services.push(restarted);
    expect(await acceptThrough(restarted, pending.at(-1)!.id)).toMatch(/^(OK|CONFLICT)$/);
  }, 60_000);
});
