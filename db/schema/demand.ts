import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisations } from './auth';
import { complexes, createdAt } from './complexes';
import { CARGO_CLASS_CODES, codedEnum, codeList, codeOf, h3Cell, LOADING_METHOD_CODES, REQUEST_STATUS_CODES, type RequestStatus, STORAGE_CLASSES, type StorageClass, UNMATCHED_REASONS, type UnmatchedReason } from './enums';

/** A request's status, cargo class and loading methods as stored (codedEnum; migration 0026). */
export const requestStatus = codedEnum(REQUEST_STATUS_CODES);
export const cargoClass = codedEnum(CARGO_CLASS_CODES);
export const loadingMethod = codedEnum(LOADING_METHOD_CODES);

/** Statuses a request leaves (open to in transit): few rows at any time, where history is delivered, expired or cancelled. */
export const LIVE_REQUEST_STATUSES = ['OPEN', 'OFFERED', 'BOOKED', 'PICKED_UP', 'AT_CENTRE', 'IN_TRANSIT'] as const satisfies readonly RequestStatus[];
/** A live request, as the partial index requests_complex_live spells it: a query must spell it the same to use the index. */
export const LIVE_REQUEST = sql.raw(`status in (${LIVE_REQUEST_STATUSES.map((s) => REQUEST_STATUS_CODES[s]).join(', ')})`);

/** A manufacturer's request to move (and optionally store) goods. */
export const shipmentRequests = sqliteTable(
  'shipment_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shipperOrgId: integer('shipper_org_id')
      .notNull()
      .references(() => organisations.id),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    status: requestStatus('status').notNull().default(codeOf(REQUEST_STATUS_CODES, 'OPEN')),
    originLat: real('origin_lat').notNull(),
    originLng: real('origin_lng').notNull(),
    /** True when the origin is the complex's joint logistics centre. */
    originIsCentre: integer('origin_is_centre', { mode: 'boolean' }).notNull().default(false),
    /**
     * The origin's cell at resolutions 7 and 9 (ORIGIN_CELL_COLUMN): the most numerous record stores two of the five,
     * each with its index; a `near` search at 5 or 6 reads the cells at 7 that cover its own, at 8 their parents at 7;
     * a heat map at 5, 6 or 8 counts the finest cells' parents (a cell at 5 and its index cost 12 MB a year). Stored
     * packed (h3Cell, migration 0029): 4 and 6 bytes where the hex took 16, here and in the three indexes on them.
     */
    originH3R7: h3Cell(7)('origin_h3_r7').notNull(),
    originH3R9: h3Cell(9)('origin_h3_r9').notNull(),
    destinationLat: real('destination_lat').notNull(),
    destinationLng: real('destination_lng').notNull(),
    destinationIsCentre: integer('destination_is_centre', { mode: 'boolean' }).notNull().default(false),
    destinationH3R9: h3Cell(9)('destination_h3_r9').notNull(),
    weightKg: integer('weight_kg').notNull(),
    pallets: integer('pallets').notNull(),
    cargoClass: cargoClass('cargo_class').notNull(),
    loadingAtOrigin: loadingMethod('loading_at_origin').notNull(),
    loadingAtDestination: loadingMethod('loading_at_destination').notNull(),
    pickupFrom: integer('pickup_from', { mode: 'timestamp_ms' }).notNull(),
    pickupUntil: integer('pickup_until', { mode: 'timestamp_ms' }).notNull(),
    deliverBy: integer('deliver_by', { mode: 'timestamp_ms' }).notNull(),
    storagePallets: integer('storage_pallets'),
    storageDays: integer('storage_days'),
    storageClass: text('storage_class', { enum: STORAGE_CLASSES }).$type<StorageClass>(),
    storageSplitAllowed: integer('storage_split_allowed', { mode: 'boolean' }).notNull().default(false),
    maxPriceKrw: integer('max_price_krw'),
    notes: text('notes'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
    cancelledAt: integer('cancelled_at', { mode: 'timestamp_ms' }),
    cancelReason: text('cancel_reason'),
    /**
     * Why the last round that considered the request gave it no offer, and when: cleared when a round offers it.
     * Unchecked by the database (a CHECK would rebuild this, the largest table); only rounds write it.
     */
    unmatchedReason: text('unmatched_reason', { enum: UNMATCHED_REASONS }).$type<UnmatchedReason>(),
    unmatchedAt: integer('unmatched_at', { mode: 'timestamp_ms' }),
    /**
     * The last offer made before the shipper last changed the terms (shipmentRequestUpdate; null: never changed): a
     * supplier's no to it or an earlier one (declined, given back) answered old terms, and no longer excludes it.
     */
    termsChangedAfterOfferId: integer('terms_changed_after_offer_id'),
    /**
     * When the shipper last changed the terms, and which it changed (bits of REQUEST_TERMS, enums.ts):
     * the feed's REQUEST_CHANGED line told again. Null: never changed. Only the last change is kept.
     */
    termsChangedAt: integer('terms_changed_at', { mode: 'timestamp_ms' }),
    termsChanged: integer('terms_changed'),
  },
  (t) => [
    // Lists run newest first: these give the scope's rows in id order, so a page reads ~first rows, not the scope.
    index('requests_shipper_newest').on(t.shipperOrgId, t.id),
    index('requests_complex_newest').on(t.complexId, t.id),
    // A list filtered by live statuses: newest first through these few rows, not the complex's every request.
    index('requests_complex_live').on(t.complexId, t.id).where(LIVE_REQUEST),
    // Insights' live days: a period's requests by posting time, not the complex's whole history.
    index('requests_complex_created').on(t.complexId, t.createdAt),
    // Cancelled, newest first, for a complex's recent activity: written only when a request is cancelled.
    index('requests_complex_cancelled').on(t.complexId, t.cancelledAt).where(sql`status = ${codeOf(REQUEST_STATUS_CODES, 'CANCELLED')}`),
    // Changed, newest first, for a complex's recent activity: written only when a shipper changes its terms.
    index('requests_complex_changed').on(t.complexId, t.termsChangedAt).where(sql`terms_changed_at is not null`),
    // Status reads of a complex; by pickup time, the board's order and the expiry check's bound (see expireStaleRequests).
    index('requests_complex').on(t.complexId, t.status, t.pickupFrom),
    // The board's `near`: its open loads by origin area, without reading the rows (see areasWithin).
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
