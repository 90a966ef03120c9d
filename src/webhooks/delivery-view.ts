import { eq, getTableColumns } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookDeliveryRecord, type WebhookEventType } from '../../db/schema';

/** A delivery with what its event says about itself. */
export type WebhookDeliveryView = WebhookDeliveryRecord & { messageId: string; eventType: WebhookEventType; organisationId: number };

/** Deliveries joined to their event and endpoint; callers add where, order and limit. */
export function selectDeliveries(db: Db) {
  return db
    .select({ ...getTableColumns(webhookDeliveries), messageId: webhookEvents.messageId, eventType: webhookEvents.type, organisationId: webhookEndpoints.organisationId })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId));
}
