import { sql } from 'drizzle-orm';
import { bigint, check, customType, doublePrecision, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations } from './auth';
import { codedEnum, createdAt, timestampMs } from './columns';
import { complexes } from './complexes';
import { BOOKING_STATUS_CODES, digestBytes, digestHex, ENDED_BOOKING_CODES, HOLDING_BOOKING_CODES, POD_MEDIA_TYPE_CODES, STEPS_ONLY, TRACKING_EVENT_KIND_CODES } from '../../schema/bookings';
import { codeList, codeOf } from '../../schema/enums';
import { CENTRE_LEGS, OFFER_KIND_CODES, type CentreLeg } from '../../schema/matching';
import { shipmentRequests } from './demand';
import { offers, routes } from './matching';
import { vehicles, warehouseListings } from './supply';

// The PostgreSQL twin of db/schema/bookings.ts, where each table and column is described.

const storage = codeOf(OFFER_KIND_CODES, 'STORAGE');

export const bookings = pgTable(
  'bookings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
    kind: codedEnum(OFFER_KIND_CODES)('kind').notNull(),
    status: codedEnum(BOOKING_STATUS_CODES)('status').notNull().default(codeOf(BOOKING_STATUS_CODES, 'CONFIRMED')),
    vehicleId: integer('vehicle_id').references(() => vehicles.id),
    listingId: integer('listing_id').references(() => warehouseListings.id),
    routeId: integer('route_id').references(() => routes.id),
    centreLeg: text('centre_leg', { enum: CENTRE_LEGS }).$type<CentreLeg>(),
    priceKrw: bigint('price_krw', { mode: 'number' }).notNull(),
    weightKg: integer('weight_kg').notNull(),
    pallets: integer('pallets').notNull(),
    pickupAt: timestampMs('pickup_at'),
    deliverAt: timestampMs('deliver_at'),
    storageFromDay: text('storage_from_day'),
    storageToDay: text('storage_to_day'),
    bookedAt: timestampMs('booked_at').notNull(),
    endedAt: timestampMs('ended_at'),
    endReason: text('end_reason'),
    /** See db/schema/bookings.ts. */
    listingName: text('listing_name'),
    endedByOrgId: integer('ended_by_org_id').references(() => organisations.id),
  },
  (t) => [
    uniqueIndex('bookings_one_transport_per_request')
      .on(t.requestId, sql`coalesce(${t.centreLeg}, '')`)
      .where(sql`kind <> ${storage} and status in (${HOLDING_BOOKING_CODES})`),
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
    check('bookings_leg', sql`(${t.kind} = ${storage}) = (${t.listingId} is not null) and (${t.kind} = ${storage}) = (${t.vehicleId} is null)`),
    check('bookings_size', sql`${t.weightKg} >= 0 and ${t.pallets} > 0 and ${t.priceKrw} >= 0`),
    check('bookings_ended', sql`(${t.status} in (${ENDED_BOOKING_CODES})) = (${t.endedAt} is not null)`),
  ],
);

export const vehicleReservations = pgTable(
  'vehicle_reservations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id),
    vehicleId: integer('vehicle_id')
      .notNull()
      .references(() => vehicles.id),
    startsAt: timestampMs('starts_at').notNull(),
    endsAt: timestampMs('ends_at').notNull(),
    weightKg: integer('weight_kg').notNull(),
    pallets: integer('pallets').notNull(),
    releasedAt: timestampMs('released_at'),
  },
  (t) => [
    // A hold is read by its booking only while held (released on end, moved on extension): no index keeps released
    // ones by booking (bookings are never deleted, so no foreign-key check reads them either).
    uniqueIndex('vehicle_reservations_booking_held').on(t.bookingId).where(sql`released_at is null`),
    index('vehicle_reservations_held').on(t.vehicleId, t.startsAt).where(sql`released_at is null`),
    index('vehicle_reservations_held_until').on(t.vehicleId, t.endsAt).where(sql`released_at is null`),
    check('vehicle_reservations_span', sql`${t.startsAt} < ${t.endsAt}`),
    check('vehicle_reservations_size', sql`${t.weightKg} >= 0 and ${t.pallets} > 0`),
  ],
);

export const listingReservations = pgTable(
  'listing_reservations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id),
    listingId: integer('listing_id')
      .notNull()
      .references(() => warehouseListings.id),
    day: text('day').notNull(),
    pallets: integer('pallets').notNull(),
    releasedAt: timestampMs('released_at'),
  },
  (t) => [
    uniqueIndex('listing_reservations_booking_day').on(t.bookingId, t.day),
    index('listing_reservations_held').on(t.listingId, t.day).where(sql`released_at is null`),
    check('listing_reservations_pallets', sql`${t.pallets} > 0`),
  ],
);

/** A SHA-256 digest in hex as its 32 bytes, as db/schema's sha256Digest. */
const sha256Digest = customType<{ data: string; driverData: Buffer }>({
  dataType: () => 'bytea',
  toDriver: digestBytes,
  fromDriver: digestHex,
});

export const podImages = pgTable(
  'pod_images',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id),
    uploadedByOrgId: integer('uploaded_by_org_id')
      .notNull()
      .references(() => organisations.id),
    mediaType: codedEnum(POD_MEDIA_TYPE_CODES)('media_type').notNull(),
    byteSize: integer('byte_size').notNull(),
    sha256: sha256Digest('sha256').notNull(),
    fileName: text('file_name'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('pod_images_file_name_unique').on(t.fileName).where(sql`file_name is not null`),
    check('pod_images_media_type', sql.raw(`media_type in (${codeList(POD_MEDIA_TYPE_CODES)})`)),
  ],
);

export const proofsOfDelivery = pgTable('proofs_of_delivery', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
  receivedAt: timestampMs('received_at').notNull(),
  createdAt: createdAt(),
});

export const trackingEvents = pgTable(
  'tracking_events',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id),
    requestId: integer('request_id')
      .notNull()
      .references(() => shipmentRequests.id),
    complexId: integer('complex_id').references(() => complexes.id),
    kind: codedEnum(TRACKING_EVENT_KIND_CODES)('kind').notNull(),
    occurredAt: timestampMs('occurred_at').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    note: text('note'),
    reportedByOrgId: integer('reported_by_org_id')
      .notNull()
      .references(() => organisations.id),
    recordedAt: timestampMs('recorded_at').notNull(),
  },
  (t) => [
    // A booking's few events, sorted when read: occurred_at in the index cost 4 MB a year and no read a sort worth it.
    index('tracking_events_booking').on(t.bookingId),
    // Collected once, delivered once: trigger tracking_events_once (migration 0018), by the index above; a unique index cost 13 MB a year.
    // A complex's newest steps, for its recent activity: by id, the order they were recorded in; position reports,
    // which the feed does not tell, left out (a query must spell the condition as written here: STEPS_ONLY).
    index('tracking_events_complex').on(t.complexId, t.id).where(STEPS_ONLY),
    check('tracking_events_kind', sql.raw(`kind in (${codeList(TRACKING_EVENT_KIND_CODES)})`)),
    check('tracking_events_position', sql`${t.lat} between -90 and 90 and ${t.lng} between -180 and 180`),
  ],
);
