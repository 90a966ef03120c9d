import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROGRAMME_COMPLEXES } from '../../src/complexes/programme';
import { seedDemoMarket, type DemoMarketSummary } from '../../src/demo/seed-demo-market';
import { parseEnv } from '../../src/env';
import { createLogger } from '../../src/logger';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HEATMAP = 'query ($code: String!, $layer: HeatmapLayer!) { heatmap(complexCode: $code, resolution: 7, layer: $layer) { cells { count pallets } } }';
const RUN = 'mutation ($code: String!) { matchingRunStart(input: { complexCode: $code }) { round { report { requestsConsidered servedCount } } } }';

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
let summary: DemoMarketSummary;
beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'demo.db') });
  const env = parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  summary = seedDemoMarket({ ctx: { db: server.db, pubsub: server.pubsub, logger: createLogger('silent'), env, now: () => new Date() }, input: { seed: 42 } });
});
afterAll(async () => {
  await server.stop();
  tmp.remove();
});

it('gives every complex supply and demand on the map for its demo operator', async () => {
  expect(summary.vehicles).toBeGreaterThanOrEqual(4 * 7);
  expect(summary.listings).toBeGreaterThanOrEqual(7);
  expect(summary.requests).toBeGreaterThanOrEqual(7);
  for (const { code } of PROGRAMME_COMPLEXES) {
    const apiKey = server.keyOf('OPERATOR', code).apiKey;
    for (const layer of ['SUPPLY', 'DEMAND']) {
      const { body } = await gql<{ heatmap: { cells: { count: number }[] } }>(server.url, HEATMAP, { code, layer }, { apiKey });
      expect(body.data!.heatmap.cells.reduce((n, c) => n + c.count, 0), `${code} ${layer}`).toBeGreaterThan(0);
    }
  }
});

it('is a market the engine can match', async () => {
  const { body } = await gql<{ matchingRunStart: { round: { report: { requestsConsidered: number; servedCount: number } } } }>(server.url, RUN, { code: 'BANWOL_SIHWA' }, { apiKey: server.keyOf('OPERATOR').apiKey });
  expect(body.errors).toBeUndefined();
  expect(body.data!.matchingRunStart.round.report.servedCount).toBeGreaterThan(0);
});
