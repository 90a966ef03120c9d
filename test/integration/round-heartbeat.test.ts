import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { matchingRounds, shipmentRequests } from '../../db/schema';
import type { DemoKey } from '../../scripts/demo/seed-demo';
import { selectComplex } from '../../src/complexes/complex-record';
import { gql } from '../helpers/clients';
import { ctxAs, HOUR, shipment, vehicle } from '../helpers/bookings-fixtures';
import type { ServiceProcess } from '../helpers/process';
import { tempDir } from '../helpers/server';
import { servicesOnOneDatabase, type SharedDatabase } from '../helpers/shared-database';

const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id status } } }';
type RunAnswer = { matchingRunStart: { round: { id: string; status: string } } };

// Two service processes on one database (a SQLite file, or under `npm run test:pg` a fresh database of the cluster),
// with a search budget of 120 s: a claim's age alone (twice the budget and a minute) would keep a dead process's
// round claimed for 300 s.
const ROUND_SECONDS = 120;
const CLAIM_AGE_MS = (2 * ROUND_SECONDS + 60) * 1000;
const tmp = tempDir();
let shared: SharedDatabase;
let services: ServiceProcess[];
let db: Db;
const keyOf = (role: DemoKey['role']) => shared.keyOf(role);

beforeAll(async () => {
  shared = await servicesOnOneDatabase(tmp.dir, 2, { MATCHING_ROUND_SECONDS: String(ROUND_SECONDS) });
  ({ services, db } = shared);
}, 120_000);
afterAll(async () => {
  await shared.stop();
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
