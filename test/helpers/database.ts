import { migrateDatabase, openDatabase, type Db } from '../../db/client';
import { DIALECT } from '../../db/dialect';
import { freshDatabase } from '../pg/helpers/database';

export interface TestDb {
  db: Db;
  /** Closes it (and drops it on PostgreSQL). */
  close(): Promise<void>;
}

/** A migrated, empty database for a test of the domain: in memory on SQLite, a fresh one of the cluster under `npm run test:pg`. */
export async function testDatabase(): Promise<TestDb> {
  if (DIALECT === 'pg') {
    const fresh = await freshDatabase();
    return { db: fresh.db as unknown as Db, close: fresh.drop };
  }
  const db = openDatabase(':memory:');
  migrateDatabase(db);
  return {
    db,
    close: async () => {
      db.$client.close();
    },
  };
}
