import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterUrl, dropDatabase, freshDatabase, type TestDatabase } from './helpers/database';
import { addListing, addOffer, addRequest, addVehicle, seedMarket } from './helpers/market';

const TSX_LOADER = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;

/** Rows per table of every schema but PostgreSQL's own (drizzle's migration journal included). */
async function rowCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      "select format('%I.%I', table_schema, table_name) as name from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1",
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = (await client.query<{ n: number }>(`select count(*)::int as n from ${name}`)).rows[0]!.n;
    return counts;
  } finally {
    await client.end();
  }
}

describe('npm run backup on PostgreSQL', () => {
  let source: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'sandan-backup-'));
  const restored = `sandan_restored_${process.pid}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: clusterUrl() });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };

  beforeAll(async () => {
    source = await freshDatabase();
  });
  afterAll(async () => {
    await source?.drop();
    await dropDatabase(restored);
    rmSync(dir, { recursive: true, force: true });
  });

  it('dumps with pg_dump, and pg_restore into a new database gives the same rows', async () => {
    const m = await seedMarket(source.db);
    const vehicle = await addVehicle(source.db, m, { payloadKg: 5_000, palletSlots: 10 });
    await addListing(source.db, m, 20, '2026-12-01', '2026-12-05');
    for (let i = 0; i < 5; i++) await addOffer(source.db, m, (await addRequest(source.db, m, { weightKg: 500, pallets: 2 })).id, { vehicleId: vehicle.id });
    const file = join(dir, 'nested', 'sandan.dump');

    const backup = spawnSync(process.execPath, ['--import', TSX_LOADER, 'scripts/backup.ts', file], { env: { ...process.env, DATABASE_URL: source.url }, encoding: 'utf8' });
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    expect(backup.stdout).toContain('pg_dump custom format');
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600'); // it holds the webhook signing secrets
    const again = spawnSync(process.execPath, ['--import', TSX_LOADER, 'scripts/backup.ts', file], { env: { ...process.env, DATABASE_URL: source.url }, encoding: 'utf8' });
    expect([again.status, again.stderr.trim()]).toEqual([2, `${file} exists: back up to a new file (or remove it first)`]);

    // As README says: into a new, empty database.
    await admin(`create database ${restored}`);
    const targetUrl = new URL(clusterUrl());
    targetUrl.pathname = `/${restored}`;
    const restore = spawnSync('pg_restore', ['--no-owner', `--dbname=${targetUrl.href}`, file], { encoding: 'utf8' });
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);

    const counts = await rowCounts(source.url);
    expect(counts['public.offers']).toBe(5);
    expect(counts['drizzle.__drizzle_migrations']).toBeGreaterThan(0);
    expect(await rowCounts(targetUrl.href)).toEqual(counts);
  });

  it('refuses a folder, advising a file named as a dump, not as a SQLite database', () => {
    const backup = spawnSync(process.execPath, ['--import', TSX_LOADER, 'scripts/backup.ts', dir], { env: { ...process.env, DATABASE_URL: source.url }, encoding: 'utf8' });
    expect([backup.status, backup.stderr.trim()]).toEqual([2, `${dir} is a folder: back up to a new file in it, e.g. ${join(dir, 'sandan.dump')}`]);
  });

  it("takes README's unix-socket URL (postgres://user@/db?host=<folder>), which is no WHATWG URL", async () => {
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    const folder = (await client.query<{ dir: string }>('select current_setting($1) as dir', ['unix_socket_directories']).finally(() => client.end())).rows[0]!.dir.split(',')[0]!.trim();
    const { port, pathname, username } = new URL(source.url);
    const socketUrl = `postgres://${username}@${pathname}?host=${folder}&port=${port}`;
    const file = join(dir, 'socket.dump');
    const backup = spawnSync(process.execPath, ['--import', TSX_LOADER, 'scripts/backup.ts', file], { env: { ...process.env, DATABASE_URL: socketUrl }, encoding: 'utf8' });
    expect([backup.status, backup.stderr]).toEqual([0, '']);
    expect(backup.stdout).toMatch(new RegExp(`^backed up PostgreSQL ${folder}:${port}${pathname} to ${file} \\(pg_dump custom format\\)`));
    expect(statSync(file).size).toBeGreaterThan(0);
  });
});
