import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIALECT } from '../../db/dialect';
import { webhookEndpoints } from '../../db/schema';
import { NotFoundError } from '../../src/errors';
import { createWebhookEndpoint } from '../../src/webhooks/create-endpoint';
import { updateWebhookEndpoint } from '../../src/webhooks/update-endpoint';
import { ctxAs } from '../helpers/bookings-fixtures';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'webhook-update.db') });
});
afterAll(async () => {
  await server.stop();
  tmp.remove();
});

// The delete lands synchronously inside the update's own steps, which only SQLite's driver allows a test to do.
it.skipIf(DIALECT !== 'sqlite')('answers NOT_FOUND, not a 500, for an endpoint deleted while its update was checked', async () => {
  const ctx = ctxAs(server.db, server.keyOf('OPERATOR'));
  const { endpoint } = await createWebhookEndpoint({ ctx, input: { url: 'https://erp.example.com/hooks', eventTypes: ['complex.activity'] } });
  // Deleted by another request after the update read it, while the new URL was being checked (DNS, in production).
  const racing = { ...ctx, now: () => (server.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id)).run(), new Date()) };
  await expect(updateWebhookEndpoint({ ctx: racing, input: { id: endpoint.id, url: 'https://erp.example.com/moved' } })).rejects.toBeInstanceOf(NotFoundError);
});
