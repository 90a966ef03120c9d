/**
 * npm run backup -- <file>: a consistent copy of the live database, safe while the service is writing.
 * SQLite (DATABASE_PATH): through SQLite's online backup API (a plain file copy of a WAL database can tear).
 * PostgreSQL (DATABASE_URL=postgres://…): `pg_dump --format=custom` (one snapshot), restored with pg_restore (README).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { databaseLabel, openDatabase } from '../db/client';
import { DIALECT } from '../db/dialect';
import { parseEnv } from '../src/env';

const target = process.argv[2];
if (!target) {
  console.error('usage: npm run backup -- <file>');
  process.exit(2);
}
mkdirSync(dirname(target), { recursive: true });
const started = Date.now();
const env = parseEnv();
if (DIALECT === 'pg') {
  // The password goes through the environment, not the command line others can read in `ps`.
  const { password } = new URL(env.DATABASE_URL!);
  const withoutPassword = new URL(env.DATABASE_URL!);
  withoutPassword.password = '';
  const dump = spawnSync('pg_dump', ['--format=custom', `--file=${target}`, `--dbname=${withoutPassword.href}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...(password ? { PGPASSWORD: decodeURIComponent(password) } : {}) },
  });
  if (dump.error) {
    console.error(`pg_dump could not run (${dump.error.message}): install PostgreSQL's client tools, the server's version or newer`);
    process.exit(1);
  }
  if (dump.status !== 0) process.exit(dump.status ?? 1);
  console.log(`backed up ${databaseLabel(env)} to ${target} (pg_dump custom format) in ${Date.now() - started} ms`);
} else {
  const db = openDatabase(env.DATABASE_PATH);
  await db.$client.backup(target);
  db.$client.close();
  console.log(`backed up ${databaseLabel(env)} to ${target} in ${Date.now() - started} ms`);
}
