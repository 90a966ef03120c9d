import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { migrateDatabase, openDatabase, type Db } from '../../db/client';
import { DEFAULT_SEED, seedDemo, type DemoKey } from '../../scripts/demo/seed-demo';
import { parseEnv, type Env } from '../../src/env';
import { createLogger } from '../../src/logger';
import { createInProcessPubSub, type PubSub } from '../../src/pubsub';
import { createApp, GRAPHQL_PATH, type App } from '../../src/server';

export interface TestServer {
  url: string;
  wsUrl: string;
  db: Db;
  pubsub: PubSub;
  dbPath: string;
  app: App;
  /** Demo keys of the seeded organisations: the first of each role in each complex, and the admin. */
  demoKeys: DemoKey[];
  /** The demo key of `role` in `complexCode` (the admin's with role ADMIN). */
  keyOf(role: DemoKey['role'], complexCode?: string): DemoKey;
  /** Stops the server and closes the database; the file stays until the folder is removed. */
  stop(): Promise<void>;
}

/** A fresh temporary folder for database files, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sandan-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the real service on port 0 over a SQLite file (seeded with the demo data unless `seed: false`). */
export async function startTestServer(opts: { dbPath: string; env?: Record<string, string>; seed?: boolean; logTo?: DestinationStream }): Promise<TestServer> {
  // Rounds search to their iteration bound (the tests' rounds are small), so what a test sees never depends on the machine's load.
  const env: Env = parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_PATH: opts.dbPath, MATCHING_INTERVAL_SECONDS: '0', MATCHING_ROUND_SECONDS: '120', ...opts.env });
  const db = openDatabase(opts.dbPath);
  migrateDatabase(db);
  const demoKeys = opts.seed === false ? [] : (await seedDemo({ ctx: { db }, input: DEFAULT_SEED })).demoKeys;
  const pubsub = createInProcessPubSub();
  const app = await createApp({ env, db, logger: createLogger(env.LOG_LEVEL, opts.logTo), pubsub });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${GRAPHQL_PATH}`,
    wsUrl: `ws://127.0.0.1:${port}${GRAPHQL_PATH}`,
    db,
    pubsub,
    dbPath: opts.dbPath,
    app,
    demoKeys,
    keyOf(role, complexCode = 'BANWOL_SIHWA') {
      const key = demoKeys.find((k) => k.role === role && (role === 'ADMIN' || k.complexCode === complexCode));
      if (!key) throw new Error(`no demo key for ${role} in ${complexCode}`);
      return key;
    },
    async stop() {
      await app.stop();
      db.$client.close();
    },
  };
}
