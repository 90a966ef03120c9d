import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../helpers/process';
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
