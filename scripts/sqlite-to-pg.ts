/**
 * Loads a SQLite database of the service into a PostgreSQL database, migrated here first: every table both have,
 * table by table in foreign-key order, in multi-row INSERTs. The PostgreSQL twins (db/pg/schema) store the same values
 * in the same columns; only booleans (0/1 in SQLite) are converted, jsonb takes SQLite's JSON text as it is. Triggers
 * and foreign-key checks are off for the loading session (session_replication_role = replica): the rows were checked
 * when SQLite took them. Identity sequences are set past the loaded ids, and the database analysed, as autovacuum
 * keeps a live one. For benches (bench:growth --pg), not for moving a live service: nothing here locks out writers.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { migratePgDatabase, openPgDatabase, closePgDatabase } from '../db/pg/client';
import * as pgSchema from '../db/pg/schema';

/** PostgreSQL's bind parameters per statement are at most 65,535. */
const PARAMETERS_PER_INSERT = 60_000;

/** Each PostgreSQL table's columns by name, with a conversion where SQLite stores the value differently. */
function pgColumns(): Map<string, Map<string, ((v: unknown) => unknown) | null>> {
  const tables = new Map<string, Map<string, ((v: unknown) => unknown) | null>>();
  for (const table of Object.values(pgSchema)) {
    if (!table || typeof table !== 'object' || !(Symbol.for('drizzle:IsDrizzleTable') in table)) continue;
    const config = getTableConfig(table as PgTable);
    tables.set(config.name, new Map(config.columns.map((c) => [c.name, c.getSQLType() === 'boolean' ? (v: unknown) => (v === null ? null : v !== 0) : null])));
  }
  return tables;
}

/** Tables of the SQLite file that PostgreSQL has too, each after the tables its foreign keys reference. */
function loadOrder(sqlite: Database.Database, pgTables: Set<string>): string[] {
  const names = (sqlite.prepare("select name from sqlite_master where type = 'table' order by rowid").all() as { name: string }[]).map((r) => r.name).filter((n) => pgTables.has(n));
  const refs = new Map(names.map((n) => [n, (sqlite.prepare(`select "table" from pragma_foreign_key_list('${n}')`).all() as { table: string }[]).map((f) => f.table).filter((t) => t !== n)]));
  const ordered: string[] = [];
  while (ordered.length < names.length) {
    const next = names.find((n) => !ordered.includes(n) && refs.get(n)!.every((r) => ordered.includes(r)));
    if (!next) throw new Error('foreign keys form a cycle');
    ordered.push(next);
  }
  return ordered;
}

/** Migrates the PostgreSQL database at `url` and copies every row of the SQLite file at `sqlitePath` into it; rows loaded by table. */
export async function loadSqliteIntoPg(sqlitePath: string, url: string): Promise<Map<string, number>> {
  const db = openPgDatabase(url);
  try {
    await migratePgDatabase(db);
  } finally {
    await closePgDatabase(db);
  }
  const sqlite = new Database(sqlitePath, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const loaded = new Map<string, number>();
  try {
    const columnsOf = pgColumns();
    const order = loadOrder(sqlite, new Set(columnsOf.keys()));
    await client.query('set session_replication_role = replica');
    await client.query('begin');
    // Whatever the migrations or nothing wrote: the file's rows are the database.
    await client.query(`truncate ${order.map((n) => `"${n}"`).join(', ')}`);
    for (const name of order) {
      const pgCols = columnsOf.get(name)!;
      const columns = (sqlite.prepare(`select name from pragma_table_info('${name}')`).all() as { name: string }[]).map((c) => c.name);
      const missing = columns.filter((c) => !pgCols.has(c));
      if (missing.length > 0) throw new Error(`${name}: PostgreSQL has no column ${missing.join(', ')}`);
      const convert = columns.map((c) => pgCols.get(c)!);
      const perBatch = Math.floor(PARAMETERS_PER_INSERT / columns.length);
      const head = `insert into "${name}" (${columns.map((c) => `"${c}"`).join(', ')}) overriding system value values `;
      const rowSql = (i: number) => `(${columns.map((_, j) => `$${i * columns.length + j + 1}`).join(', ')})`;
      const fullBatchSql = head + Array.from({ length: perBatch }, (_, i) => rowSql(i)).join(', ');
      let values: unknown[] = [];
      let rows = 0;
      const flush = async (count: number) => {
        if (count === 0) return;
        const text = count === perBatch ? fullBatchSql : head + Array.from({ length: count }, (_, i) => rowSql(i)).join(', ');
        await client.query(text, values);
        values = [];
      };
      let inBatch = 0;
      for (const row of sqlite.prepare(`select ${columns.map((c) => `"${c}"`).join(', ')} from "${name}"`).raw().iterate() as IterableIterator<unknown[]>) {
        for (let j = 0; j < row.length; j++) values.push(convert[j] ? convert[j]!(row[j]) : row[j]);
        rows++;
        if (++inBatch === perBatch) {
          await flush(inBatch);
          inBatch = 0;
        }
      }
      await flush(inBatch);
      if (columns.includes('id')) {
        const { rows: sequence } = await client.query<{ seq: string | null }>(`select pg_get_serial_sequence($1, 'id') as seq`, [`"${name}"`]);
        if (sequence[0]!.seq) await client.query(`select setval($1, coalesce(max(id), 0) + 1, false) from "${name}"`, [sequence[0]!.seq]);
      }
      loaded.set(name, rows);
    }
    await client.query('commit');
    await client.query('set session_replication_role = origin');
    await client.query('analyze');
  } finally {
    await client.end();
    sqlite.close();
  }
  return loaded;
}
