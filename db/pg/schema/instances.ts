import { bigint, bigserial, doublePrecision, index, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';

// PostgreSQL only: what several instances of the service share through the database. SQLite runs one instance and
// keeps these in memory, so they have no twin in db/schema (the drift test knows this file).

/**
 * Rate-limit token buckets shared by every instance (src/auth/rate-limiter-pg.ts). `tokens` is the level after the
 * last take, minus that take: a negative value is a refused take's shortfall (the level was `tokens + 1`). A bucket
 * idle for a minute is full again, so such rows are deleted. UNLOGGED (migration 0021, which drizzle does not model):
 * a take commits without waiting for the log's flush, and after a crash every bucket starts full.
 */
export const rateLimitBuckets = pgTable('rate_limit_buckets', {
  id: text('id').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  /** Epoch ms of the last take. */
  at: bigint('at', { mode: 'number' }).notNull(),
});

/**
 * Publications too large for a NOTIFY payload (8000 bytes): the notification carries the row's id and each
 * instance's listener reads it (src/pubsub-pg.ts). Publishers delete rows older than a minute.
 */
export const pubsubPayloads = pgTable(
  'pubsub_payloads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    payload: text('payload').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('pubsub_payloads_created').on(t.createdAt)],
);
