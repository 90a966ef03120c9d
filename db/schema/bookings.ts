import { sql } from 'drizzle-orm';
import { check, customType, index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations } from './auth';
import { complexes, createdAt } from './complexes';
import { shipmentRequests } from './demand';
import { codedEnum, codeList, codeOf, codesOf, type Codes } from './enums';
import { CENTRE_LEGS, OFFER_KIND_CODES, offerKind, offers, routes, type CentreLeg } from './matching';
import { vehicles, warehouseListings } from './supply';

export const BOOKING_STATUSES = ['CONFIRMED', 'COMPLETED', 'CANCELLED', 'RETURNED'] as const;
export const TRACKING_EVENT_KINDS = ['PICKED_UP', 'AT_CENTRE', 'DEPARTED_CENTRE', 'IN_TRANSIT', 'DELIVERED', 'EXCEPTION'] as const;
export const POD_MEDIA_TYPES = ['image/jpeg', 'image/png'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export type TrackingEventKind = (typeof TRACKING_EVENT_KINDS)[number];
export type PodMediaType = (typeof POD_MEDIA_TYPES)[number];
/** An event's kind as stored (codedEnum; migration 0024): every delivered booking has one PICKED_UP and one DELIVERED. */
export const TRACKING_EVENT_KIND_CODES = { PICKED_UP: 0, DELIVERED: 1, AT_CENTRE: 2, DEPARTED_CENTRE: 3, IN_TRANSIT: 4, EXCEPTION: 5 } as const satisfies Codes<TrackingEventKind>;
export const trackingEventKind = codedEnum(TRACKING_EVENT_KIND_CODES);
/**
 * A tracking event the activity feed tells: a step, not a truck's position report. A literal, unqualified: partial index
 * tracking_events_complex serves only a query spelling its condition the same way, on tracking_events alone.
 */
export const STEPS_ONLY = sql.raw(`kind <> ${TRACKING_EVENT_KIND_CODES.IN_TRANSIT}`);

/** An image's media type as stored (codedEnum; migration 0028). */
export const POD_MEDIA_TYPE_CODES = { 'image/png': 0, 'image/jpeg': 1 } as const satisfies Codes<PodMediaType>;
export const podMediaType = codedEnum(POD_MEDIA_TYPE_CODES);

/** A booking's status as stored (codedEnum; migration 0025); its kind is an offer's (OFFER_KIND_CODES). */
export const BOOKING_STATUS_CODES = { CONFIRMED: 0, COMPLETED: 1, CANCELLED: 2, RETURNED: 3 } as const satisfies Codes<BookingStatus>;
export const bookingStatus = codedEnum(BOOKING_STATUS_CODES);

/** Statuses that hold capacity or a request: at most one transport booking per request may be in one. */
export const HOLDING_BOOKING_STATUSES = ['CONFIRMED', 'COMPLETED'] as const satisfies readonly BookingStatus[];
/** Their codes as an SQL list, for raw SQL: `status in (${HOLDING_BOOKING_CODES})`. */
export const HOLDING_BOOKING_CODES = codesOf(BOOKING_STATUS_CODES, HOLDING_BOOKING_STATUSES);
/** An ended booking's codes as an SQL list. */
export const ENDED_BOOKING_CODES = codesOf(BOOKING_STATUS_CODES, ['CANCELLED', 'RETURNED']);
const STORAGE_BOOKING = codeOf(OFFER_KIND_CODES, 'STORAGE');

/**
 * An accepted offer: one per offer, so a route has one booking per shipper share (sharing `routeId`). TRANSPORT
 * books the request's transport leg, STORAGE a part of its storage need.
 */
export const bookings = sqliteTable(
  'bookings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    offerId: integer('offer_id')
      .notNull()
      .unique()
      .references(() => offers.id),
    requestId: integer('request_id')
      .notNull()
      .references(() => shipmentRequests.id),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    shipperOrgId: integer('shipper_org_id')
      .notNull()
      .references(() => organisations.id),
    supplierOrgId: integer('supplier_org_id')
      .notNull()
      .references(() => organisations.id),
    kind: offerKind('kind').notNull(),
    status: bookingStatus('status').notNull().default(codeOf(BOOKING_STATUS_CODES, 'CONFIRMED')),
    vehicleId: integer('vehicle_id').references(() => vehicles.id),
    listingId: integer('listing_id').references(() => warehouseListings.id),
    routeId: integer('route_id').references(() => routes.id),
    /** The leg of a request through the centre this booking carries (null: all the way). */
    centreLeg: text('centre_leg', { enum: CENTRE_LEGS }).$type<CentreLeg>(),
    priceKrw: integer('price_krw').notNull(),
    weightKg: integer('weight_kg').notNull(),
    pallets: integer('pallets').notNull(),
    pickupAt: integer('pickup_at', { mode: 'timestamp_ms' }),
    deliverAt: integer('deliver_at', { mode: 'timestamp_ms' }),
    /** Inclusive storage stay, `YYYY-MM-DD` (Asia/Seoul). */
    storageFromDay: text('storage_from_day'),
    storageToDay: text('storage_to_day'),
    bookedAt: integer('booked_at', { mode: 'timestamp_ms' }).notNull(),
    endedAt: integer('ended_at', { mode: 'timestamp_ms' }),
    /** Why it was cancelled or given back. */
    endReason: text('end_reason'),
    /**
     * A stay's listing's name when it was booked, written when the listing is renamed (updateListing); null while the
     * listing still has that name. A statement's line names what was booked, not what the space is called today.
     */
    listingName: text('listing_name'),
    endedByOrgId: integer('ended_by_org_id').references(() => organisations.id),
  },
  (t) => [
    // A request's transport leg is booked at most once, whatever the code above does (through the centre: each leg).
    uniqueIndex('bookings_one_transport_per_request')
      .on(t.requestId, sql`coalesce(${t.centreLeg}, '')`)
      .where(sql`kind <> ${STORAGE_BOOKING} and status in (${HOLDING_BOOKING_CODES})`),
    index('bookings_request').on(t.requestId),
    // A party's list newest first, in id order (by status first, a page sorted the party's every booking); status for its filter.
    index('bookings_shipper').on(t.shipperOrgId, t.id, t.status),
    index('bookings_supplier').on(t.supplierOrgId, t.id, t.status),
    // By booking time too: a complex's newest bookings of a status, for its recent activity (src/complexes/recent-activity.ts).
    index('bookings_complex').on(t.complexId, t.status, t.bookedAt),
    // An operator's list in id order (bookings_complex sorted a complex's every booking for a page), status for its filter.
    index('bookings_complex_newest').on(t.complexId, t.id, t.status),
    // Given back, newest first: written only when a booking is given back.
    index('bookings_complex_returned').on(t.complexId, t.endedAt).where(sql`status = ${codeOf(BOOKING_STATUS_CODES, 'RETURNED')}`),
    index('bookings_route').on(t.routeId),
    // A round reads what each truck is booked to drive from today on (MATCHING_DAILY_DRIVING_HOURS caps its day).
    index('bookings_vehicle_pickup').on(t.vehicleId, t.pickupAt).where(sql`vehicle_id is not null`),
    check('bookings_kind', sql.raw(`kind in (${codeList(OFFER_KIND_CODES)})`)),
    check('bookings_status', sql.raw(`status in (${codeList(BOOKING_STATUS_CODES)})`)),
    check('bookings_leg', sql`(${t.kind} = ${STORAGE_BOOKING}) = (${t.listingId} is not null) and (${t.kind} = ${STORAGE_BOOKING}) = (${t.vehicleId} is null)`),
    check('bookings_size', sql`${t.weightKg} >= 0 and ${t.pallets} > 0 and ${t.priceKrw} >= 0`),
    check('bookings_ended', sql`(${t.status} in (${ENDED_BOOKING_CODES})) = (${t.endedAt} is not null)`),
  ],
);

/**
 * Capacity a transport booking holds on a vehicle over [startsAt, endsAt). Rows are never changed except to
 * release them; a BEFORE INSERT trigger (migration booking_invariants) refuses a row that would take the
 * vehicle over its payload or pallet slots at any instant. An accepted route extension moves a booking's span by
 * releasing its row and inserting a new one (so the trigger checks the new span): one held row per booking.
 */
export const vehicleReservations = sqliteTable(
  'vehicle_reservations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id),
    vehicleId: integer('vehicle_id')
      .notNull()
      .references(() => vehicles.id),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }).notNull(),
    weightKg: integer('weight_kg').notNull(),
    pallets: integer('pallets').notNull(),
    releasedAt: integer('released_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    // A hold is read by its booking only while held (released on end, moved on extension): no index keeps released
    // ones by booking (bookings are never deleted, so no foreign-key check reads them either).
    uniqueIndex('vehicle_reservations_booking_held').on(t.bookingId).where(sql`released_at is null`),
    index('vehicle_reservations_held').on(t.vehicleId, t.startsAt).where(sql`released_at is null`),
    // A round reads what each vehicle still holds from now on; completed bookings keep their rows for good.
    index('vehicle_reservations_held_until').on(t.vehicleId, t.endsAt).where(sql`released_at is null`),
    check('vehicle_reservations_span', sql`${t.startsAt} < ${t.endsAt}`),
    check('vehicle_reservations_size', sql`${t.weightKg} >= 0 and ${t.pallets} > 0`),
  ],
);

/**
 * Pallets a storage booking holds in a listing on one day (one row per day of the stay). A BEFORE INSERT
 * trigger refuses a row that would reserve more than the listing's idle pallets on that day.
 */
export const listingReservations = sqliteTable(
  'listing_reservations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id),
    listingId: integer('listing_id')
      .notNull()
      .references(() => warehouseListings.id),
    /** `YYYY-MM-DD` (Asia/Seoul). */
    day: text('day').notNull(),
    pallets: integer('pallets').notNull(),
    releasedAt: integer('released_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('listing_reservations_booking_day').on(t.bookingId, t.day),
    index('listing_reservations_held').on(t.listingId, t.day).where(sql`released_at is null`),
    check('listing_reservations_pallets', sql`${t.pallets} > 0`),
  ],
);

/** A SHA-256 digest in hex as its 32 bytes (both databases store the bytes): half the size of the hex text. */
export const digestBytes = (hex: string): Buffer => {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('not a SHA-256 digest in lower-case hex');
  return Buffer.from(hex, 'hex');
};
export const digestHex = (bytes: Buffer): string => Buffer.from(bytes).toString('hex');
const sha256Digest = customType<{ data: string; driverData: Buffer }>({
  dataType: () => 'blob',
  toDriver: digestBytes,
  fromDriver: digestHex,
});

/** An image a carrier uploaded as proof of delivery; the file lives under POD_STORAGE_DIR. */
export const podImages = sqliteTable(
  'pod_images',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id),
    uploadedByOrgId: integer('uploaded_by_org_id')
      .notNull()
      .references(() => organisations.id),
    mediaType: podMediaType('media_type').notNull(),
    byteSize: integer('byte_size').notNull(),
    sha256: sha256Digest('sha256').notNull(),
    /**
     * File name inside POD_STORAGE_DIR of an image stored before images were named by id (a UUID); null for the
     * others, whose file is `<id>.<extension>` (src/tracking/pod-image-type.ts): 30 MB a year less.
     */
    fileName: text('file_name'),
    createdAt: createdAt(),
  },
  // No index by booking: images are read by id (a proof names its image).
  (t) => [
    uniqueIndex('pod_images_file_name_unique').on(t.fileName).where(sql`file_name is not null`),
    check('pod_images_media_type', sql.raw(`media_type in (${codeList(POD_MEDIA_TYPE_CODES)})`)),
  ],
);

/** Who received the goods, when, and the photo or signature: written in the DELIVERED event's transaction. */
export const proofsOfDelivery = sqliteTable('proofs_of_delivery', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  bookingId: integer('booking_id')
    .notNull()
    .unique()
    .references(() => bookings.id),
  /**
   * An image uploaded for this very booking (trigger proofs_of_delivery_image_of_booking, migration 0021): with one
   * proof per booking, so one proof per image, without a unique index on it (3.5 MB a year).
   */
  imageId: integer('image_id')
    .notNull()
    .references(() => podImages.id),
  receiverName: text('receiver_name').notNull(),
  receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  createdAt: createdAt(),
});

/** What the carrier reported about a transport booking. */
export const trackingEvents = sqliteTable(
  'tracking_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id),
    requestId: integer('request_id')
      .notNull()
      .references(() => shipmentRequests.id),
    /** The booking's complex, for a complex's recent activity: filled on insert (migration 0040 filled the older rows). */
    complexId: integer('complex_id').references(() => complexes.id),
    kind: trackingEventKind('kind').notNull(),
    occurredAt: integer('occurred_at', { mode: 'timestamp_ms' }).notNull(),
    lat: real('lat').notNull(),
    lng: real('lng').notNull(),
    note: text('note'),
    reportedByOrgId: integer('reported_by_org_id')
      .notNull()
      .references(() => organisations.id),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    // A booking's few events, sorted when read: occurred_at in the index cost 4 MB a year and no read a sort worth it.
    index('tracking_events_booking').on(t.bookingId),
    // Collected once, delivered once: trigger tracking_events_once (migration 0018), by the index above; a unique index cost 13 MB a year.
    // A complex's newest steps, for its recent activity: SQLite keeps the rowid in an index, so (complex_id) alone
    // orders them by id, the order they were recorded in, at half the size with recorded_at and kind (12 MB a year).
    // Position reports, which the feed does not tell, left out (a query must spell the condition as written: STEPS_ONLY).
    index('tracking_events_complex').on(t.complexId).where(STEPS_ONLY),
    check('tracking_events_kind', sql.raw(`kind in (${codeList(TRACKING_EVENT_KIND_CODES)})`)),
    check('tracking_events_position', sql`${t.lat} between -90 and 90 and ${t.lng} between -180 and 180`),
  ],
);
