import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisations } from './auth';
import { complexes, createdAt } from './complexes';

/** What an endpoint may ask for: the events the GraphQL subscriptions give (src/webhooks/event-types.ts). */
export const WEBHOOK_EVENT_TYPES = ['offer.received', 'offer.withdrawn', 'booking.ended', 'shipment.updated', 'complex.activity'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_ENDPOINT_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type WebhookEndpointStatus = (typeof WEBHOOK_ENDPOINT_STATUSES)[number];

/** PENDING waits for its next attempt; SENDING is claimed by a worker until `nextAttemptAt` (its lease). */
export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'SENDING', 'DELIVERED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** An organisation's receiver of signed event deliveries. */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    url: text('url').notNull(),
    eventTypes: text('event_types', { mode: 'json' }).$type<WebhookEventType[]>().notNull(),
    description: text('description'),
    /**
     * `whsec_` + base64 of 32 random bytes, shown once at creation. Stored as is: HMAC signing needs the
     * key itself (a hash would not do), so the database file must be protected like the keys it holds.
     */
    secret: text('secret').notNull(),
    status: text('status', { enum: WEBHOOK_ENDPOINT_STATUSES }).$type<WebhookEndpointStatus>().notNull().default('ACTIVE'),
    disabledReason: text('disabled_reason'),
    /** The organisation's complex (null for an organisation of none), for the complex's recent activity. */
    complexId: integer('complex_id').references(() => complexes.id),
    /**
     * The last time the worker gave up on it and disabled it, with the failed attempts it counted since when: the
     * operators' feed line (WEBHOOK_ENDPOINT_DISABLED) told again. An owner's pause or enabling leaves them.
     */
    gaveUpAt: integer('gave_up_at', { mode: 'timestamp_ms' }),
    gaveUpFailed: integer('gave_up_failed'),
    gaveUpSince: integer('gave_up_since', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('webhook_endpoints_organisation').on(t.organisationId),
    // Given up on, newest first, for a complex's recent activity: written only when the worker disables an endpoint.
    index('webhook_endpoints_complex_gave_up').on(t.complexId, t.gaveUpAt).where(sql`gave_up_at is not null`),
    check('webhook_endpoints_status', sql`${t.status} in ('ACTIVE','DISABLED')`),
  ],
);

/**
 * The outbox: one row per event, written in the same transaction as the change it reports, so a crash
 * between the commit and the delivery loses nothing. The worker fans each row out to the endpoints of its
 * recipient: one organisation, or the operators of one complex.
 */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The `webhook-id` header and the payload's `id`: receivers drop repeats by it. */
    messageId: text('message_id').notNull().unique(),
    type: text('type', { enum: WEBHOOK_EVENT_TYPES }).$type<WebhookEventType>().notNull(),
    organisationId: integer('organisation_id').references(() => organisations.id),
    complexId: integer('complex_id').references(() => complexes.id),
    /** The JSON body sent, as it was when the change committed. */
    payload: text('payload').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    fannedOutAt: integer('fanned_out_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    // Only the few events not yet fanned out: the worker's one look-up, kept small as the outbox grows.
    index('webhook_events_pending').on(t.id).where(sql`${t.fannedOutAt} is null`),
    // Retention deletes the events fanned out longest ago first (src/retention/prune-webhook-events.ts).
    index('webhook_events_fanned_out').on(t.fannedOutAt),
    check('webhook_events_one_recipient', sql`(${t.organisationId} is null) <> (${t.complexId} is null)`),
  ],
);

/** One event on its way to one endpoint. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).$type<WebhookDeliveryStatus>().notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    /** Start of the current retry window: the first attempt, or the last redelivery request. */
    firstAttemptAt: integer('first_attempt_at', { mode: 'timestamp_ms' }),
    lastAttemptAt: integer('last_attempt_at', { mode: 'timestamp_ms' }),
    lastResponseStatus: integer('last_response_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_endpoint').on(t.endpointId, t.id),
    // An event's deliveries: whether it may be deleted, and the foreign-key check when it is.
    index('webhook_deliveries_event').on(t.eventId),
    check('webhook_deliveries_status', sql`${t.status} in ('PENDING','SENDING','DELIVERED','FAILED')`),
  ],
);

/** Every attempt of a delivery, as it went. */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attemptedAt: integer('attempted_at', { mode: 'timestamp_ms' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    /** The HTTP status, or null when no response came (refused address, timeout, connection error). */
    responseStatus: integer('response_status'),
    /** What went wrong, or the first bytes of a non-2xx response. */
    error: text('error'),
    succeeded: integer('succeeded', { mode: 'boolean' }).notNull(),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId)],
);

export type WebhookEndpointRecord = typeof webhookEndpoints.$inferSelect;
export type WebhookEventRecord = typeof webhookEvents.$inferSelect;
export type WebhookDeliveryRecord = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRecord = typeof webhookAttempts.$inferSelect;
