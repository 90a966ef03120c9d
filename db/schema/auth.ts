import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { complexes, createdAt } from './complexes';

export const ORGANISATION_ROLES = ['MANUFACTURER', 'CARRIER', 'WAREHOUSE_OWNER', 'OPERATOR', 'ADMIN'] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];

/** A firm using the exchange: one complex, one role. The platform's own ADMIN organisation has no complex. */
export const organisations = sqliteTable(
  'organisations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    complexId: integer('complex_id').references(() => complexes.id),
    role: text('role', { enum: ORGANISATION_ROLES }).notNull(),
    name: text('name').notNull(),
    /** 사업자등록번호: 10 digits, check digit validated (src/auth/business-number.ts). */
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

/** A person acting for an organisation. */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  organisationId: integer('organisation_id')
    .notNull()
    .references(() => organisations.id),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

/**
 * An API key: shown once at creation, stored as its public prefix (for lookup) and the SHA-256 of the
 * whole key. Keys are 32 random bytes, so a fast hash suffices: there is nothing to brute-force.
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    userId: integer('user_id').references(() => users.id),
    name: text('name').notNull(),
    prefix: text('prefix').notNull().unique(),
    hash: text('hash').notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('api_keys_organisation').on(t.organisationId)],
);
