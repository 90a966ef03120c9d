/** Applies pending migrations to the database (DATABASE_URL, else DATABASE_PATH) (npm run db:migrate). Start-up does this too. */
import { closeDatabase, databaseLabel } from '../db/client';
import { connectOrExit, envOrExit } from './cli';

const env = envOrExit();
await closeDatabase(await connectOrExit(env));
console.log(`migrated ${databaseLabel(env)}`);
