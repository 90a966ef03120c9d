import { sql } from 'drizzle-orm';
import { bigint, boolean, check, doublePrecision, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { organisations } from './auth';
import { codedEnum, createdAt, h3Cell, timestampMs } from './columns';
import { complexes } from './complexes';
import { CARGO_CLASS_CODES, codeList, codeOf, LOADING_METHOD_CODES, REQUEST_STATUS_CODES, STORAGE_CLASSES, type StorageClass, UNMATCHED_REASONS, type UnmatchedReason } from '../../schema/enums';
import { LIVE_REQUEST } from '../../schema/demand';

// The PostgreSQL twin of db/schema/demand.ts, where each table and column is described.

export const shipmentRequests = pgTable(
  'shipment_requests',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    shipperOrgId: integer('shipper_org_id')
      .notNull()
      .references(() => organisations.id),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    status: codedEnum(REQUEST_STATUS_CODES)('status').notNull().default(codeOf(REQUEST_STATUS_CODES, 'OPEN')),
    originLat: doublePrecision('origin_lat').notNull(),
    originLng: doublePrecision('origin_lng').notNull(),
    originIsCentre: boolean('origin_is_centre').notNull().default(false),
    originH3R7: h3Cell(7)('origin_h3_r7').notNull(),
    originH3R9: h3Cell(9)('origin_h3_r9').notNull(),
    destinationLat: doublePrecision('destination_lat').notNull(),
    destinationLng: doublePrecision('destination_lng').notNull(),
    destinationIsCentre: boolean('destination_is_centre').notNull().default(false),
    destinationH3R9: h3Cell(9)('destination_h3_r9').notNull(),
    weightKg: integer('weight_kg').notNull(),
    pallets: integer('pallets').notNull(),
    cargoClass: codedEnum(CARGO_CLASS_CODES)('cargo_class').notNull(),
    loadingAtOrigin: codedEnum(LOADING_METHOD_CODES)('loading_at_origin').notNull(),
    loadingAtDestination: codedEnum(LOADING_METHOD_CODES)('loading_at_destination').notNull(),
    pickupFrom: timestampMs('pickup_from').notNull(),
    pickupUntil: timestampMs('pickup_until').notNull(),
    deliverBy: timestampMs('deliver_by').notNull(),
    storagePallets: integer('storage_pallets'),
    storageDays: integer('storage_days'),
    storageClass: text('storage_class', { enum: STORAGE_CLASSES }).$type<StorageClass>(),
    storageSplitAllowed: boolean('storage_split_allowed').notNull().default(false),
    maxPriceKrw: bigint('max_price_krw', { mode: 'number' }),
    notes: text('notes'),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at'),
    cancelledAt: timestampMs('cancelled_at'),
    cancelReason: text('cancel_reason'),
    /**
     * Why the last round that considered the request gave it no offer, and when: cleared when a round offers it.
     * Unchecked by the database (a CHECK would rebuild this, the largest table); only rounds write it.
     */
    unmatchedReason: text('unmatched_reason', { enum: UNMATCHED_REASONS }).$type<UnmatchedReason>(),
    unmatchedAt: timestampMs('unmatched_at'),
    termsChangedAfterOfferId: integer('terms_changed_after_offer_id'),
    /**
     * When the shipper last changed the terms, and which it changed (bits of REQUEST_TERMS, enums.ts):
     * the feed's REQUEST_CHANGED line told again. Null: never changed. Only the last change is kept.
     */
    termsChangedAt: timestampMs('terms_changed_at'),
    termsChanged: integer('terms_changed'),
  },
  (t) => [
    index('requests_shipper_newest').on(t.shipperOrgId, t.id),
    index('requests_complex_newest').on(t.complexId, t.id),
    index('requests_complex_live').on(t.complexId, t.id).where(LIVE_REQUEST),
    index('requests_complex_created').on(t.complexId, t.createdAt),
    // Cancelled, newest first, for a complex's recent activity: written only when a request is cancelled.
    index('requests_complex_cancelled').on(t.complexId, t.cancelledAt).where(sql`status = ${codeOf(REQUEST_STATUS_CODES, 'CANCELLED')}`),
    // Changed, newest first, for a complex's recent activity: written only when a shipper changes its terms.
    index('requests_complex_changed').on(t.complexId, t.termsChangedAt).where(sql`terms_changed_at is not null`),
    index('requests_complex').on(t.complexId, t.status, t.pickupFrom),
    index('requests_complex_area').on(t.complexId, t.status, t.originH3R7),
    index('requests_origin_r7').on(t.originH3R7),
    index('requests_origin_r9').on(t.originH3R9),
    check('requests_status', sql.raw(`status in (${codeList(REQUEST_STATUS_CODES)})`)),
    check('requests_cargo', sql.raw(`cargo_class in (${codeList(CARGO_CLASS_CODES)})`)),
    check('requests_loading', sql.raw(`loading_at_origin in (${codeList(LOADING_METHOD_CODES)}) and loading_at_destination in (${codeList(LOADING_METHOD_CODES)})`)),
    check('requests_size', sql`${t.weightKg} > 0 and ${t.pallets} > 0`),
    check('requests_window', sql`${t.pickupFrom} < ${t.pickupUntil} and ${t.pickupUntil} <= ${t.deliverBy}`),
    check(
      'requests_storage',
      sql`(${t.storagePallets} is null and ${t.storageDays} is null and ${t.storageClass} is null) or (${t.storagePallets} > 0 and ${t.storageDays} > 0 and ${t.storageClass} is not null)`,
    ),
    check('requests_price', sql`${t.maxPriceKrw} is null or ${t.maxPriceKrw} > 0`),
  ],
);
