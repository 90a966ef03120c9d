import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { spawnService, spawnServiceUntil, type ServiceProcess } from '../helpers/process';
import { tempDir } from '../helpers/server';
import { freshDatabase, type TestDatabase } from './helpers/database';

const SEEDED = 'empty database: loaded demo data';
const tmp = tempDir();
let database: TestDatabase | undefined;
const services: ServiceProcess[] = [];

afterAll(async () => {
  for (const s of services) s.child.kill('SIGTERM');
  await Promise.all(services.map((s) => s.exited));
  await database?.drop();
  tmp.remove();
});

it('two instances started at once on an empty database both serve, and the demo is seeded once', async () => {
  database = await freshDatabase();
  const env = { DATABASE_URL: database.url, SEED_ON_EMPTY: 'true', DEMO_KEYS_PATH: join(tmp.dir, 'keys.json'), MATCHING_INTERVAL_SECONDS: '0', POD_STORAGE_DIR: join(tmp.dir, 'pod') };
  services.push(...(await Promise.all([spawnService(env), spawnService(env)])));

  const seedings = services.flatMap((s) => s.logs.filter((line) => line.includes(SEEDED)).map((line) => JSON.parse(line) as { complexes: number; organisations: number }));
  expect(seedings).toHaveLength(1);
  const { rows } = await database.db.$client.query<{ complexes: number; organisations: number }>(
    'select (select count(*)::int from complexes) as complexes, (select count(*)::int from organisations) as organisations',
  );
  expect(rows[0]).toEqual({ complexes: seedings[0]!.complexes, organisations: seedings[0]!.organisations });
  for (const s of services) expect((await fetch(s.url.replace(/\/graphql$/, '/readyz'))).ok).toBe(true);
}, 120_000);

it('an instance waiting for another to load the demo says so, then serves the loaded database', async () => {
  const other = await freshDatabase();
  const held = await other.db.$client.connect();
  let waiting: ServiceProcess | undefined;
  try {
    // Another instance seeding: the lock held, the database still empty.
    await held.query('select pg_advisory_lock(hashtext($1))', ['sandan-seed']);
    const env = { DATABASE_URL: other.url, SEED_ON_EMPTY: 'true', DEMO_KEYS_PATH: join(tmp.dir, 'keys-2.json'), MATCHING_INTERVAL_SECONDS: '0', POD_STORAGE_DIR: join(tmp.dir, 'pod-2') };
    const service = await spawnServiceUntil(/another instance is loading the demo data into this database: waiting for it/, env);
    waiting = service;
    expect(service.logs.some((line) => /ready at/.test(line))).toBe(false);
    await held.query('select pg_advisory_unlock(hashtext($1))', ['sandan-seed']);
    // The lock freed with nothing loaded (the other stopped): this one seeds, then serves.
    await vi.waitFor(() => expect(service.logs.some((line) => /ready at/.test(line))).toBe(true), { timeout: 90_000, interval: 200 });
    expect(service.logs.filter((line) => line.includes(SEEDED))).toHaveLength(1);
  } finally {
    held.release();
    waiting?.child.kill('SIGTERM');
    await waiting?.exited;
    await other.drop();
  }
}, 120_000);
