import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { closePgDatabase, migratePgDatabase, openPgDatabase, type PgDb } from '../../../db/pg/client';

/** The cluster `npm run test:pg` started (scripts/pg-cluster.ts). */
export function clusterUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('postgres')) throw new Error('DATABASE_URL is not a postgres:// URL: run these tests with `npm run test:pg`');
  return url;
}

export interface TestDatabase {
  url: string;
  db: PgDb;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A new, migrated database of its own in the cluster, so that test files never see each other's rows. */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = `sandan_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: clusterUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(clusterUrl());
  url.pathname = `/${name}`;
  const db = openPgDatabase(url.href);
  await migratePgDatabase(db);
  return {
    url: url.href,
    db,
    drop: async () => {
      await closePgDatabase(db);
      await dropDatabase(name);
    },
  };
}

/**
 * Drops database `name` of the cluster once the sessions still closing on it are gone: a pool's `end()` resolves as it
 * asks its connections to close, and one that `with (force)` then terminates reports the FATAL as an error nobody
 * listens to any more (an uncaught exception in the test run).
 */
export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: clusterUrl() });
  await admin.connect();
  try {
    for (let waited = 0; waited < 5_000; waited += 20) {
      const { rows } = await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if (rows[0]!.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
