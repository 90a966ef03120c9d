import { pgPoolOf, type Db } from '../../db/client';
import { DIALECT } from '../../db/dialect';

/** The rows of raw SQL that both databases read alike (tests' checks written in SQL, independent of drizzle). */
export async function rowsOf<T = Record<string, unknown>>(db: Db, query: string, params: unknown[] = []): Promise<T[]> {
  if (DIALECT === 'sqlite') return db.$client.prepare(query).all(...params) as T[];
  return (await pgPoolOf(db).query(query.replace(/\?/g, (_, i: number) => `$${query.slice(0, i).split('?').length}`), params)).rows as T[];
}
