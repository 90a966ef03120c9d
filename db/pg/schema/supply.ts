import { sql } from 'drizzle-orm';
import { bigint, boolean, check, doublePrecision, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations } from './auth';
import { createdAt, timestampMs } from './columns';
import { complexes } from './complexes';
import { BODY_TYPES, inList, LISTING_STATUSES, STORAGE_CLASSES, TONNAGE_CLASSES, VEHICLE_STATUSES, type BodyType, type ListingStatus, type StorageClass, type TonnageClass, type VehicleStatus } from '../../schema/enums';

// The PostgreSQL twin of db/schema/supply.ts, where each table and column is described.

const h3Columns = () => ({
  h3R5: text('h3_r5').notNull(),
  h3R6: text('h3_r6').notNull(),
  h3R7: text('h3_r7').notNull(),
  h3R8: text('h3_r8').notNull(),
  h3R9: text('h3_r9').notNull(),
});

export const warehouseListings = pgTable(
  'warehouse_listings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    ownerOrgId: integer('owner_org_id')
      .notNull()
      .references(() => organisations.id),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    name: text('name').notNull(),
    status: text('status', { enum: LISTING_STATUSES }).$type<ListingStatus>().notNull().default('ACTIVE'),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    ...h3Columns(),
    storageClass: text('storage_class', { enum: STORAGE_CLASSES }).$type<StorageClass>().notNull(),
    totalPallets: integer('total_pallets').notNull(),
    pricePerPalletDayKrw: bigint('price_per_pallet_day_krw', { mode: 'number' }).notNull(),
    minDays: integer('min_days').notNull().default(1),
    hasForklift: boolean('has_forklift').notNull().default(false),
    hasDock: boolean('has_dock').notNull().default(false),
    opensAt: text('opens_at').notNull(),
    closesAt: text('closes_at').notNull(),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at'),
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

export const listingAvailability = pgTable(
  'listing_availability',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    listingId: integer('listing_id')
      .notNull()
      .references(() => warehouseListings.id, { onDelete: 'cascade' }),
    fromDay: text('from_day').notNull(),
    toDay: text('to_day').notNull(),
    idlePallets: integer('idle_pallets').notNull(),
  },
  (t) => [
    index('listing_availability_listing').on(t.listingId, t.fromDay),
    index('listing_availability_ends').on(t.toDay),
    check('listing_availability_order', sql`${t.fromDay} <= ${t.toDay}`),
    check('listing_availability_pallets', sql`${t.idlePallets} > 0`),
  ],
);

export const vehicles = pgTable(
  'vehicles',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
    hazmatCertified: boolean('hazmat_certified').notNull().default(false),
    baseFeeKrw: bigint('base_fee_krw', { mode: 'number' }).notNull(),
    perKmKrw: bigint('per_km_krw', { mode: 'number' }).notNull(),
    perStopFeeKrw: bigint('per_stop_fee_krw', { mode: 'number' }).notNull().default(0),
    waitingFeePerHourKrw: bigint('waiting_fee_per_hour_krw', { mode: 'number' }).notNull().default(0),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    ...h3Columns(),
    retiredAt: timestampMs('retired_at'),
    retiredReason: text('retired_reason'),
    retiredByOperator: boolean('retired_by_operator').notNull().default(false),
    locationUpdatedAt: timestampMs('location_updated_at').notNull(),
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

export const vehicleAvailability = pgTable(
  'vehicle_availability',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    vehicleId: integer('vehicle_id')
      .notNull()
      .references(() => vehicles.id, { onDelete: 'cascade' }),
    startsAt: timestampMs('starts_at').notNull(),
    endsAt: timestampMs('ends_at').notNull(),
  },
  (t) => [index('vehicle_availability_vehicle').on(t.vehicleId, t.endsAt), check('vehicle_availability_order', sql`${t.startsAt} < ${t.endsAt}`)],
);

