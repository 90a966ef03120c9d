import { count, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';

/** Rows of `table` matching `where`. */
export async function countRows(db: Db, table: SQLiteTable, where?: SQL): Promise<number> {
  return (await db.select({ n: count() }).from(table).where(where).get())!.n;
}
