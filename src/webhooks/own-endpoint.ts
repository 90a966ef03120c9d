import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { webhookEndpoints, type WebhookEndpointRecord } from '../../db/schema';
import type { Viewer } from '../auth/viewer';
import { NotFoundError } from '../errors';

/**
 * The viewer's own endpoint `id`.
 * @throws NotFoundError for an unknown endpoint or another organisation's: the two look the same.
 */
export function ownEndpoint(db: Pick<Db, 'select'>, viewer: Viewer, id: number): WebhookEndpointRecord {
  const endpoint = db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get();
  if (!endpoint || endpoint.organisationId !== viewer.organisationId) throw new NotFoundError('Webhook endpoint');
  return endpoint;
}
