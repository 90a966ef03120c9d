/** Applies pending migrations to DATABASE_PATH (npm run db:migrate). Start-up does this too. */
import { migrateDatabase, openDatabase } from '../db/client';
import { parseEnv } from '../src/env';

const env = parseEnv();
const db = openDatabase(env.DATABASE_PATH);
migrateDatabase(db);
db.$client.close();
console.log(`migrated ${env.DATABASE_PATH}`);
