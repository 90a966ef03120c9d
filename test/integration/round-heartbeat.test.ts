import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../db/client';
import { DIALECT } from '../../db/dialect';
import { matchingRounds, shipmentRequests } from '../../db/schema';
import type { DemoKey } from '../../scripts/demo/seed-demo';
import { loadComplexes, selectComplex } from '../../src/complexes/complex-record';
import { gql } from '../helpers/clients';
import { ctxAs, HOUR, shipment, vehicle } from '../helpers/bookings-fixtures';
import { spawnService, type ServiceProcess } from '../helpers/process';
import { tempDir } from '../helpers/server';
import { freshDatabase, type TestDatabase } from '../pg/helpers/database';

const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id status } } }';
type RunAnswer = { matchingRunStart: { round: { id: string; status: string } } };

// Two service processes on one database (a SQLite file, or under `npm run test:pg` a fresh database of the cluster),
// with a search budget of 120 s: a claim's age alone (twice the budget and a minute) would keep a dead process's
// round claimed for 300 s.
const ROUND_SECONDS = 120;
const CLAIM_AGE_MS = (2 * ROUND_SECONDS + 60) * 1000;
const tmp = tempDir();
const env: Record<string, string> = {
  DATABASE_PATH: join(tmp.dir, 'rounds.db'),
  DEMO_KEYS_PATH: join(tmp.dir, 'keys.json'),
  MATCHING_INTERVAL_SECONDS: '0',
  MATCHING_ROUND_SECONDS: String(ROUND_SECONDS),
  POD_STORAGE_DIR: join(tmp.dir, 'pod'),
};
const services: ServiceProcess[] = [];
let pgDatabase: TestDatabase | undefined;
let db: Db;
let keys: DemoKey[];
const keyOf = (role: DemoKey['role']) => keys.find((k) => k.role === role && k.complexCode === 'BANWOL_SIHWA')!;

beforeAll(async () => {
  if (DIALECT === 'pg') {
    pgDatabase = await freshDatabase();
    env.DATABASE_URL = pgDatabase.url;
  }
  services.push(await spawnService({ ...env, SEED_ON_EMPTY: 'true' }));
  services.push(await spawnService(env));
  keys = JSON.parse(readFileSync(env.DEMO_KEYS_PATH!, 'utf8')) as DemoKey[];
  db = pgDatabase ? (pgDatabase.db as unknown as Db) : openDatabase(env.DATABASE_PATH!);
  await loadComplexes(db);
}, 120_000);
afterAll(async () => {
  for (const s of services) s.child.kill('SIGTERM');
  await Promise.all(services.map((s) => s.exited));
  if (pgDatabase) await pgDatabase.drop();
  else if (db) await closeDatabase(db);
  tmp.remove();
});

describe('a round whose process died (kill -9)', () => {
  it('leaves a claim another process takes over once its heartbeat stops, long before its age would say it is dead', async () => {
    const [victim, survivor] = services as [ServiceProcess, ServiceProcess];
    // Enough requests and trucks that the round searches for many seconds: it is killed mid-search.
    const carrier = ctxAs(db, keyOf('CARRIER'));
    const shipper = ctxAs(db, keyOf('MANUFACTURER'));
    for (let i = 0; i < 40; i++) await vehicle(carrier);
    const requestIds: number[] = [];
    for (let i = 0; i < 300; i++) {
      const from = Date.now() + (2 + (i % 20)) * HOUR;
      requestIds.push((await shipment(shipper, { pallets: 1 + (i % 4), weightKg: 500 * (1 + (i % 4)), pickupWindow: { from: new Date(from), until: new Date(from + 4 * HOUR) }, deliverBy: new Date(from + 30 * HOUR) })).id);
    }
    const complexId = selectComplex({ db }, { code: 'BANWOL_SIHWA' })!.id;
    const running = () => db.select({ id: matchingRounds.id, startedAt: matchingRounds.startedAt, aliveAt: matchingRounds.aliveAt }).from(matchingRounds).where(and(eq(matchingRounds.complexId, complexId), eq(matchingRounds.status, 'RUNNING'))).get();

    const operator = keyOf('OPERATOR').apiKey;
    void gql(victim.url, RUN, {}, { apiKey: operator }).catch(() => {});
    // The round searches (for half a minute here) and its process stamps its claim alive meanwhile.
    let claim: Awaited<ReturnType<typeof running>>;
    while (!(claim = await running()) || claim.aliveAt!.getTime() <= claim.startedAt.getTime()) await new Promise((r) => setTimeout(r, 100));
    expect((await gql(survivor.url, RUN, {}, { apiKey: operator })).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    victim.child.kill('SIGKILL');
    await victim.exited;
    expect((await running())?.id).toBe(claim.id);

    // A small round from here on: the shipper withdraws the many requests.
    await db.update(shipmentRequests).set({ status: 'CANCELLED' }).where(inArray(shipmentRequests.id, requestIds)).run();
    // Well within the 300 s its age would hold it, the survivor's round is accepted.
    const giveUpAt = Date.now() + CLAIM_AGE_MS / 5;
    let answer = await gql<RunAnswer>(survivor.url, RUN, {}, { apiKey: operator });
    while (answer.body.errors?.[0]?.extensions?.code === 'CONFLICT' && Date.now() < giveUpAt) {
      await new Promise((r) => setTimeout(r, 500));
      answer = await gql<RunAnswer>(survivor.url, RUN, {}, { apiKey: operator });
    }
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.matchingRunStart.round.status).toBe('COMPLETED');
    expect(await db.select({ status: matchingRounds.status, error: matchingRounds.error }).from(matchingRounds).where(eq(matchingRounds.id, claim.id)).get()).toEqual({ status: 'FAILED', error: 'interrupted' });
  }, 120_000);
});
