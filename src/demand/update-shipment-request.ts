import { and, eq } from 'drizzle-orm';
import { shipmentRequests } from '../../db/schema';
import { lockingRows } from '../../db/sql';
import { requireRole } from '../auth/authorize';
import { getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { idempotent } from '../idempotency';
import { amendRequest, assertAmendable } from '../market/amend-request';
import { falloutEvents, statusUpdate } from '../market/fallout';
import { publishAll, type Publication } from '../pubsub';
import { parseInput, parseInputBeforeRules, passedFields } from '../validation';
import { recordWebhookEvents } from '../webhooks/record-event';
import { requestChangedActivity } from './activity';
import { getShipmentRequest } from './get-shipment-request';
import { checkInContext, refusalIssues } from './request-context';
import { CreateShipmentRequestInput, UpdateShipmentRequestInput } from './request-input';
import { changedTerms, termColumns, termsOf, type ShipmentRequestRecord } from './request-record';

export { UpdateShipmentRequestInput };

/**
 * The terms of `current` with `changes` applied (a field left out keeps the request's, null clears it), but for those
 * in `failed`: left out, as a change that failed its own rule is not the request's term either.
 */
function withChanges(current: ShipmentRequestRecord, changes: Record<string, unknown>, failed: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const defined = Object.entries(changes).filter(([, v]) => v !== undefined);
  return Object.fromEntries(Object.entries({ ...termsOf(current), ...Object.fromEntries(defined) }).filter(([field]) => !failed.has(field)));
}

/**
 * MANUFACTURER that posted it: replaces the terms of a request no supplier has agreed to yet with the fields given,
 * the whole checked by create's rules. An OPEN request changes in place. An OFFERED one whose pending offers all still
 * meet the new terms (a price limit they fit, a deadline they deliver by, a pickup window they pick up in: offersStand)
 * keeps them and stays OFFERED; otherwise they are withdrawn (their suppliers told, as by a cancel) and it is OPEN again
 * for the next round, its shipper told (shipmentUpdated). The complex's feed is told the load as it now is and which
 * terms changed (REQUEST_CHANGED).
 * Terms sent as they are change nothing and tell nothing. A retry with the same idempotency key returns the request
 * and changes nothing.
 * @throws ValidationError naming every failing field; NotFoundError for an unknown request or another tenant's;
 *   ConflictError once a supplier has agreed (BOOKED, or a leg booked), cancelled or expired, or when the key was
 *   used with another input.
 */
export async function updateShipmentRequest({ ctx, input }: { ctx: Context; input: UpdateShipmentRequestInput }): Promise<ShipmentRequestRecord> {
  const viewer = requireRole(ctx, 'MANUFACTURER');
  const { id, idempotencyKey, ...changes } = await parseInputBeforeRules(UpdateShipmentRequestInput, input, async ({ id, ...changes }, failed) => {
    const current = id && (await ctx.db.select().from(shipmentRequests).where(and(eq(shipmentRequests.id, id), eq(shipmentRequests.shipperOrgId, viewer.organisationId))).get());
    if (!current) return [];
    // A refused change, with the request it would change: the other rules over the terms it would have.
    const { fields } = passedFields(CreateShipmentRequestInput, withChanges(current, changes, failed));
    const windowKept = fields.pickupWindow?.from.getTime() === current.pickupFrom.getTime() && fields.pickupWindow.until.getTime() === current.pickupUntil.getTime();
    return refusalIssues(fields, getComplex({ ctx, input: { id: current.complexId } }), ctx.now(), { windowKept });
  });
  // A manufacturer sees only its own requests; the look-up also applies expiry, so a lapsed request is not changed.
  const { complexId } = await getShipmentRequest({ ctx, input: { id } });
  // The request's own complex, which never changes: its origin rules are that exchange's.
  const complex = getComplex({ ctx, input: { id: complexId } });
  const now = ctx.now();
  const call = { organisationId: viewer.organisationId, key: idempotencyKey, operation: 'shipmentRequestUpdate', input: { id, ...changes } };
  let told: Publication[] = [];
  const { fresh } = await idempotent(ctx.db, call, async (tx) => {
    // Locked as an accept locks it (PostgreSQL): one racing this waits, then finds its offer withdrawn or standing on
    // terms it meets (the accept compares no updated_at), or this waits for it.
    const current = (await lockingRows(tx.select().from(shipmentRequests).where(eq(shipmentRequests.id, id))).get())!;
    assertAmendable(current.status);
    const { idempotencyKey: _, ...terms } = parseInput(CreateShipmentRequestInput, { idempotencyKey, ...withChanges(current, changes) });
    const windowKept = terms.pickupWindow.from.getTime() === current.pickupFrom.getTime() && terms.pickupWindow.until.getTime() === current.pickupUntil.getTime();
    const columns = termColumns(terms, checkInContext(terms, complex, now, { windowKept }));
    const changed = changedTerms(current, columns);
    // The terms it has (a form saved unchanged): its offers and its suppliers' answers stand, and no one is told.
    if (changed.length === 0) return id;
    const { amended, ...fallout } = await amendRequest(tx, id, columns, changed, now);
    const reopened = current.status !== amended.status || fallout.withdrawn.some((o) => o.requestId === id);
    told = [
      ['complexActivity', requestChangedActivity(complex.code, amended, changed, now)],
      ...(reopened ? [statusUpdate(amended, amended.status, now)] : []),
      ...falloutEvents(fallout),
    ];
    await recordWebhookEvents(tx, told, now);
    return id;
  });
  if (fresh) publishAll(ctx.pubsub, told);
  return (await ctx.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!;
}
