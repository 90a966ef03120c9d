import { sql, type Column, type SQL } from 'drizzle-orm';
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
