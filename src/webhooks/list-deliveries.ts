import { and, count, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { webhookDeliveries, webhookEndpoints, WEBHOOK_DELIVERY_STATUSES } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context } from '../context';
import { cursorTag, idOfCursor, PageArgs, toConnection, type Connection } from '../pagination';
import { parseArgs } from '../validation';
import { selectDeliveries, type WebhookDeliveryView } from './delivery-view';

export const ListWebhookDeliveriesInput = PageArgs.extend({
  endpointId: z.number().int().positive().nullish(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).nullish(),
});
export type ListWebhookDeliveriesInput = z.input<typeof ListWebhookDeliveriesInput>;

/** Deliveries to the caller's own endpoints, oldest first, by endpoint or status. */
export async function listWebhookDeliveries({ ctx, input }: { ctx: Context; input: ListWebhookDeliveriesInput }): Promise<Connection<WebhookDeliveryView>> {
  const viewer = requireViewer(ctx);
  const { first, after, endpointId, status } = parseArgs(ListWebhookDeliveriesInput, input);
  const where = and(
    eq(webhookEndpoints.organisationId, viewer.organisationId),
    endpointId ? eq(webhookDeliveries.endpointId, endpointId) : undefined,
    status ? eq(webhookDeliveries.status, status) : undefined,
  );
  const tag = cursorTag('webhookDeliveries', viewer.organisationId, { endpointId, status });
  const afterId = after ? idOfCursor(tag, after) : 0;
  const rows = await selectDeliveries(ctx.db)
    .where(and(where, gt(webhookDeliveries.id, afterId)))
    .orderBy(webhookDeliveries.id)
    .limit(first + 1)
    .all();
  const total = async () => (await ctx.db.select({ n: count() }).from(webhookDeliveries).innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId)).where(where).get())!.n;
  return toConnection(tag, rows, first, (d) => d.id, total, afterId > 0);
}
