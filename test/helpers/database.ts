import { migrateDatabase, openDatabase, type Db } from '../../db/client';
import { DIALECT } from '../../db/dialect';
import { freshDatabase } from '../pg/helpers/database';

export interface TestDb {
  db: Db;
  /** Its PostgreSQL URL under `npm run test:pg`, else undefined. */
  url: string | undefined;
  /** Closes it (and drops it on PostgreSQL). */
  close(): Promise<void>;
}

/**
 * A migrated database of a test's own: the SQLite file at `path` (in memory by default), or under `npm run test:pg` a
 * fresh database of the cluster (`path` then unused).
 */
export async function testDatabase(path = ':memory:'): Promise<TestDb> {
  if (DIALECT === 'pg') {
    const fresh = await freshDatabase();
    return { db: fresh.db as unknown as Db, url: fresh.url, close: fresh.drop };
  }
  const db = openDatabase(path);
  migrateDatabase(db);
  return {
    db,
    url: undefined,
    close: async () => {
      db.$client.close();
    },
  };
}
