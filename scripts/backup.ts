/**
 * npm run backup -- <file>: a consistent copy of the live database, safe while the service is writing.
 * SQLite (DATABASE_PATH): through SQLite's online backup API (a plain file copy of a WAL database can tear).
 * PostgreSQL (DATABASE_URL=postgres://…): `pg_dump --format=custom` (one snapshot), restored with pg_restore (README).
 * The file is new (an existing one is refused, never overwritten) and readable by its owner only (mode 600): it holds
 * what the database holds, webhook signing secrets among it. Exit code 2 for a bad command line, 1 when the copy fails.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { databaseLabel, openDatabase, refusalOf } from '../db/client';
import { reachPg } from '../db/pg/client';
import { makeFolder } from '../db/folders';
import { DIALECT } from '../db/dialect';
import { parse as parseConnectionString } from 'pg-connection-string';
import { envOrExit, fail, parseFlags } from './cli';

const { positionals } = parseFlags({ options: {}, allowPositionals: true });
// An empty name (an unset variable in quotes) names no file.
if (positionals.length !== 1 || positionals[0] === '') fail('usage: npm run backup -- <file>   (a new file; the database at DATABASE_URL, else DATABASE_PATH)');
const target = positionals[0]!;
const env = envOrExit();
if (DIALECT === 'sqlite') {
  if (!existsSync(env.DATABASE_PATH)) fail(`no database at ${env.DATABASE_PATH} (DATABASE_PATH) to back up`);
  // The same file under another name (`./`, `..`, a link) is the database itself, which a backup must not write over;
  // nor its WAL, shared memory or journal beside it.
  const live = realpathSync(env.DATABASE_PATH);
  const folder = dirname(resolve(target));
  const named = join(existsSync(folder) ? realpathSync(folder) : folder, basename(target));
  if ((existsSync(target) && realpathSync(target) === live) || [live, `${live}-wal`, `${live}-shm`, `${live}-journal`].includes(named)) {
    fail(`${target} is the database itself (DATABASE_PATH=${env.DATABASE_PATH}): back it up to another file`);
  }
}
// Reached first, as a start reaches it: pg_dump's own words for a refused login (`fe_sendauth: no password supplied`)
// name no fix, and no file is made for a copy that cannot be taken. Not migrated: a backup before an upgrade is of the old schema.
if (DIALECT === 'pg') {
  await reachPg(env.DATABASE_URL!).catch((error: unknown) => {
    console.error(refusalOf(env, error));
    process.exit(1);
  });
}
// A folder (the backups' own, named without a file) is no file to write: removing it, as for a file, is no advice.
// The file advised is named as what it will hold: a pg_dump archive is no SQLite database.
const example = join(target, DIALECT === 'pg' ? 'sandan.dump' : 'sandan.db');
if (existsSync(target) && statSync(target).isDirectory()) fail(`${target} is a folder: back up to a new file in it, e.g. ${example}`);
// Created here, exclusively and with mode 600, before SQLite or pg_dump write into it: they would create it 644 (umask 022).
// A place it cannot be made (no permission, a file where a folder must be) is one line, as a bad command line is.
let fd: number;
try {
  makeFolder(dirname(target));
  fd = openSync(target, 'wx', 0o600);
} catch (error) {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'EEXIST' && existsSync(target)) fail(`${target} exists: back up to a new file (or remove it first)`);
  fail(`cannot create ${target}: ${message}`);
}
closeSync(fd);

const started = Date.now();
try {
  if (DIALECT === 'pg') {
    // The password goes through the environment, not the command line others can read in `ps`; the rest of the URL
    // (a socket folder in host=, sslmode) goes to pg_dump as it is, which reads it as node-postgres does.
    const { password } = parseConnectionString(env.DATABASE_URL!);
    const withoutPassword = env.DATABASE_URL!.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@]*@/, '$1@');
    const dump = spawnSync('pg_dump', ['--format=custom', `--file=${target}`, `--dbname=${withoutPassword}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
    });
    if (dump.error) throw new Error(`pg_dump could not run (${dump.error.message}): install PostgreSQL's client tools, the server's version or newer`);
    if (dump.status !== 0) throw new Error(`pg_dump failed with exit code ${dump.status}`);
    console.log(`backed up ${databaseLabel(env)} to ${target} (pg_dump custom format) in ${Date.now() - started} ms`);
  } else {
    const db = openDatabase(env.DATABASE_PATH);
    try {
      await db.$client.backup(target);
    } finally {
      db.$client.close();
    }
    console.log(`backed up ${databaseLabel(env)} to ${target} in ${Date.now() - started} ms`);
  }
} catch (error) {
  // No half-written file left where a backup is expected.
  for (const path of [target, `${target}-journal`]) rmSync(path, { force: true });
  console.error(`backup failed: ${(error as Error).message}`);
  process.exit(1);
}
