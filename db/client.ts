import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { parse as parseConnectionString } from 'pg-connection-string';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { DIALECT } from './dialect';
import { closePgDatabase, isPgMigrated, keyedPoolOf, migratePgDatabase, openPgDatabase, PgSilentError, reachPg, whilePgAnswers, type PgDb } from './pg/client';
import { refuseNewerSchema } from './errors';
import { makeFolder } from './folders';
import { packageFile } from './package-file';
import * as schema from './schema/tables';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * The database this process runs on (db/dialect.ts), migrated: PostgreSQL at DATABASE_URL, whose handle answers the
 * same calls (db/pg/sqlite-calls.ts) and is typed as the SQLite one so the domain is written once; else the SQLite
 * file at DATABASE_PATH.
 */
export async function connectDatabase(env: { DATABASE_PATH: string; DATABASE_URL?: string | undefined }): Promise<Db> {
  if (DIALECT === 'sqlite') {
    const db = openDatabase(env.DATABASE_PATH);
    migrateDatabase(db);
    return db;
  }
  await reachPg(env.DATABASE_URL!);
  const db = openPgDatabase(env.DATABASE_URL!);
  await migratePgDatabase(db);
  return db as unknown as Db;
}

/**
 * The handle for statements that find their rows by key, whose one plan holds for every value: on PostgreSQL its pool
 * left on the default plan cache (see openPgDatabase), on SQLite the one connection. Write transactions run on it.
 */
export const keyed = (db: Db): Db => (DIALECT === 'pg' ? (keyedPoolOf(db as unknown as PgDb) as unknown as Db) : db);

/** The keyed pool under a PostgreSQL handle, for what talks to node-postgres itself (shared rate limits, advisory locks). */
export const pgPoolOf = (db: Db): PgDb['$client'] => keyedPoolOf(db as unknown as PgDb).$client;

/**
 * Where this process's database is, for a script's output: the SQLite file, or PostgreSQL's host and database (no
 * password). Read by node-postgres' own parser: a URL naming its socket folder (`postgres://user@/db?host=/run/…`) is
 * no WHATWG URL.
 */
export function databaseLabel(env: { DATABASE_PATH: string; DATABASE_URL?: string | undefined }): string {
  if (DIALECT === 'sqlite') return env.DATABASE_PATH;
  const { host, port, database } = parseConnectionString(env.DATABASE_URL!);
  return `PostgreSQL ${host || 'localhost'}${port ? `:${port}` : ''}/${database ?? ''}`;
}

/**
 * `connectDatabase`, or the one line to end a start or a script with when the database cannot be reached or opened
 * (a file that is not SQLite, PostgreSQL down or refusing the login): errors with a code (the system's, SQLite's,
 * PostgreSQL's). Anything else is a fault of ours and is thrown with its stack.
 */
export async function connectOrRefusal(env: { DATABASE_PATH: string; DATABASE_URL?: string | undefined }): Promise<{ db: Db } | { refusal: string }> {
  try {
    return { db: await connectDatabase(env) };
  } catch (error) {
    return { refusal: refusalOf(env, error) };
  }
}

/** The one line `error`, met reaching or opening the database, ends a start or a script with; rethrown when it has no code. */
export function refusalOf(env: { DATABASE_PATH: string; DATABASE_URL?: string | undefined }, error: unknown): string {
  if (!(error instanceof Error && 'code' in error)) throw error;
  return `Cannot open the database (${databaseLabel(env)}): ${error.message}`;
}

/** Closes the file, which checkpoints the WAL away, or ends the PostgreSQL pools. */
export async function closeDatabase(db: Db): Promise<void> {
  if (DIALECT === 'sqlite') db.$client.close();
  else await closePgDatabase(db as unknown as PgDb);
}

export { PgSilentError };

/** `work` (a stop closing what waits on the database), or PgSilentError once PostgreSQL stops answering meanwhile: a SQLite file answers or throws. */
export const whileDatabaseAnswers = <T>(env: { DATABASE_URL?: string | undefined }, work: Promise<T>): Promise<T> =>
  DIALECT === 'sqlite' ? work : whilePgAnswers(env.DATABASE_URL!, work);

export const MIGRATIONS_FOLDER = packageFile('db', 'migrations');

/**
 * Opens (creating if needed) the SQLite file with the settings every invariant relies on:
 * WAL so readers never block the writer, synchronous=FULL so an acknowledged commit survives a crash,
 * foreign keys on, and a busy timeout so writers from several processes queue instead of failing. A file it
 * creates is its owner's only (mode 600, as the demo keys): it holds webhook signing secrets; SQLite gives its WAL
 * and shared-memory files the same mode.
 */
export function openDatabase(path: string): Db {
  const created = path !== ':memory:' && !existsSync(path);
  if (path !== ':memory:') makeFolder(dirname(path));
  const sqlite = new Database(path);
  if (created) chmodSync(path, 0o600);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Checkpoint the WAL every ~40 MB instead of every 4 MB: fewer fsyncs of the main file under the
  // steady stream of location reports, at the cost of a larger WAL between checkpoints.
  sqlite.pragma('wal_autocheckpoint = 10000');
  return drizzle(sqlite, { schema }) as Db;
}

/**
 * Applies pending drizzle-kit migrations; safe to call on every start. Foreign keys are off meanwhile, as SQLite's
 * table-rebuild procedure asks (a rebuilt table is dropped and renamed while others still reference it), and
 * when a migration was applied every reference is checked before they are turned back on (only then: the check
 * reads every referencing row, 5 s on three years of history, at every start and script).
 * @throws Error when a migration left a dangling reference.
 */
export function migrateDatabase(db: Db): void {
  const before = appliedMigrations(db);
  db.$client.pragma('foreign_keys = OFF');
  try {
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    const dangling = appliedMigrations(db) > before ? (db.$client.pragma('foreign_key_check') as unknown[]) : [];
    if (dangling.length > 0) throw new Error(`migration left ${dangling.length} dangling references, e.g. ${JSON.stringify(dangling[0])}`);
  } finally {
    db.$client.pragma('foreign_keys = ON');
  }
  refuseNewerSchema(appliedMigrations(db), expectedMigrationCount());
}

/** How many migrations a SQLite database records as applied: 0 before its first. */
function appliedMigrations(db: Db): number {
  const journal = db.$client.prepare("select count(*) as n from sqlite_master where name = '__drizzle_migrations'").get() as { n: number };
  if (journal.n === 0) return 0;
  return (db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
}

/** True when the database answers and every migration in the folder has been applied. */
export async function isMigrated(db: Db): Promise<boolean> {
  if (DIALECT === 'pg') return isPgMigrated(db as unknown as PgDb);
  const applied = appliedMigrations(db);
  return applied > 0 && applied >= expectedMigrationCount();
}

let expected: number | undefined;
function expectedMigrationCount(): number {
  expected ??= (JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
  return expected;
}
