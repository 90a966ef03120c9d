import type { WebhookEventType as EventType } from '../../db/schema';
import { localIdOf, optionalLocalIdOf, toGlobalId } from '../../src/global-id';
import { createWebhookEndpoint } from '../../src/webhooks/create-endpoint';
import { deleteWebhookEndpoint } from '../../src/webhooks/delete-endpoint';
import { listWebhookAttempts } from '../../src/webhooks/list-attempts';
import { listWebhookDeliveries } from '../../src/webhooks/list-deliveries';
import { listWebhookEndpoints } from '../../src/webhooks/list-endpoints';
import { redeliverWebhook } from '../../src/webhooks/redeliver';
import { updateWebhookEndpoint } from '../../src/webhooks/update-endpoint';
import { eventTypeName } from '../../src/webhooks/event-types';
import type { Resolvers, WebhookEventType } from '../generated/resolvers-types';

/** GraphQL's OFFER_RECEIVED is the payload's `offer.received`. */
const toType = (t: WebhookEventType) => t.toLowerCase().replace('_', '.') as EventType;
const fromType = (t: EventType) => eventTypeName(t) as WebhookEventType;
const endpointId = (id: string, field: string) => localIdOf(id, 'WebhookEndpoint', field);

export const webhookResolvers: Resolvers = {
  Query: {
    webhookEndpoints: (_, __, ctx) => listWebhookEndpoints({ ctx }),
    webhookDeliveries: (_, { endpointId: id, ...page }, ctx) => listWebhookDeliveries({ ctx, input: { ...page, endpointId: optionalLocalIdOf(id, 'WebhookEndpoint', 'endpointId') } }),
  },
  Mutation: {
    webhookEndpointCreate: (_, { input }, ctx) => createWebhookEndpoint({ ctx, input: { ...input, eventTypes: input.eventTypes.map(toType) } }),
    webhookEndpointUpdate: async (_, { input }, ctx) => ({
      endpoint: await updateWebhookEndpoint({ ctx, input: { ...input, id: endpointId(input.id, 'input.id'), eventTypes: input.eventTypes?.map(toType) } }),
    }),
    webhookEndpointDelete: async (_, { input }, ctx) => ({ deletedId: toGlobalId('WebhookEndpoint', await deleteWebhookEndpoint({ ctx, input: { id: endpointId(input.id, 'input.id') } })) }),
    webhookRedeliver: async (_, { input }, ctx) => ({ delivery: await redeliverWebhook({ ctx, input: { deliveryId: localIdOf(input.deliveryId, 'WebhookDelivery', 'input.deliveryId') } }) }),
  },
  WebhookEndpoint: {
    id: (e) => toGlobalId('WebhookEndpoint', e.id),
    eventTypes: (e) => e.eventTypes.map(fromType),
  },
  WebhookDelivery: {
    id: (d) => toGlobalId('WebhookDelivery', d.id),
    endpointId: (d) => toGlobalId('WebhookEndpoint', d.endpointId),
    eventId: (d) => d.messageId,
    eventType: (d) => fromType(d.eventType),
    attemptCount: (d) => d.attempts,
    // SENDING: the claim's lapse, when any instance takes the delivery over should its sender have died.
    nextAttemptAt: (d) => (d.status === 'PENDING' || d.status === 'SENDING' ? d.nextAttemptAt : null),
    attempts: (d, _, ctx) => listWebhookAttempts({ ctx, input: { delivery: d } }),
  },
};
