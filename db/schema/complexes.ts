import { sql } from 'drizzle-orm';
import { check, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const createdAt = () =>
  integer('created_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/** A national industrial complex of the smart green programme, with its published figures. */
export const complexes = sqliteTable(
  'complexes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull().unique(),
    nameKo: text('name_ko').notNull(),
    nameEn: text('name_en').notNull(),
    region: text('region').notNull(),
    industries: text('industries', { mode: 'json' }).$type<string[]>().notNull(),
    industriesKo: text('industries_ko').notNull(),
    productionTrillionKrw: real('production_trillion_krw').notNull(),
    employment: integer('employment').notNull(),
    tenantCompanies: integer('tenant_companies').notNull(),
    designatedYear: integer('designated_year').notNull(),
    smartDirection: text('smart_direction').notNull(),
    logisticsPlatform: text('logistics_platform'),
    centroidLat: real('centroid_lat').notNull(),
    centroidLng: real('centroid_lng').notNull(),
    radiusKm: real('radius_km').notNull(),
    /** H3 res-7 cells covering the complex (see src/geo/h3.ts serviceAreaCells). */
    serviceAreaCells: text('service_area_cells', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('complexes_lat', sql`${t.centroidLat} between -90 and 90`),
    check('complexes_lng', sql`${t.centroidLng} between -180 and 180`),
  ],
);

/** The joint logistics centre (공동물류센터) of a complex: one per complex. */
export const logisticsCentres = sqliteTable(
  'logistics_centres',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    complexId: integer('complex_id')
      .notNull()
      .unique()
      .references(() => complexes.id),
    nameKo: text('name_ko').notNull(),
    nameEn: text('name_en').notNull(),
    lat: real('lat').notNull(),
    lng: real('lng').notNull(),
    h3Cell: text('h3_cell').notNull(),
    crossDockPalletsPerDay: integer('cross_dock_pallets_per_day').notNull(),
    handlingFeePerPalletKrw: integer('handling_fee_per_pallet_krw').notNull(),
    /**
     * 사업자등록번호, 10 digits: the centre supplies its handling on shippers' tax invoices. From the programme data
     * (loadProgramme writes it at every start, so a database made before the column has it once started).
     */
    businessRegistrationNumber: text('business_registration_number'),
    /** Local opening hours, `HH:MM` (Asia/Seoul). */
    opensAt: text('opens_at').notNull(),
    closesAt: text('closes_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('centres_capacity', sql`${t.crossDockPalletsPerDay} > 0`),
    check('centres_fee', sql`${t.handlingFeePerPalletKrw} >= 0`),
  ],
);
