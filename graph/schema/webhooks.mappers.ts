// Domain records behind the GraphQL types of webhooks.graphql (picked up by scripts/codegen.ts).
import type { WebhookAttemptRecord, WebhookEndpointRecord } from '../../db/schema';
import type { Connection } from '../../src/pagination';
import type { WebhookDeliveryView } from '../../src/webhooks/delivery-view';

export type WebhookEndpointMapper = WebhookEndpointRecord;
export type WebhookDeliveryMapper = WebhookDeliveryView;
export type WebhookAttemptMapper = WebhookAttemptRecord;
export type WebhookDeliveryConnectionMapper = Connection<WebhookDeliveryView>;
