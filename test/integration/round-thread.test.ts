/**
 * A round's search runs on the matching thread: while it computes, the service answers (health checks, queries), as a
 * load balancer and the complex's other users need. On the event loop a round held them for its whole search.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchingRounds, RUNNING_ROUND } from '../../db/schema';
import { fromNow, marketApi } from '../helpers/market-api';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;

describe('a matching round computing', () => {
  const tmp = tempDir();
  let server: TestServer;
  const market = marketApi(() => server);
  beforeAll(async () => {
    server = await startTestServer({ dbPath: `${tmp.dir}/round-thread.db` });
    for (let i = 0; i < 6; i++) {
      const registered = await market.as(server.keyOf('CARRIER').apiKey, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
        input: { plateNumber: `경기56바78${10 + i}`, tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.3 + i * 0.01, lng: 126.74 }, availability: [{ startsAt: fromNow(HOUR), endsAt: fromNow(72 * HOUR) }], idempotencyKey: randomUUID() },
      });
      expect(registered.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await server?.stop();
    tmp.remove();
  });

  it('leaves the service answering until it writes its offers', async () => {
    // Loads around the complex for the rest of the day: enough for the search to take a while.
    for (let i = 0; i < 40; i++) {
      const from = { lat: 37.28 + (i % 7) * 0.01, lng: 126.7 + (i % 5) * 0.015 };
      const to = { lat: 37.2 + (i % 4) * 0.05, lng: 126.9 + (i % 6) * 0.04 };
      await market.post(from, to, 300 + 50 * (i % 5), 1 + (i % 2), 2 * HOUR, 6 * HOUR, 12 * HOUR);
    }
    const round = market.as<{ matchingRunStart: { round: { report: { servedCount: number } } } }>(server.keyOf('OPERATOR').apiKey, 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { report { servedCount } } } }');
    const running = async () => (await server.db.select({ id: matchingRounds.id }).from(matchingRounds).where(RUNNING_ROUND).all()).length > 0;
    while (!(await running())) await new Promise((r) => setTimeout(r, 5));
    // A load balancer's health check and a shipper's query are answered while the round searches.
    expect((await fetch(new URL('/healthz', server.url))).status).toBe(200);
    const board = await market.as<{ complexes: { totalCount: number } }>(server.keyOf('MANUFACTURER').apiKey, '{ complexes { totalCount } }');
    expect(board.data!.complexes.totalCount).toBe(7);
    expect(await running()).toBe(true);
    expect((await round).data!.matchingRunStart.round.report.servedCount).toBeGreaterThan(20);
  });
});
