import { sql, type Column, type Placeholder, type SQL } from 'drizzle-orm';
import type { Db } from './client';

/**
 * Statements built and prepared once per database: booking runs hundreds of times a second, and building
 * and preparing each statement anew (SQLite compiles the booking triggers into every insert) costs more
 * than running it. They run on the database's one connection, so inside the caller's transaction.
 */
export function preparedPerDatabase<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let statements = cache.get(db);
    if (!statements) cache.set(db, (statements = build(db)));
    return statements;
  };
}

/** `column in (…)` for a prepared statement: placeholder `name` takes the ids as a JSON array (see `idList`), so one statement serves any count. */
export function inIdList(column: Column, name: string): SQL {
  return sql`${column} in (select value from json_each(${sql.placeholder(name)}))`;
}

/** The value of an `inIdList` placeholder. */
export const idList = (ids: readonly number[]): string => JSON.stringify(ids);

/**
 * Statements that vary with a few options (which filters a list has, its page size): one per key and database,
 * built by `build` the first time its key is asked for. Keys must come from a bounded set.
 */
export function preparedPerKey<T>(): (db: Db, key: string, build: () => T) => T {
  const perDatabase = preparedPerDatabase(() => new Map<string, T>());
  return (db, key, build) => {
    const statements = perDatabase(db);
    let statement = statements.get(key);
    if (!statement) statements.set(key, (statement = build()));
    return statement;
  };
}

/**
 * A LIMIT written into the statement rather than bound: SQLite ran the pages of the request list and the board
 * 2-3x slower with drizzle's `limit ?` than with `limit 21` (better-sqlite3 12, 20 rows by index). Pair it
 * with preparedPerKey, the limit in the key.
 */
export function literalLimit(n: number): Placeholder {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a LIMIT must be a whole number, not ${n}`);
  return sql.raw(String(n)) as unknown as Placeholder;
}
