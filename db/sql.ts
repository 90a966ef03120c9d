import { sql, type SQL, type SQLWrapper, type Table } from 'drizzle-orm';
import { DIALECT, perDialect } from './dialect';

// The few SQL functions SQLite and PostgreSQL spell differently, one helper each, so that a query is written once.
// Arguments are columns, SQL or bound values.
type Operand = SQLWrapper | string | number;

/** The smaller of two values (SQLite's scalar min, PostgreSQL's least). */
export const least = (a: Operand, b: Operand): SQL => perDialect({ sqlite: sql`min(${a}, ${b})`, pg: sql`least(${a}, ${b})` });

/** The larger of two values. */
export const greatest = (a: Operand, b: Operand): SQL => perDialect({ sqlite: sql`max(${a}, ${b})`, pg: sql`greatest(${a}, ${b})` });

/** An ISO day ('YYYY-MM-DD') as a day number: the difference of two is the days between them. */
export const dayNumber = (day: Operand): SQL => perDialect({ sqlite: sql`julianday(${day})`, pg: sql`(cast(${day} as date) - date '2000-01-01')` });

/** The Asia/Seoul day (fixed UTC+9) of an instant stored as epoch ms, as the insights roll-up triggers compute it. */
export const seoulDayOf = (ms: Operand): SQL => perDialect({ sqlite: sql`date(${ms} / 1000, 'unixepoch', '+9 hours')`, pg: sql`seoul_day(${ms})` });

/** How many rows of a group meet `condition` (0 for none). */
export const countWhere = (condition: SQL): SQL => sql`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;

/**
 * The values of a JSON array (`[1,2,3]` or `["a","b"]`, one bound value) as a subquery. PostgreSQL reads the
 * elements as text, so numbers are cast back.
 */
const valuesOfJson = (json: Operand, of: 'number' | 'string'): SQL =>
  perDialect({
    sqlite: sql`(select value from json_each(${json}))`,
    pg: of === 'number' ? sql`(select cast(value as bigint) from json_array_elements_text(cast(${json} as json)))` : sql`(select json_array_elements_text(cast(${json} as json)))`,
  });

/**
 * `column` is one of the values of a JSON array bound as one value: one statement serves any count. PostgreSQL takes
 * them as an array (`= any(array(…))`), which it looks up in the column's index; written `in (subquery)`, its plan
 * guessed a hundred values and hash-joined them against a full scan of the table, a cost that grew with the table
 * (1 ms a statement at 4,000 requests).
 */
export const inJson = (column: Operand, json: Operand, of: 'number' | 'string' = 'number'): SQL =>
  perDialect({ sqlite: sql`${column} in ${valuesOfJson(json, of)}`, pg: sql`${column} = any(array${valuesOfJson(json, of)})` });

/** `column` is none of the values of a JSON array bound as one value (see `inJson`). */
export const notInJson = (column: Operand, json: Operand, of: 'number' | 'string' = 'number'): SQL =>
  perDialect({ sqlite: sql`${column} not in ${valuesOfJson(json, of)}`, pg: sql`${column} <> all(array${valuesOfJson(json, of)})` });

/**
 * `query` (a select) locking the rows it reads until the transaction ends (only those of table `of`, when it joins
 * several): on PostgreSQL FOR NO KEY UPDATE, so a concurrent writer of those rows waits for this transaction, and this
 * one reads their latest committed version (READ COMMITTED re-reads a row it had to wait for). SQLite has one writer
 * at a time and needs no lock.
 */
export const lockingRows = <Q>(query: Q, of?: Table): Q =>
  DIALECT === 'pg' ? (query as unknown as { for(strength: 'no key update', config?: { of: Table }): Q }).for('no key update', of && { of }) : query;
