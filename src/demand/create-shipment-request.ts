import { eq } from 'drizzle-orm';
import { shipmentRequests } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import { getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { idempotent } from '../idempotency';
import { parseInputBeforeRules } from '../validation';
import { recordWebhookEvent } from '../webhooks/record-event';
import { publishRequestActivity, requestActivity } from './activity';
import { checkInContext, refusalIssues } from './request-context';
import { CreateShipmentRequestInput } from './request-input';
import { termColumns, type ShipmentRequestRecord } from './request-record';

export { CreateShipmentRequestInput };

/**
 * MANUFACTURER: posts a shipment request in its complex, OPEN for the next matching round, and tells the
 * complex's feed. A retry with the same idempotency key returns the first request and writes nothing, even a
 * late one that the clock-dependent rules would now refuse (see `idempotent`).
 * @throws ValidationError naming every failing field; ConflictError when the key was used with another input.
 */
export async function createShipmentRequest({ ctx, input }: { ctx: Context; input: CreateShipmentRequestInput }): Promise<ShipmentRequestRecord> {
  const viewer = requireRole(ctx, 'MANUFACTURER');
  const complex = getComplex({ ctx, input: { id: viewer.complexId! } });
  const now = ctx.now();
  // The rules of the clock and the complex run in the idempotent call: a late retry is answered as it was first.
  const { idempotencyKey, ...data } = await parseInputBeforeRules(CreateShipmentRequestInput, input, (fields) => refusalIssues(fields, complex, now));
  const { result: id, fresh } = await idempotent(ctx.db, { organisationId: viewer.organisationId, key: idempotencyKey, operation: 'shipmentRequestCreate', input: data }, async (tx) => {
    const row = (await tx
      .insert(shipmentRequests)
      .values({
        shipperOrgId: viewer.organisationId,
        complexId: complex.id,
        // The service clock, not SQLite's: insights count requests by when they were posted.
        createdAt: now,
        ...termColumns(data, checkInContext(data, complex, now)),
      })
      .returning()
      .get())!;
    await recordWebhookEvent(tx, 'complexActivity', requestActivity(complex.code, 'REQUEST_POSTED', row, now), now);
    return row.id;
  });
  const request = (await ctx.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!;
  if (fresh) publishRequestActivity(ctx, complex.code, 'REQUEST_POSTED', request, now);
  return request;
}
