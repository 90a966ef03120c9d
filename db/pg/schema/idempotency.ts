import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { organisations } from './auth';
import { createdAt } from './columns';

// The PostgreSQL twin of db/schema/idempotency.ts, where each table and column is described.

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    key: text('key').notNull(),
    operation: text('operation').notNull(),
    fingerprint: text('fingerprint').notNull(),
    result: jsonb('result').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.organisationId, t.key] }),
    index('idempotency_keys_created').on(t.createdAt),
  ],
);
