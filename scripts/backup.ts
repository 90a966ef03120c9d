/**
 * npm run backup -- <file>: a consistent copy of the live database through SQLite's online backup API,
 * safe while the service is writing (a plain file copy of a WAL database can tear).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase } from '../db/client';
import { parseEnv } from '../src/env';

const target = process.argv[2];
if (!target) {
  console.error('usage: npm run backup -- <file>');
  process.exit(2);
}
const env = parseEnv();
const db = openDatabase(env.DATABASE_PATH);
mkdirSync(dirname(target), { recursive: true });
const started = Date.now();
await db.$client.backup(target);
db.$client.close();
console.log(`backed up ${env.DATABASE_PATH} to ${target} in ${Date.now() - started} ms`);
