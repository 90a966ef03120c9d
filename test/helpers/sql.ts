import pg from 'pg';
import { pgPoolOf, type Db } from '../../db/client';
import { DIALECT } from '../../db/dialect';

/**
 * The rows of raw SQL that both databases read alike (tests' checks written in SQL, independent of drizzle), `?`
 * for parameters; a statement that returns none gives [].
 */
export async function rowsOf<T = Record<string, unknown>>(db: Db, query: string, params: unknown[] = []): Promise<T[]> {
  if (DIALECT === 'sqlite') {
    const statement = db.$client.prepare(query);
    if (!statement.reader) return statement.run(...params), [];
    return statement.all(...params) as T[];
  }
  let n = 0;
  return (await pgPoolOf(db).query(query.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
}

/**
 * How many statements `db` ran while `work` ran (this process's: a test server's), for a bound on a request's queries:
 * better-sqlite3's statement runs, or the queries sent on PostgreSQL's connections.
 */
export async function statementsDuring(db: Db, work: () => Promise<unknown>): Promise<number> {
  const methods = DIALECT === 'sqlite' ? ['all', 'get', 'run', 'iterate'] : ['query'];
  const prototype = (DIALECT === 'sqlite' ? Object.getPrototypeOf(db.$client.prepare('select 1')) : pg.Client.prototype) as Record<string, (...args: unknown[]) => unknown>;
  const originals = methods.map((m) => [m, prototype[m]!] as const);
  let statements = 0;
  for (const [m, original] of originals) {
    prototype[m] = function (this: unknown, ...args: unknown[]) {
      statements++;
      return original.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    for (const [m, original] of originals) prototype[m] = original;
  }
  return statements;
}
