import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, timestampMs } from './columns';
import { ORGANISATION_ROLES } from '../../schema/auth';
import { complexes } from './complexes';


/** A firm using the exchange: one complex, one role. The platform's own ADMIN organisation has no complex. */
export const organisations = pgTable(
  'organisations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
