import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations } from './auth';
import { complexes, createdAt } from './complexes';
import { BODY_TYPES, inList, LISTING_STATUSES, STORAGE_CLASSES, TONNAGE_CLASSES, VEHICLE_STATUSES, type BodyType, type ListingStatus, type StorageClass, type TonnageClass, type VehicleStatus } from './enums';

/** H3 cells of a location at the stored resolutions (src/geo/h3.ts STORED_RESOLUTIONS), each indexed for `near`. */
const h3Columns = () => ({
  h3R5: text('h3_r5').notNull(),
  h3R6: text('h3_r6').notNull(),
  h3R7: text('h3_r7').notNull(),
  h3R8: text('h3_r8').notNull(),
  h3R9: text('h3_r9').notNull(),
});

/** Idle warehouse space offered by a WAREHOUSE_OWNER. */
export const warehouseListings = sqliteTable(
  'warehouse_listings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ownerOrgId: integer('owner_org_id')
      .notNull()
      .references(() => organisations.id),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    name: text('name').notNull(),
    status: text('status', { enum: LISTING_STATUSES }).$type<ListingStatus>().notNull().default('ACTIVE'),
    lat: real('lat').notNull(),
    lng: real('lng').notNull(),
    ...h3Columns(),
    storageClass: text('storage_class', { enum: STORAGE_CLASSES }).$type<StorageClass>().notNull(),
    totalPallets: integer('total_pallets').notNull(),
    pricePerPalletDayKrw: integer('price_per_pallet_day_krw').notNull(),
    minDays: integer('min_days').notNull().default(1),
    hasForklift: integer('has_forklift', { mode: 'boolean' }).notNull().default(false),
    hasDock: integer('has_dock', { mode: 'boolean' }).notNull().default(false),
    /** Local opening hours, `HH:MM` (Asia/Seoul). */
    opensAt: text('opens_at').notNull(),
    closesAt: text('closes_at').notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('listings_owner').on(t.ownerOrgId),
    index('listings_complex').on(t.complexId, t.status),
    // Withdrawn, newest first, for a complex's recent activity: a withdrawn listing changes no more, so its updated_at
    // is its withdrawal.
    index('listings_complex_withdrawn').on(t.complexId, t.updatedAt).where(sql`status = 'WITHDRAWN'`),
    index('listings_r5').on(t.h3R5),
    index('listings_r6').on(t.h3R6),
    index('listings_r7').on(t.h3R7),
    index('listings_r8').on(t.h3R8),
    index('listings_r9').on(t.h3R9),
    check('listings_status', sql.raw(`status in (${inList(LISTING_STATUSES)})`)),
    check('listings_storage_class', sql.raw(`storage_class in (${inList(STORAGE_CLASSES)})`)),
    check('listings_pallets', sql`${t.totalPallets} > 0`),
    check('listings_price', sql`${t.pricePerPalletDayKrw} >= 0`),
    check('listings_min_days', sql`${t.minDays} >= 1`),
  ],
);

/** A date range (inclusive, `YYYY-MM-DD` in Asia/Seoul) during which a listing has idle pallet positions. */
export const listingAvailability = sqliteTable(
  'listing_availability',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    listingId: integer('listing_id')
      .notNull()
      .references(() => warehouseListings.id, { onDelete: 'cascade' }),
    fromDay: text('from_day').notNull(),
    toDay: text('to_day').notNull(),
    idlePallets: integer('idle_pallets').notNull(),
  },
  (t) => [
    index('listing_availability_listing').on(t.listingId, t.fromDay),
    // A round finds the listings with idle days ahead from their windows, not from every listing ever made.
    index('listing_availability_ends').on(t.toDay),
    check('listing_availability_order', sql`${t.fromDay} <= ${t.toDay}`),
    check('listing_availability_pallets', sql`${t.idlePallets} > 0`),
  ],
);

/** A carrier's truck. */
export const vehicles = sqliteTable(
  'vehicles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    carrierOrgId: integer('carrier_org_id')
      .notNull()
      .references(() => organisations.id),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    plateNumber: text('plate_number').notNull(),
    status: text('status', { enum: VEHICLE_STATUSES }).$type<VehicleStatus>().notNull().default('ACTIVE'),
    tonnageClass: text('tonnage_class', { enum: TONNAGE_CLASSES }).$type<TonnageClass>().notNull(),
    payloadKg: integer('payload_kg').notNull(),
    palletSlots: integer('pallet_slots').notNull(),
    bodyType: text('body_type', { enum: BODY_TYPES }).$type<BodyType>().notNull(),
    hazmatCertified: integer('hazmat_certified', { mode: 'boolean' }).notNull().default(false),
    baseFeeKrw: integer('base_fee_krw').notNull(),
    perKmKrw: integer('per_km_krw').notNull(),
    // registerVehicle always sets these (the class default when not given); 0 only lets SQLite add the columns,
    // and migration 0008 sets the rows it found to their class's default.
    perStopFeeKrw: integer('per_stop_fee_krw').notNull().default(0),
    waitingFeePerHourKrw: integer('waiting_fee_per_hour_krw').notNull().default(0),
    lat: real('lat').notNull(),
    lng: real('lng').notNull(),
    ...h3Columns(),
    /** When it was retired (null while in service, and for vehicles retired before migration 0040). */
    retiredAt: integer('retired_at', { mode: 'timestamp_ms' }),
    /** Why, when whoever retired it said (required of the complex's operator). */
    retiredReason: text('retired_reason'),
    /** Whether the complex's operator retired it rather than its carrier (a plate registered by someone else, a dispute). */
    retiredByOperator: integer('retired_by_operator', { mode: 'boolean' }).notNull().default(false),
    locationUpdatedAt: integer('location_updated_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // One vehicle in service per plate: a retired one keeps its plate (its bookings name it) and the truck, sold on,
    // may be registered again.
    uniqueIndex('vehicles_plate_in_service').on(t.plateNumber).where(sql`status = 'ACTIVE'`),
    index('vehicles_carrier').on(t.carrierOrgId),
    index('vehicles_complex').on(t.complexId, t.status),
    // Retired, newest first, for a complex's recent activity: written only when a vehicle is retired.
    index('vehicles_complex_retired').on(t.complexId, t.retiredAt).where(sql`retired_at is not null`),
    index('vehicles_r5').on(t.h3R5),
    index('vehicles_r6').on(t.h3R6),
    index('vehicles_r7').on(t.h3R7),
    index('vehicles_r8').on(t.h3R8),
    index('vehicles_r9').on(t.h3R9),
    check('vehicles_status', sql.raw(`status in (${inList(VEHICLE_STATUSES)})`)),
    check('vehicles_class', sql.raw(`tonnage_class in (${inList(TONNAGE_CLASSES)})`)),
    check('vehicles_body', sql.raw(`body_type in (${inList(BODY_TYPES)})`)),
    check('vehicles_capacity', sql`${t.payloadKg} > 0 and ${t.palletSlots} > 0`),
    check('vehicles_rates', sql`${t.baseFeeKrw} >= 0 and ${t.perKmKrw} >= 0`),
  ],
);

/** A time span (epoch ms, end exclusive) when a vehicle is free to take loads. */
export const vehicleAvailability = sqliteTable(
  'vehicle_availability',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    vehicleId: integer('vehicle_id')
      .notNull()
      .references(() => vehicles.id, { onDelete: 'cascade' }),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }).notNull(),
  },
  // By end: a round reads the windows not over yet, however many past ones the vehicle has.
  (t) => [index('vehicle_availability_vehicle').on(t.vehicleId, t.endsAt), check('vehicle_availability_order', sql`${t.startsAt} < ${t.endsAt}`)],
);

