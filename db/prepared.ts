import { Column as DrizzleColumn, sql, type Column, type Placeholder, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';
import { DIALECT } from './dialect';
import { inJson } from './sql';

/**
 * Statements built and prepared once per database: booking runs hundreds of times a second, and building
 * and preparing each statement anew (SQLite compiles the booking triggers into every insert) costs more
 * than running it. They run on the database's one connection, so inside the caller's transaction.
 * On PostgreSQL every transaction is a new drizzle handle, so they are kept per connection instead (the pool's or a
 * pooled client's, which a statement built in a transaction runs on): built per transaction, they cost a third of a
 * booking's CPU there.
 */
export function preparedPerDatabase<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<object, T>();
  return (db) => {
    const key = connectionOf(db);
    let statements = cache.get(key);
    if (!statements) cache.set(key, (statements = build(db)));
    return statements;
  };
}

/** What a handle's statements run on: the SQLite handle itself; on PostgreSQL its session's pool or pooled client. */
const connectionOf = (db: Db): object => (DIALECT === 'pg' ? (db as unknown as { session: { client: object } }).session.client : db);

/** `column in (…)` for a prepared statement: placeholder `name` takes the ids as a JSON array (see `idList`), so one statement serves any count. */
export function inIdList(column: Column, name: string): SQL {
  return inJson(column, sql.placeholder(name), column.dataType === 'string' ? 'string' : 'number');
}

/** The value of an `inIdList` placeholder. */
export const idList = (ids: readonly number[]): string => JSON.stringify(ids);

/** Statements kept per preparedPerKey cache and database; past it the cache starts again (clients vary little). */
const MAX_KEYED_STATEMENTS = 1_000;

/**
 * Statements that vary with a few options (which filters a list has, its page size): one per key and database,
 * built by `build` the first time its key is asked for.
 */
export function preparedPerKey<T>(): (db: Db, key: string, build: () => T) => T {
  const perDatabase = preparedPerDatabase(() => new Map<string, T>());
  return (db, key, build) => {
    const statements = perDatabase(db);
    let statement = statements.get(key);
    if (!statement) {
      if (statements.size >= MAX_KEYED_STATEMENTS) statements.clear();
      statements.set(key, (statement = build()));
    }
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

/**
 * Raw rows (arrays in the order of `columns`, as a prepared query's `values()` returns them) as records keyed like
 * `columns`, each value decoded by its column as drizzle would. Drizzle's own row mapping costs more than SQLite's
 * read on the hot pages (~2x for 20 board rows); this one decodes only the columns that need it (times, booleans),
 * and builds each record as one object literal (generated once per column set), so that every record has the same
 * shape from birth: assigning 34 keys one by one cost a fifth of the request list's read.
 */
export function rowDecoder<R>(columns: Record<string, Column>): (row: unknown[]) => R {
  const decoders = Object.values(columns).map((column) =>
    column.mapFromDriverValue === DrizzleColumn.prototype.mapFromDriverValue ? null : (value: unknown) => column.mapFromDriverValue(value),
  );
  // Keys are the schema's own property names (no caller input), quoted as JSON.
  const fields = Object.keys(columns).map((key, i) => `${JSON.stringify(key)}: ${decoders[i] ? `row[${i}] === null ? null : decode[${i}](row[${i}])` : `row[${i}]`}`);
  return new Function('decode', `return (row) => ({ ${fields.join(', ')} });`)(decoders) as (row: unknown[]) => R;
}

/** Some columns of a table, with their decoder; `key` names the set, for statements prepared per set. */
export interface ColumnSet<R> {
  key: string;
  columns: Record<string, SQLiteColumn>;
  decode: (row: unknown[]) => R;
}

/**
 * Subsets of `all` (a table's columns by record key) with their decoders, built once per subset: `keys` and the id,
 * or every column for null. A page read for a GraphQL selection reads only what its fields show (graph/selection.ts):
 * better-sqlite3 spends ~0.12 µs a value, and the request list's 34 columns cost three times the 10 a typical page
 * shows. Its records then hold only those keys: the others are undefined, which nothing reading the page looks at.
 */
export function columnSubsets<R>(all: Record<string, SQLiteColumn> & { id: SQLiteColumn }): (keys: readonly string[] | null | undefined) => ColumnSet<R> {
  const every = Object.keys(all);
  const sets = new Map<string, ColumnSet<R>>();
  return (keys) => {
    const wanted = keys ? every.filter((k) => k === 'id' || keys.includes(k)) : every;
    const key = wanted.join(',');
    let set = sets.get(key);
    if (!set) {
      // Keys come from a zod enum of `all`'s keys, and clients ask for a few dozen shapes.
      const columns = Object.fromEntries(wanted.map((k) => [k, all[k]!]));
      sets.set(key, (set = { key, columns, decode: rowDecoder<R>(columns) }));
    }
    return set;
  };
}
