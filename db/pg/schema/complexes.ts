import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';

// The PostgreSQL twin of db/schema/complexes.ts, where each table and column is described.

export const complexes = pgTable(
  'complexes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull().unique(),
    nameKo: text('name_ko').notNull(),
    nameEn: text('name_en').notNull(),
    region: text('region').notNull(),
    industries: jsonb('industries').$type<string[]>().notNull(),
    industriesKo: text('industries_ko').notNull(),
    productionTrillionKrw: doublePrecision('production_trillion_krw').notNull(),
    employment: integer('employment').notNull(),
    tenantCompanies: integer('tenant_companies').notNull(),
    designatedYear: integer('designated_year').notNull(),
    smartDirection: text('smart_direction').notNull(),
    logisticsPlatform: text('logistics_platform'),
    centroidLat: doublePrecision('centroid_lat').notNull(),
    centroidLng: doublePrecision('centroid_lng').notNull(),
    radiusKm: doublePrecision('radius_km').notNull(),
    serviceAreaCells: jsonb('service_area_cells').$type<string[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('complexes_lat', sql`${t.centroidLat} between -90 and 90`),
    check('complexes_lng', sql`${t.centroidLng} between -180 and 180`),
  ],
);

export const logisticsCentres = pgTable(
  'logistics_centres',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    complexId: integer('complex_id')
      .notNull()
      .unique()
      .references(() => complexes.id),
    nameKo: text('name_ko').notNull(),
    nameEn: text('name_en').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    h3Cell: text('h3_cell').notNull(),
    crossDockPalletsPerDay: integer('cross_dock_pallets_per_day').notNull(),
    handlingFeePerPalletKrw: bigint('handling_fee_per_pallet_krw', { mode: 'number' }).notNull(),
    businessRegistrationNumber: text('business_registration_number'),
    opensAt: text('opens_at').notNull(),
    closesAt: text('closes_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('centres_capacity', sql`${t.crossDockPalletsPerDay} > 0`),
    check('centres_fee', sql`${t.handlingFeePerPalletKrw} >= 0`),
  ],
);
