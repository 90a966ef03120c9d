/**
 * npm run backup -- <file>: a consistent copy of the live database, safe while the service is writing.
 * SQLite (DATABASE_PATH): through SQLite's online backup API (a plain file copy of a WAL database can tear).
 * PostgreSQL (DATABASE_URL=postgres://…): `pg_dump --format=custom` (one snapshot), restored with pg_restore (README).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase } from '../db/client';
import { parseEnv } from '../src/env';

const target = process.argv[2];
if (!target) {
  console.error('usage: npm run backup -- <file>');
  process.exit(2);
}
mkdirSync(dirname(target), { recursive: true });
const started = Date.now();
const url = process.env.DATABASE_URL;
if (url?.startsWith('postgres://') || url?.startsWith('postgresql://')) {
  // The password goes through the environment, not the command line others can read in `ps`.
  const { password } = new URL(url);
  const withoutPassword = new URL(url);
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
  console.log(`backed up ${withoutPassword.host}${withoutPassword.pathname} to ${target} (pg_dump custom format) in ${Date.now() - started} ms`);
} else {
  const env = parseEnv();
  const db = openDatabase(env.DATABASE_PATH);
  await db.$client.backup(target);
  db.$client.close();
  console.log(`backed up ${env.DATABASE_PATH} to ${target} in ${Date.now() - started} ms`);
}
