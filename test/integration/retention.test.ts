import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { desc, eq, inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { DIALECT } from '../../db/dialect';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../db/client';
import * as schema from '../../db/schema';
import { complexes, idempotencyKeys, matchingRounds, offers, routePlans, routes, webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents, type StoredRoundReport } from '../../db/schema';
import { parseEnv } from '../../src/env';
import { type RetentionCtx } from '../../src/retention/prune-input';
import { DAY_MS, HOUR_MS } from '../../src/time';
import { pruneEmptyRounds } from '../../src/retention/prune-empty-rounds';
import { pruneIdempotencyKeys } from '../../src/retention/prune-idempotency-keys';
import { pruneRoutePlans } from '../../src/retention/prune-route-plans';
import { runRetention } from '../../src/retention/scheduler';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const env = parseEnv({ NODE_ENV: 'test' });
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const CREATE = 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }';
const requestInput = (idempotencyKey: string) => ({
  idempotencyKey, origin: { lat: 37.325, lng: 126.75 }, destination: { lat: 37.2636, lng: 127.0286 },
  weightKg: 1200, pallets: 3, cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
  pickupWindow: { from: at(20 * HOUR_MS), until: at(26 * HOUR_MS) }, deliverBy: at(48 * HOUR_MS),
});
const emptyReport = (requestsConsidered: number, offersWritten = 0) => ({ requestsConsidered, offersWritten }) as StoredRoundReport;

describe('retention', () => {
  const tmp = tempDir();
  let server: TestServer;
  let db: Db;
  /** A context whose clock is `offsetMs` after now. */
  const later = (offsetMs: number): RetentionCtx => ({ db, env, now: () => new Date(Date.now() + offsetMs) });
  let complexId: number;
  let orgId: number;
  let maker: string;

  beforeAll(async () => {
    // Retention and the webhook worker off: each test runs what it checks itself.
    server = await startTestServer({ dbPath: join(tmp.dir, 'retention.db'), env: { RETENTION_INTERVAL_SECONDS: '0', WEBHOOK_WORKER_INTERVAL_MS: '0' } });
    db = server.db;
    complexId = (await db.select().from(complexes).where(eq(complexes.code, 'BANWOL_SIHWA')).get())!.id;
    const key = server.keyOf('MANUFACTURER');
    orgId = key.organisationId;
    maker = key.apiKey;
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  const create = async (input: ReturnType<typeof requestInput>) =>
    (await gql<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>(server.url, CREATE, { input }, { apiKey: maker })).body.data!.shipmentRequestCreate.shipmentRequest.id;

  it('keeps idempotency keys for the window, so a retry inside it returns the first result, and deletes them after', async () => {
    const input = requestInput(randomUUID());
    const first = await create(input);
    expect(await pruneIdempotencyKeys({ ctx: later(29 * DAY_MS), input: { batchSize: 500 } })).toBe(0);
    expect(await create(input)).toBe(first);

    expect(await pruneIdempotencyKeys({ ctx: later(31 * DAY_MS), input: { batchSize: 500 } })).toBeGreaterThanOrEqual(1);
    expect(await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, input.idempotencyKey)).get()).toBeUndefined();
    expect(await create(input)).not.toBe(first);
  });

  it("a run deletes old rows in batches: batch size 2 and 5 old keys take 3 batches, and a new key stays", async () => {
    await db.delete(idempotencyKeys).run();
    const old = new Date(Date.now() - 40 * DAY_MS);
    const row = (key: string, createdAt: Date) => ({ organisationId: orgId, key, operation: 'test', fingerprint: 'f', result: {}, createdAt });
    await db.insert(idempotencyKeys).values([1, 2, 3, 4, 5].map((i) => row(`old-key-${i}`, old))).run();
    await db.insert(idempotencyKeys).values(row('new-key-1', new Date())).run();

    const report = await runRetention(later(0), 2);
    expect(report.idempotencyKeys).toEqual({ deleted: 5, batches: 3 });
    expect(await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).all()).toEqual([{ key: 'new-key-1' }]);
  });

  it('deletes old scheduled rounds that offered nothing, referenced by nothing; keeps manual ones, recent ones and ones with offers', async () => {
    const old = new Date(Date.now() - 2 * DAY_MS);
    const round = async (trigger: 'SCHEDULED' | 'MANUAL', startedAt: Date, requestsConsidered = 0, offersWritten = 0) =>
      (await db.insert(matchingRounds).values({ complexId, status: 'COMPLETED', trigger, startedAt, finishedAt: startedAt, report: emptyReport(requestsConsidered, offersWritten) }).returning().get()).id;
    const emptyOld = await round('SCHEDULED', old);
    // Loads no truck could take, considered again every round: nothing worth keeping either.
    const unservedOld = await round('SCHEDULED', old, 3);
    const emptyRecent = await round('SCHEDULED', new Date(Date.now() - HOUR_MS));
    const manual = await round('MANUAL', old);
    const busy = await round('SCHEDULED', old, 3, 2);
    const withOffers = await roundWithOffers(old);

    expect(await pruneEmptyRounds({ ctx: later(0), input: { batchSize: 500 } })).toBe(2);
    const left = await db.select({ id: matchingRounds.id }).from(matchingRounds).where(inArray(matchingRounds.id, [emptyOld, unservedOld, emptyRecent, manual, busy, withOffers])).all();
    expect(left.map((r) => r.id).sort()).toEqual([emptyRecent, manual, busy, withOffers].sort());
  });

  it('deletes the stop lists of routes nobody booked once the window has passed and no offer waits; the route and its offers stay', async () => {
    // The route the round above offered, its share still pending, made to look older than the window.
    const { id } = (await db.select({ id: routePlans.routeId }).from(routePlans).orderBy(desc(routePlans.routeId)).get())!;
    await db.update(routes).set({ createdAt: new Date(Date.now() - (env.ROUTE_PLAN_RETENTION_DAYS + 1) * DAY_MS) }).where(eq(routes.id, id)).run();
    const batch = { batchSize: 500 };
    expect(await pruneRoutePlans({ ctx: later(0), input: batch })).toBe(0);
    await db.update(offers).set({ status: 'DECLINED' }).where(eq(offers.routeId, id)).run();
    expect(await pruneRoutePlans({ ctx: later(-2 * DAY_MS), input: batch })).toBe(0);
    expect(await pruneRoutePlans({ ctx: later(0), input: batch })).toBe(1);
    expect(await db.select().from(routePlans).where(eq(routePlans.routeId, id)).all()).toEqual([]);
    expect(await db.select().from(routes).where(eq(routes.id, id)).all()).toHaveLength(1);
    expect((await db.select().from(offers).where(eq(offers.routeId, id)).all()).length).toBeGreaterThan(0);
  });

  /** A real round with offers (a truck, a request, a manual run), then made to look old, scheduled and empty. */
  async function roundWithOffers(startedAt: Date): Promise<number> {
    await gql(
      server.url,
      'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }',
      { input: { plateNumber: '경기12바3456', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: at(HOUR_MS), endsAt: at(72 * HOUR_MS) }], idempotencyKey: randomUUID() } },
      { apiKey: server.keyOf('CARRIER').apiKey },
    );
    await create(requestInput(randomUUID()));
    const run = await gql<{ matchingRunStart: { round: { report: { offersWritten: number } } } }>(
      server.url,
      'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { report { offersWritten } } } }',
      {},
      { apiKey: server.keyOf('OPERATOR').apiKey },
    );
    expect(run.body.data!.matchingRunStart.round.report.offersWritten).toBeGreaterThan(0);
    const { roundId } = (await db.select({ roundId: offers.roundId }).from(offers).get())!;
    await db.update(matchingRounds).set({ trigger: 'SCHEDULED', startedAt, report: emptyReport(0) }).where(eq(matchingRounds.id, roundId)).run();
    return roundId;
  }

  it('deletes finished webhook deliveries, their attempts and fanned-out events past the window; keeps pending and recent ones', async () => {
    const old = new Date(Date.now() - 31 * DAY_MS);
    const recent = new Date(Date.now() - DAY_MS);
    const endpointId = (await db
      .insert(webhookEndpoints)
      .values({ organisationId: orgId, url: 'https://erp.example/hook', eventTypes: ['shipment.updated'], secret: 'whsec_test', updatedAt: old })
      .returning()
      .get()).id;
    const event = async (fannedOutAt: Date | null) =>
      (await db.insert(webhookEvents).values({ messageId: randomUUID(), type: 'shipment.updated', organisationId: orgId, payload: '{}', createdAt: old, fannedOutAt }).returning().get()).id;
    const delivery = async (eventId: number, status: 'DELIVERED' | 'FAILED' | 'PENDING', settledAt: Date) => {
      const id = (await db.insert(webhookDeliveries).values({ eventId, endpointId, status, attempts: 1, nextAttemptAt: settledAt, firstAttemptAt: settledAt, lastAttemptAt: settledAt, createdAt: old }).returning().get()).id;
      await db.insert(webhookAttempts).values({ deliveryId: id, attemptedAt: settledAt, durationMs: 5, responseStatus: 200, succeeded: status === 'DELIVERED' }).run();
      return id;
    };
    const delivered = await event(old);
    const deliveredOld = await delivery(delivered, 'DELIVERED', old);
    const failed = await event(old);
    const failedOld = await delivery(failed, 'FAILED', old);
    const pending = await event(old);
    const pendingOld = await delivery(pending, 'PENDING', old);
    const fresh = await event(old);
    const deliveredRecent = await delivery(fresh, 'DELIVERED', recent);
    const unwanted = await event(old); // no endpoint wanted it: no delivery
    const notFannedOut = await event(null);

    const report = await runRetention(later(0));
    expect(report.webhookDeliveries.deleted).toBe(2);
    expect(report.webhookEvents.deleted).toBe(3);
    const deliveries = (await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).all()).map((d) => d.id);
    expect(deliveries.sort()).toEqual([pendingOld, deliveredRecent].sort());
    const attempts = (await db.select({ deliveryId: webhookAttempts.deliveryId }).from(webhookAttempts).all()).map((a) => a.deliveryId);
    expect(attempts).not.toContain(deliveredOld);
    expect(attempts).not.toContain(failedOld);
    const events = await db.select({ id: webhookEvents.id }).from(webhookEvents).where(inArray(webhookEvents.id, [delivered, failed, pending, fresh, unwanted, notFannedOut])).all();
    expect(events.map((e) => e.id).sort()).toEqual([pending, fresh, notFannedOut].sort());
  });

  // SQLite's plans (PostgreSQL plans by its statistics: bench:growth times the grown databases instead).
  it.skipIf(DIALECT === 'pg')('finds each batch through an index, never by scanning a table', async () => {
    // A second connection that records every statement it runs, with its values bound.
    const statements: string[] = [];
    const traced = new Database(server.dbPath, { verbose: (sql) => statements.push(String(sql)) });
    try {
      await runRetention({ db: drizzle(traced, { schema }) as unknown as Db, env, now: () => new Date() });
      const deletes = statements.filter((s) => /^delete from/i.test(s));
      expect(deletes).toHaveLength(5);
      for (const statement of deletes) {
        const plan = (traced.prepare(`explain query plan ${statement}`).all() as { detail: string }[]).map((row) => row.detail);
        expect(plan.filter((detail) => detail.startsWith('SCAN')), `${statement}\n${plan.join('\n')}`).toEqual([]);
      }
    } finally {
      traced.close();
    }
  });

  it('the service runs retention every RETENTION_INTERVAL_SECONDS', async () => {
    const other = await startTestServer({ dbPath: join(tmp.dir, 'scheduled.db'), env: { RETENTION_INTERVAL_SECONDS: '1', WEBHOOK_WORKER_INTERVAL_MS: '0' } });
    try {
      const organisationId = other.keyOf('MANUFACTURER').organisationId;
      await other.db.insert(idempotencyKeys).values({ organisationId, key: 'expired-key', operation: 'test', fingerprint: 'f', result: {}, createdAt: new Date(Date.now() - 31 * DAY_MS) }).run();
      await vi.waitFor(async () => expect(await other.db.select().from(idempotencyKeys).all()).toEqual([]), { timeout: 5_000, interval: 100 });
    } finally {
      await other.stop();
    }
  });
});
