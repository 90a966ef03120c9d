import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, timestampMs } from './columns';
import { ORGANISATION_ROLES } from '../../schema/auth';
import { complexes } from './complexes';

// The PostgreSQL twin of db/schema/auth.ts, where each table and column is described.

export const organisations = pgTable(
  'organisations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    complexId: integer('complex_id').references(() => complexes.id),
    role: text('role', { enum: ORGANISATION_ROLES }).notNull(),
    name: text('name').notNull(),
    businessRegistrationNumber: text('business_registration_number').notNull().unique(),
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    createdAt: createdAt(),
  },
  (t) => [
    index('organisations_complex').on(t.complexId, t.role),
    check('organisations_role', sql`${t.role} in ('MANUFACTURER','CARRIER','WAREHOUSE_OWNER','OPERATOR','ADMIN')`),
    check('organisations_complex_required', sql`(${t.role} = 'ADMIN') = (${t.complexId} is null)`),
    check('organisations_brn', sql`length(${t.businessRegistrationNumber}) = 10`),
  ],
);

export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  organisationId: integer('organisation_id')
    .notNull()
    .references(() => organisations.id),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    userId: integer('user_id').references(() => users.id),
    name: text('name').notNull(),
    prefix: text('prefix').notNull().unique(),
    hash: text('hash').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestampMs('last_used_at'),
    revokedAt: timestampMs('revoked_at'),
  },
  (t) => [index('api_keys_organisation').on(t.organisationId)],
);
