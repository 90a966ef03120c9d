import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { closeDatabase, connectDatabase, type Db } from '../../db/client';
import { DEFAULT_SEED, seedDemo, type DemoKey } from '../../scripts/demo/seed-demo';
import { parseEnv, type Env } from '../../src/env';
import { createLogger } from '../../src/logger';
import type { PubSub } from '../../src/pubsub';
import { servicePubSub } from '../../src/pubsub-pg';
import { testDatabase } from './database';
import { createApp, GRAPHQL_PATH, type App } from '../../src/server';

export interface TestServer {
  url: string;
  wsUrl: string;
  db: Db;
  pubsub: PubSub;
  dbPath: string;
  /** The PostgreSQL database's URL under `npm run test:pg`, else undefined. */
  databaseUrl: string | undefined;
  app: App;
  /** Demo keys of the seeded organisations: the first of each role in each complex, and the admin. */
  demoKeys: DemoKey[];
  /** The demo key of `role` in `complexCode` (the admin's with role ADMIN). */
  keyOf(role: DemoKey['role'], complexCode?: string): DemoKey;
  /** Stops the service as a signal does (src/main.ts's drain), leaving the database open to read. */
  stopServing(): Promise<void>;
  /** Stops the server and closes the database; the file stays until the folder is removed. */
  stop(): Promise<void>;
}

/** A fresh temporary folder for database files, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sandan-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the real service on port 0 over a SQLite file (seeded with the demo data unless `seed: false`), or, under
 * `npm run test:pg`, over a fresh database of its own in the test cluster (`dbPath` then unused).
 */
export async function startTestServer(opts: { dbPath: string; env?: Record<string, string>; seed?: boolean; logTo?: DestinationStream }): Promise<TestServer> {
  // Rounds search to their iteration bound (the tests' rounds are small), so what a test sees never depends on the machine's load.
  const { db, url: databaseUrl, close } = await testDatabase(opts.dbPath);
  const env: Env = parseEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_PATH: opts.dbPath,
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    MATCHING_INTERVAL_SECONDS: '0',
    MATCHING_ROUND_SECONDS: '120',
    ...opts.env,
  });
  const demoKeys = opts.seed === false ? [] : (await seedDemo({ ctx: { db }, input: DEFAULT_SEED })).demoKeys;
  const { pubsub, app, url, wsUrl } = await listen(env, db, opts.logTo);
  let serving: Promise<void> | undefined;
  const stopServing = () =>
    (serving ??= (async () => {
      await app.stop();
      await pubsub.close();
    })());
  return {
    url,
    wsUrl,
    db,
    pubsub,
    dbPath: opts.dbPath,
    databaseUrl,
    app,
    demoKeys,
    keyOf(role, complexCode = 'BANWOL_SIHWA') {
      const key = demoKeys.find((k) => k.role === role && (role === 'ADMIN' || k.complexCode === complexCode));
      if (!key) throw new Error(`no demo key for ${role} in ${complexCode}`);
      return key;
    },
    stopServing,
    async stop() {
      await stopServing();
      await close();
    },
  };
}

/**
 * Another instance of the service on the database of `first` (PostgreSQL only): its own pool, publish/subscribe
 * listener and rate limits' view, as a second process would have.
 */
export async function startSecondInstance(first: TestServer, envOverrides: Record<string, string> = {}): Promise<{ url: string; wsUrl: string; pubsub: PubSub; stop(): Promise<void> }> {
  if (!first.databaseUrl) throw new Error('a second instance shares a PostgreSQL database: run with `npm run test:pg`');
  const env: Env = parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: first.databaseUrl, MATCHING_INTERVAL_SECONDS: '0', MATCHING_ROUND_SECONDS: '120', ...envOverrides });
  const db = await connectDatabase(env);
  const { pubsub, app, url, wsUrl } = await listen(env, db);
  return {
    url,
    wsUrl,
    pubsub,
    async stop() {
      await app.stop();
      await pubsub.close();
      await closeDatabase(db);
    },
  };
}

/** The service's app on `db`, with the publish/subscribe of its database, listening on a free port of 127.0.0.1. */
async function listen(env: Env, db: Db, logTo?: DestinationStream) {
  const pubsub = await servicePubSub(db, env.DATABASE_URL, (error) => console.error(error));
  const app = await createApp({ env, db, logger: createLogger(env.LOG_LEVEL, logTo), pubsub });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return { pubsub, app, url: `http://127.0.0.1:${port}${GRAPHQL_PATH}`, wsUrl: `ws://127.0.0.1:${port}${GRAPHQL_PATH}` };
}
