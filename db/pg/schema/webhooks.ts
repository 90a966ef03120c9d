import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { organisations } from './auth';
import { createdAt, timestampMs } from './columns';
import {
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_ENDPOINT_STATUSES,
  WEBHOOK_EVENT_TYPES,
  type WebhookDeliveryStatus,
  type WebhookEndpointStatus,
  type WebhookEventType,
} from '../../schema/webhooks';
import { complexes } from './complexes';

// The PostgreSQL twin of db/schema/webhooks.ts, where each table and column is described.

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    url: text('url').notNull(),
    eventTypes: jsonb('event_types').$type<WebhookEventType[]>().notNull(),
    description: text('description'),
    secret: text('secret').notNull(),
    status: text('status', { enum: WEBHOOK_ENDPOINT_STATUSES }).$type<WebhookEndpointStatus>().notNull().default('ACTIVE'),
    disabledReason: text('disabled_reason'),
    complexId: integer('complex_id').references(() => complexes.id),
    gaveUpAt: timestampMs('gave_up_at'),
    gaveUpFailed: integer('gave_up_failed'),
    gaveUpSince: timestampMs('gave_up_since'),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [
    index('webhook_endpoints_organisation').on(t.organisationId),
    // Given up on, newest first, for a complex's recent activity: written only when the worker disables an endpoint.
    index('webhook_endpoints_complex_gave_up').on(t.complexId, t.gaveUpAt).where(sql`gave_up_at is not null`),
    check('webhook_endpoints_status', sql`${t.status} in ('ACTIVE','DISABLED')`),
  ],
);

export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    messageId: text('message_id').notNull().unique(),
    type: text('type', { enum: WEBHOOK_EVENT_TYPES }).$type<WebhookEventType>().notNull(),
    organisationId: integer('organisation_id').references(() => organisations.id),
    complexId: integer('complex_id').references(() => complexes.id),
    payload: text('payload').notNull(),
    createdAt: timestampMs('created_at').notNull(),
    fannedOutAt: timestampMs('fanned_out_at'),
  },
  (t) => [
    index('webhook_events_pending').on(t.id).where(sql`${t.fannedOutAt} is null`),
    index('webhook_events_fanned_out').on(t.fannedOutAt),
    check('webhook_events_one_recipient', sql`(${t.organisationId} is null) <> (${t.complexId} is null)`),
  ],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    eventId: integer('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).$type<WebhookDeliveryStatus>().notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestampMs('next_attempt_at').notNull(),
    firstAttemptAt: timestampMs('first_attempt_at'),
    lastAttemptAt: timestampMs('last_attempt_at'),
    lastResponseStatus: integer('last_response_status'),
    lastError: text('last_error'),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_endpoint').on(t.endpointId, t.id),
    index('webhook_deliveries_event').on(t.eventId),
    check('webhook_deliveries_status', sql`${t.status} in ('PENDING','SENDING','DELIVERED','FAILED')`),
  ],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attemptedAt: timestampMs('attempted_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    responseStatus: integer('response_status'),
    error: text('error'),
    succeeded: boolean('succeeded').notNull(),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId)],
);
