import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgPoolOf, type Db } from '../../db/client';
import * as t from '../../db/pg/schema';
import { errorMessages, isAfterFailure } from '../../db/errors';
import { together, transact } from '../../db/transaction';
import { acceptOffer } from '../../src/bookings/accept-offer';
import { loadComplexes } from '../../src/complexes/complex-record';
import type { Context } from '../../src/context';
import { parseEnv } from '../../src/env';
import { createLogger } from '../../src/logger';
import { createInProcessPubSub } from '../../src/pubsub';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { addOffer, addRequest, addVehicle, at, seedMarket } from './helpers/market';

/** Runs `query` in the write transaction `tx` (drizzle's pg handle under the domain's type). */
const execute = (tx: Db, query: ReturnType<typeof sql>) => (tx as unknown as TestDatabase['db']).execute(query);

type Writes = { _write: (...a: unknown[]) => unknown; _writev: (...a: unknown[]) => unknown };

/** Runs `work` counting the writes that reach this process's sockets (a corked socket's writes go as one `_writev`). */
async function socketWrites(work: () => Promise<unknown>): Promise<number> {
  const proto = Socket.prototype as unknown as Writes;
  const { _write, _writev } = proto;
  let writes = 0;
  proto._write = function (this: Socket, ...args: unknown[]) {
    writes++;
    return _write.apply(this, args);
  };
  proto._writev = function (this: Socket, ...args: unknown[]) {
    writes++;
    return _writev.apply(this, args);
  };
  try {
    await work();
  } finally {
    Object.assign(proto, { _write, _writev });
  }
  return writes;
}

// Each write to a TCP socket is most of a round trip's CPU on this kind of machine: a write transaction pays as few as it can.
describe('PostgreSQL write transactions go in as few round trips as their statements allow', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await freshDatabase();
    await transact(test.db as unknown as Db, (tx) => execute(tx, sql`select 1`)); // a connection open
  });
  afterAll(() => test?.drop());

  it("sends a transaction's BEGIN with its first statement, and statements sent together in one write", async () => {
    const run = (statements: number) =>
      transact(test.db as unknown as Db, (tx) => Promise.all(Array.from({ length: statements }, (_, i) => execute(tx, sql`select ${i}::int`))));
    // BEGIN with the statements, then COMMIT.
    expect(await socketWrites(() => run(1))).toBe(2);
    expect(await socketWrites(() => run(3))).toBe(2);
    const answers = await run(3);
    expect(answers.map((a) => a.rows[0])).toEqual([{ int4: 0 }, { int4: 1 }, { int4: 2 }]);
  });

  it('fails the transaction, and only it, when a statement sent together with others fails', async () => {
    const failing = transact(test.db as unknown as Db, (tx) => Promise.all([execute(tx, sql`select 1/0`), execute(tx, sql`select 1`)]));
    const error = (await failing.catch((e: unknown) => e)) as { cause?: unknown };
    expect(String(error.cause)).toMatch(/division by zero/);
    const after = await transact(test.db as unknown as Db, (tx) => execute(tx, sql`select 2 as n`));
    expect(after.rows).toEqual([{ n: 2 }]);
  });

  it('tells why statements sent together failed, though the answer of one sent after the failure comes back first', async () => {
    // The failing statement's answer reaches its caller through more awaits than the one behind it, as a hold's does.
    const sent = (tx: Db) => [execute(tx, sql`select 1/0`).catch(async (error: unknown) => { await null; await null; throw error; }), execute(tx, sql`select 1`)];
    const answers = await transact(test.db as unknown as Db, (tx) => Promise.allSettled(sent(tx)));
    expect(answers.map((a) => a.status === 'rejected' && (isAfterFailure(a.reason) ? 'ignored' : errorMessages(a.reason).at(-1)))).toEqual(['division by zero', 'ignored']);
    const error = await transact(test.db as unknown as Db, (tx) => together(sent(tx))).catch((e: unknown) => e);
    expect(errorMessages(error)).toContain('division by zero');
  });

  it('books an offer in four: BEGIN with the offer, the booking with its hold, the last writes with the idempotency key, COMMIT', async () => {
    const db = test.db as unknown as Db;
    const m = await seedMarket(test.db);
    const { centroidLat: lat, centroidLng: lng } = m.complex;
    await test.db.insert(t.logisticsCentres).values({ complexId: m.complex.id, nameKo: '공동물류센터', nameEn: 'Joint logistics centre', lat, lng, h3Cell: latLngToCell(lat, lng, 9), crossDockPalletsPerDay: 500, handlingFeePerPalletKrw: 3_000, opensAt: '06:00', closesAt: '22:00' });
    await loadComplexes(db); // the activity feed names the complex
    const vehicle = await addVehicle(test.db, m, { payloadKg: 5_000, palletSlots: 10 });
    const ctx: Context = {
      db,
      pubsub: createInProcessPubSub(),
      logger: createLogger('silent'),
      env: parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      now: () => at(0),
      viewer: { organisationId: m.carrier.id, role: 'CARRIER', complexId: m.complex.id, apiKeyId: null },
    };
    const offered = async () => {
      const request = await addRequest(test.db, m, { weightKg: 500, pallets: 2 });
      await test.db.update(t.shipmentRequests).set({ status: 'OFFERED' }).where(eq(t.shipmentRequests.id, request.id));
      const offer = await addOffer(test.db, m, request.id, { vehicleId: vehicle.id });
      await test.db.update(t.offers).set({ pickupAt: at(1), deliverAt: at(5) }).where(eq(t.offers.id, offer.id));
      return offer.id;
    };
    const accept = (offerId: number) => acceptOffer({ ctx, input: { offerId, idempotencyKey: randomUUID() } });
    await accept(await offered()); // its statements prepared on the connection

    const offerId = await offered();
    let booked: Awaited<ReturnType<typeof accept>> | undefined;
    expect(await socketWrites(async () => (booked = await accept(offerId)))).toBe(4);
    const [booking] = booked!.bookings;
    const holds = await test.db.select().from(t.vehicleReservations).where(eq(t.vehicleReservations.bookingId, booking!.id));
    expect(holds.map((h) => ({ vehicleId: h.vehicleId, pallets: h.pallets }))).toEqual([{ vehicleId: vehicle.id, pallets: 2 }]);
    const [key] = await test.db.select().from(t.idempotencyKeys).where(eq(t.idempotencyKeys.organisationId, m.carrier.id)).orderBy(sql`created_at desc`).limit(1);
    expect(key!.result).toEqual({ offerId, bookingIds: [booking!.id], bookedRequestIds: [booking!.requestId] });
  });

  it("sends the one-shot statements of a turn on the keyed pool in one write, fails only the one that fails, and replaces a lost connection", async () => {
    const keyedPool = pgPoolOf(test.db as unknown as Db);
    const pid = async () => (await keyedPool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const first = await pid();
    let answers: unknown[] = [];
    const writes = await socketWrites(async () => {
      answers = await Promise.all([
        keyedPool.query('select $1::int as n', [1]).then((r) => r.rows[0]),
        keyedPool.query('select 1 / $1::int as n', [0]).catch((e: Error) => e.message),
        keyedPool.query('select $1::int as n', [3]).then((r) => r.rows[0]),
      ]);
    });
    expect(writes).toBe(1);
    expect(answers).toEqual([{ n: 1 }, 'division by zero', { n: 3 }]);
    expect(await pid()).toBe(first); // one connection for them all

    await test.db.$client.query('select pg_terminate_backend($1)', [first]);
    let next: number | undefined;
    const pause = () => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50));
    for (let i = 0; i < 50 && next === undefined; i++) next = await pid().catch(pause); // a statement sent before the loss is seen fails
    expect(next).toBeDefined();
    expect(next).not.toBe(first);
  });
});
