import { sql } from 'drizzle-orm';
import { customType } from 'drizzle-orm/pg-core';
import { cellCodec, codec, type Codes } from '../../schema/enums';

/**
 * An instant as bigint epoch milliseconds, read as a Date: the same stored value as SQLite's `timestamp_ms`, so that
 * raw SQL comparing or subtracting instants (`ends_at > $1`, `/ 1000`) reads alike on both databases.
 */
export const timestampMs = customType<{ data: Date; driverData: string | number }>({
  dataType: () => 'bigint',
  toDriver: (value) => value.getTime(),
  // node-postgres returns int8 as a string (it may exceed 2^53); epoch ms do not.
  fromDriver: (value) => new Date(Number(value)),
});

/** Insert time, as SQLite's `unixepoch('subsec') * 1000`: the statement's start, not the transaction's. */
export const createdAt = () =>
  timestampMs('created_at')
    .notNull()
    .default(sql`(extract(epoch from statement_timestamp()) * 1000)::bigint`);

/** A column of value set `codes` stored as its codes, as SQLite's codedEnum (db/schema/enums.ts) stores them. */
export function codedEnum<T extends string>(codes: Codes<T>) {
  const { toCode, toValue } = codec(codes);
  return customType<{ data: T; driverData: number }>({ dataType: () => 'smallint', toDriver: toCode, fromDriver: toValue });
}

/** A column of H3 cells of resolution `res`, stored packed as SQLite's h3Cell stores them: 28 bits at 7 fit an integer. */
export function h3Cell(res: number) {
  const { pack, unpack } = cellCodec(res);
  return customType<{ data: string; driverData: number | string }>({ dataType: () => (res <= 7 ? 'integer' : 'bigint'), toDriver: pack, fromDriver: (packed) => unpack(Number(packed)) });
}
