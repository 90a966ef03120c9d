import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeDatabase, openDatabase, type Db } from '../../db/client';
import { DIALECT } from '../../db/dialect';
import type { DemoKey } from '../../scripts/demo/seed-demo';
import { loadComplexes } from '../../src/complexes/complex-record';
import { freshDatabase } from '../pg/helpers/database';
import { spawnService, type ServiceProcess } from './process';

export interface SharedDatabase {
  /** The running processes; a test may stop some and start more (`spawnService(env)`): `stop` ends those left. */
  services: ServiceProcess[];
  /** What each process was started with, the database's address included. */
  env: Record<string, string>;
  /** The test's own handle on the database. */
  db: Db;
  keyOf: (role: DemoKey['role']) => DemoKey;
  stop: () => Promise<void>;
}

/**
 * `count` real service processes on one database (a SQLite file in `dir`, or under `npm run test:pg` a fresh database
 * of the cluster) with `env` on top of the defaults: the first seeds the demo data, the rest start together on it.
 */
export async function servicesOnOneDatabase(dir: string, count: number, env: Record<string, string> = {}): Promise<SharedDatabase> {
  const shared: Record<string, string> = { DATABASE_PATH: join(dir, 'shared.db'), DEMO_KEYS_PATH: join(dir, 'keys.json'), MATCHING_INTERVAL_SECONDS: '0', POD_STORAGE_DIR: join(dir, 'pod'), SEED_ON_EMPTY: 'true', ...env };
  const pgDatabase = DIALECT === 'pg' ? await freshDatabase() : undefined;
  if (pgDatabase) shared.DATABASE_URL = pgDatabase.url;
  const services = [await spawnService(shared)];
  services.push(...(await Promise.all(Array.from({ length: count - 1 }, () => spawnService(shared)))));
  const keys = JSON.parse(readFileSync(shared.DEMO_KEYS_PATH!, 'utf8')) as DemoKey[];
  const db = pgDatabase ? (pgDatabase.db as unknown as Db) : openDatabase(shared.DATABASE_PATH!);
  await loadComplexes(db);
  return {
    services,
    env: shared,
    db,
    keyOf: (role) => keys.find((k) => k.role === role && k.complexCode === 'BANWOL_SIHWA')!,
    stop: async () => {
      for (const s of services) s.child.kill('SIGTERM');
      await Promise.all(services.map((s) => s.exited));
      if (pgDatabase) await pgDatabase.drop();
      else await closeDatabase(db);
    },
  };
}
