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
