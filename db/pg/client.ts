import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { refuseNewerSchema } from '../errors';
import { packageFile } from '../package-file';
import * as schema from './schema';
import './sqlite-calls';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const PG_MIGRATIONS_FOLDER = packageFile('db', 'pg', 'migrations');

/** Statement texts given a server-side name so far, process-wide; past MAX_NAMED_STATEMENTS new texts stay unnamed. */
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 2_000;

/**
 * A connection on which every parameterised statement is a named prepared statement: PostgreSQL parses it once per
 * connection and, after a few runs, reuses its plan, where an unnamed one is parsed and planned on every run (half of
 * the server's time in a booking went to parse and bind). The service's statements are a bounded set built from code;
 * the cap keeps the backends' memory bounded should some caller build statement texts without end. Statements without
 * values (transaction control, migrations' DDL, several statements in one text) keep the simple protocol.
 */
class PlannedOnceClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // A connection that ends while checked out (the server restarting or failing over amid a transaction) emits
    // 'error' with no pool listener on it, which crashed the process: its statements fail with the error, and the
    // pool drops the connection when it comes back.
    this.on('error', () => {});
  }

  override query(...args: unknown[]): never {
    const [config, values] = args as [{ text?: string; name?: string; values?: unknown[] } | string, unknown[] | undefined];
    if (typeof config === 'object' && config !== null && config.text && !config.name && (values ?? config.values)?.length) {
      let name = statementNames.get(config.text);
      if (!name && statementNames.size < MAX_NAMED_STATEMENTS) statementNames.set(config.text, (name = `s${statementNames.size}`));
      if (name) args[0] = { ...config, name };
    }
    if (this.pipeline) {
      this.holdWritesForTurn();
      if ((typeof config === 'string' ? config : config?.text)?.startsWith('begin')) return beginWithNext(super.query(config as string)) as never;
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }

  private holding = false;

  /**
   * On a pipelining connection, the statements sent in one turn of the event loop leave in one write: the socket is
   * corked until the turn's promises have run. A write to a TCP socket costs this machine ~100 µs of CPU, most of a
   * round trip's; statements sent together (`Promise.all`, a BEGIN and what follows it) pay it once.
   */
  private holdWritesForTurn(): void {
    if (this.holding) return;
    this.holding = true;
    const { stream } = (this as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection;
    stream.cork();
    setImmediate(() => {
      this.holding = false;
      stream.uncork();
    });
  }
}

/**
 * A transaction's BEGIN rides with its first statement: on a pipelining connection it is on the wire at once, and its
 * caller (drizzle's transaction) goes on to send the first statement behind it without waiting for the answer, one
 * round trip fewer for every write. Its text is fixed and cannot fail but with the connection, which then fails the
 * statement behind it too.
 */
function beginWithNext(sent: Promise<pg.QueryResult>): Promise<pg.QueryResult> {
  sent.catch(() => {});
  return Promise.resolve({ command: 'BEGIN', rowCount: null, oid: 0, rows: [], fields: [] });
}

/**
 * Statements on uneven data plan every run for its own values (`plan_cache_mode=force_custom_plan`). On its default,
 * PostgreSQL switches a named statement to one generic plan after five runs, and that plan is wrong for the minority:
 * an operator's newest requests, planned without knowing the complex, walked the whole table's ids backwards and
 * filtered them, reading every other complex's rows to find a small complex's page (3,000 rows for 21 at one week, a
 * year's 40,000 per large complex later). Parsing once per connection still saves the larger part.
 */
const PLAN_EVERY_RUN = '-c plan_cache_mode=force_custom_plan';

/**
 * The keyed pool. Its one-shot statements (`pool.query`: an API key's look-up, the shared rate limits) share one
 * pipelining connection, so that those of every request in a turn of the event loop leave in one write, not one
 * connection and one write each; a statement's failure fails only its own promise. Transactions (`connect`) take a
 * connection of their own, as in any pool. A lost shared connection is dropped and the next statement checks out another.
 */
class SharedOneShotPool extends pg.Pool {
  private shared: Promise<{ client: pg.PoolClient; drop: (error?: Error) => void }> | null = null;

  override query(...args: unknown[]): never {
    if (typeof args.at(-1) === 'function') return (super.query as (...a: unknown[]) => never)(...args);
    return this.sharedClient().then(({ client }) => (client.query as (...a: unknown[]) => Promise<unknown>)(...args)) as never;
  }

  override async end(): Promise<void> {
    (await this.shared?.catch(() => null))?.drop();
    return super.end();
  }

  private sharedClient() {
    if (this.shared) return this.shared;
    const checkout = super.connect().then((client) => {
      let released = false;
      /** Gives the connection back (destroyed after an error) and lets the next statement check out another. */
      const drop = (error?: Error) => {
        if (this.shared === checkout) this.shared = null;
        if (!released) client.release(error ?? false);
        released = true;
      };
      client.on('error', drop);
      client.on('end', () => drop(new Error('the shared connection ended')));
      return { client, drop };
    });
    checkout.catch(() => this.shared === checkout && (this.shared = null));
    return (this.shared = checkout);
  }
}

/** Each handle's pool for statements that find their rows by key (`keyedPoolOf`). */
const keyedPools = new WeakMap<PgDb, PgDb>();

/**
 * A handle on DATABASE_URL (`postgres://…`), with the PostgreSQL schema, over two pools. Its own pool plans every run
 * for its values (PLAN_EVERY_RUN): the reads, lists and searches whose best plan depends on the complex, the status,
 * the dates asked. The second (`keyedPoolOf`), left on PostgreSQL's default, serves what finds its rows by key, where
 * one plan holds for every value: write transactions (`transact`) and the serving path's look-ups of an API key and
 * rate limit. Planning every run there cost a booking half of its server time (2.5 of 5 ms): its statements, and every
 * statement of the triggers and foreign-key checks they set off, planned again on each run. Its connections pipeline
 * (`holdWritesForTurn`, `beginWithNext`), its one-shot statements share one of them (`SharedOneShotPool`): a booking goes
 * in 4 round trips through the domain, not 10.
 */
export function openPgDatabase(url: string, options: pg.PoolConfig = {}): PgDb {
  const db = pool(url, { options: PLAN_EVERY_RUN, ...options });
  keyedPools.set(db, pool(url, { pipeline: true, ...options }, SharedOneShotPool));
  return db;
}

/** The keyed pool of a handle `openPgDatabase` made; a transaction's handle is its own. */
export const keyedPoolOf = (db: PgDb): PgDb => keyedPools.get(db) ?? db;

/** Ends both pools of a handle `openPgDatabase` made. */
export async function closePgDatabase(db: PgDb): Promise<void> {
  await Promise.all([db.$client.end(), keyedPools.get(db)?.$client.end()]);
}

function pool(url: string, options: pg.PoolConfig, Pool: typeof pg.Pool = pg.Pool): PgDb {
  const pool = new Pool({ connectionString: url, Client: PlannedOnceClient, ...options });
  // An idle connection the server ends (a restart, pg_terminate_backend) is an 'error' on the pool, which would
  // otherwise crash the process; the pool drops that connection and opens another when next needed.
  pool.on('error', () => {});
  return drizzle(pool, { schema }) as PgDb;
}

/**
 * Applies pending drizzle-kit migrations of db/pg/migrations; safe to call on every start, and from several instances
 * at once: drizzle runs them in one transaction, and an advisory lock makes a second instance wait, then find them applied.
 */
export async function migratePgDatabase(db: PgDb): Promise<void> {
  const client = await db.$client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', ['sandan-migrations']);
    await migrate(drizzle(client, { schema }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    const { rows } = await client.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
    refuseNewerSchema(rows[0]!.n, expectedMigrationCount());
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', ['sandan-migrations']).catch(() => {});
    client.release();
  }
}

/**
 * For connections held open for the process's life (the LISTEN connection, the round leases): TCP keepalives from a
 * minute of silence. NATs and firewalls forget a connection idle for some minutes (cloud NATs after about 350 s) and
 * then drop its packets without a word: a listener left so hears nothing more from the other instances, and knows it
 * only if the socket is probed. Node's keepalive alone waits the system's 2 hours before its first probe.
 */
export const HELD_CONNECTION = { keepAlive: true, keepAliveInitialDelayMillis: 60_000 } as const;

/** How long a start waits for PostgreSQL's first answer when DATABASE_URL sets no `connect_timeout` (libpq's name, seconds). */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/** The URL's `connect_timeout` in seconds, the default when it has none, or null when it is not whole seconds. */
export function connectTimeoutOf(url: string): number | null {
  const value = parseConnectionString(url).connect_timeout ?? String(DEFAULT_CONNECT_TIMEOUT_SECONDS);
  return typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : null;
}

/**
 * Opens and closes one connection, waiting at most the URL's `connect_timeout` (seconds; 0 waits for ever): an address
 * that takes the connection and never answers (a wrong port behind a firewall, a paused host) would otherwise hold a
 * start silently. Only the first connection is bounded: under load the pools' connections wait their turn instead.
 * @throws an error with a code: ETIMEDOUT when nothing answered in time, ECONNRESET when the peer closed without
 *   answering as PostgreSQL, else node-postgres' or the system's own.
 */
export async function reachPg(url: string): Promise<void> {
  const seconds = connectTimeoutOf(url) ?? DEFAULT_CONNECT_TIMEOUT_SECONDS;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: seconds * 1000 });
  const deadline = Date.now() + seconds * 1000;
  try {
    await client.connect();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    // A peer that closes before answering (a proxy, another service on that port) ends the connection, node-postgres'
    // own error, or resets it while the start-up message is sent (the system's ECONNRESET or EPIPE), as timing has it;
    // node-postgres' errors have no code: the one line a start ends with is the same, and has one.
    const { code } = error as NodeJS.ErrnoException;
    const reset = code === 'ECONNRESET' || code === 'EPIPE';
    if (code !== undefined && !reset) throw error;
    const timedOut = seconds > 0 && Date.now() >= deadline;
    // node-postgres' words when the server asks for a SCRAM password (TCP's default in pg_hba.conf) and the URL gives
    // none: PostgreSQL answered, so "is it PostgreSQL?" would send the user looking elsewhere.
    const noPassword = /client password must be a (non-empty )?string/.test(error.message);
    const user = parseConnectionString(url).user ?? process.env.PGUSER ?? userInfo().username;
    const why = timedOut
      ? `no answer within ${seconds} s (connect_timeout in DATABASE_URL sets how long to wait)`
      : noPassword
        ? `PostgreSQL asks user ${user} for a password and DATABASE_URL gives none: write it in the URL (postgres://${user}:<password>@…, percent-encoded)`
        : `${reset ? 'Connection terminated unexpectedly' : error.message} (is it PostgreSQL at that address?)`;
    throw Object.assign(new Error(why, { cause: error }), { code: timedOut ? 'ETIMEDOUT' : 'ECONNRESET' });
  } finally {
    await client.end().catch(() => {});
  }
}

/** `whilePgAnswers` gave up: PostgreSQL did not answer a new connection (the message says how, not where). */
export class PgSilentError extends Error {}

/**
 * `work`, or PgSilentError once PostgreSQL stops answering while it is pending: each `connect_timeout` (the URL's, as
 * `reachPg` reads it; 0 waits for ever) that `work` is still pending, a new connection (`reachPg`) must get PostgreSQL's
 * answer within that time, its own error included. Work waiting on a server that is up but slow (a lock, a long
 * statement) waits on; work waiting on one that accepts and never answers (a paused host, a partition dropping
 * packets) would wait for ever: node-postgres has no timeout on a statement's answer, nor on `end()`'s goodbye.
 */
export async function whilePgAnswers<T>(url: string, work: Promise<T>): Promise<T> {
  const seconds = connectTimeoutOf(url) ?? DEFAULT_CONNECT_TIMEOUT_SECONDS;
  if (seconds === 0) return work;
  let finished = false;
  const settled = work.then(
    () => (finished = true),
    () => (finished = true),
  );
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([settled, new Promise<false>((resolve) => (timer = setTimeout(resolve, seconds * 1000, false)))]);
    clearTimeout(timer);
    if (done) return work;
    const silent = await reachPg(url).then(
      () => null,
      (error: unknown) => (error instanceof pg.DatabaseError ? null : error),
    );
    if (silent && !finished) throw new PgSilentError(silent instanceof Error ? silent.message : String(silent), { cause: silent });
  }
}

/** True when the database answers and every migration in db/pg/migrations has been applied. */
export async function isPgMigrated(db: PgDb): Promise<boolean> {
  const { rows } = await db.$client.query<{ n: number }>(
    "select case when to_regclass('drizzle.__drizzle_migrations') is null then -1 else (select count(*)::int from drizzle.__drizzle_migrations) end as n",
  );
  return rows[0]!.n >= expectedMigrationCount();
}

let expected: number | undefined;
function expectedMigrationCount(): number {
  expected ??= (JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
  return expected;
}
