import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { organisations } from './auth';
import { createdAt } from './columns';

/**
 * One row per (organisation, idempotency key): written in the same transaction as the effect it
 * guards, so a retry finds the first outcome and never repeats the effect.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    key: text('key').notNull(),
    /** The mutation the key was first used for; the same key on another mutation is a conflict. */
    operation: text('operation').notNull(),
    /** Hash of the first input; the same key with a different input is a conflict. */
    fingerprint: text('fingerprint').notNull(),
    /** The first outcome, as the domain function returned it (ids, never secrets). */
    result: jsonb('result').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.organisationId, t.key] }),
    // Retention deletes the oldest keys first (src/retention/prune-idempotency-keys.ts).
    index('idempotency_keys_created').on(t.createdAt),
  ],
);
