import { getTableName, is, SQL, type Column, type DrizzleEntityClass, type Table } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgSchema from '../../../db/pg/schema';
import * as pgOnly from '../../../db/pg/schema/instances';
import * as sqliteSchema from '../../../db/schema/tables';

type Config = ReturnType<typeof pgTableConfig> | ReturnType<typeof sqliteTableConfig>;

/** An index key part: a column's name, or `expr` for an expression (its SQL differs by dialect). */
const part = (c: unknown) => (is(c, SQL) ? 'expr' : (c as Column).name);
const withoutTrailingId = (columns: string[]) => (columns.length > 1 && columns.at(-1) === 'id' ? columns.slice(0, -1) : columns);

/**
 * The PostgreSQL type a SQLite column becomes: instants stay epoch-ms integers (bigint), won are bigint (exact to
 * 2^53 - 1, past int4), other integers int4, REAL a double (float4 would round coordinates), JSON jsonb.
 */
const CUSTOM_PG_TYPES: Record<string, string> = { report: 'jsonb', booking_ms: 'bytea', stops: 'jsonb', sha256: 'bytea', kind: 'smallint', status: 'smallint', cargo_class: 'smallint', loading_at_origin: 'smallint', loading_at_destination: 'smallint', trigger: 'smallint', media_type: 'smallint', withdrawal_reason: 'smallint', origin_h3_r7: 'integer', origin_h3_r9: 'bigint', destination_h3_r9: 'bigint', action: 'smallint' };

function pgTypeOf(column: Column): string {
  switch (column.columnType) {
    case 'SQLiteTimestamp':
      return 'bigint';
    case 'SQLiteBoolean':
      return 'boolean';
    case 'SQLiteTextJson':
      return 'jsonb';
    case 'SQLiteReal':
      return 'double precision';
    case 'SQLiteText':
      return 'text';
    case 'SQLiteInteger':
      return column.name.endsWith('_krw') ? 'bigint' : 'integer';
    case 'SQLiteCustomColumn':
      // A custom encoding (db/schema: the round report's array of values, sorted booking times as bytes) has its twin's type chosen here.
      return CUSTOM_PG_TYPES[column.name] ?? `no PostgreSQL type chosen for custom column ${column.name}`;
    default:
      return `no PostgreSQL type chosen for ${column.columnType}`;
  }
}

/** What both dialects must agree on, in dialect-free terms. */
function shape(config: Config) {
  const columns = config.columns.map((c) => ({
    name: c.name,
    type: is(config.columns[0]!.table, SQLiteTable) ? pgTypeOf(c) : c.getSQLType(),
    enumValues: c.enumValues ?? null,
    notNull: c.notNull,
    // An identity column is SQLite's autoincrement primary key: both are filled in when not given.
    hasDefault: c.hasDefault || c.primary,
    primary: c.primary,
    unique: c.isUnique,
  }));
  const indexes = config.indexes.map((i) => ({
    name: i.config.name,
    // SQLite ends every index with the rowid (`id`), which PostgreSQL must name to order by it: (a) there is (a, id) here.
    columns: withoutTrailingId(i.config.columns.map(part)),
    unique: i.config.unique ?? false,
    partial: i.config.where !== undefined,
  }));
  const foreignKeys = config.foreignKeys.map((fk) => {
    const ref = fk.reference();
    return {
      columns: ref.columns.map((c) => c.name),
      table: getTableName(ref.foreignTable),
      foreignColumns: ref.foreignColumns.map((c) => c.name),
      onDelete: fk.onDelete ?? 'no action',
    };
  });
  const byName = <T extends { name?: string }>(xs: T[]) => [...xs].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return {
    columns: byName(columns),
    indexes: byName(indexes),
    foreignKeys: foreignKeys.sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
    checks: config.checks.map((c) => c.name).sort(),
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    uniqueConstraints: config.uniqueConstraints.map((u) => u.columns.map((c) => c.name)),
  };
}

const tables = <T extends Table>(schema: Record<string, unknown>, kind: DrizzleEntityClass<T>) =>
  new Map(Object.values(schema).filter((v): v is T => is(v, kind)).map((t) => [getTableName(t), t] as const));

describe('the PostgreSQL schema mirrors the SQLite one', () => {
  const sqlite = tables(sqliteSchema, SQLiteTable);
  // What several instances share through PostgreSQL (db/pg/schema/instances.ts) has no SQLite twin.
  const shared = tables(pgOnly, PgTable);
  const pg = new Map([...tables(pgSchema, PgTable)].filter(([name]) => !shared.has(name)));

  it('has the same tables', () => {
    expect([...pg.keys()].sort()).toEqual([...sqlite.keys()].sort());
  });

  it('keeps PostgreSQL-only tables out of SQLite', () => {
    expect([...shared.keys()].filter((name) => sqlite.has(name))).toEqual([]);
  });

  for (const [name, table] of sqlite) {
    it(`${name}: same columns (and their PostgreSQL types), indexes, foreign keys and checks`, () => {
      const twin = pg.get(name);
      expect(twin, `db/pg/schema has no table ${name}`).toBeDefined();
      expect(shape(pgTableConfig(twin!))).toEqual(shape(sqliteTableConfig(table)));
    });
  }

  it('stores instants as epoch-ms bigint read as Date, like timestamp_ms', () => {
    const column = pgTableConfig(pgSchema.vehicleReservations).columns.find((c) => c.name === 'starts_at')!;
    expect(column.getSQLType()).toBe('bigint');
    expect(column.mapFromDriverValue('1764633600000')).toEqual(new Date(1764633600000));
    expect(column.mapToDriverValue(new Date(1764633600000))).toBe(1764633600000);
  });
});
