import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migratePgDatabase, openPgDatabase, type PgDb } from '../../../db/pg/client';

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
      await db.$client.end();
      const client = new pg.Client({ connectionString: clusterUrl() });
      await client.connect();
      await client.query(`drop database ${name} with (force)`);
      await client.end();
    },
  };
}
