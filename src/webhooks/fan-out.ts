import { and, eq, inArray, isNull, lte } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { organisations, webhookDeliveries, webhookEndpoints, webhookEvents } from '../../db/schema';

/** Events fanned out per statement batch: bounds one run's work. */
export const FAN_OUT_BATCH = 50;

/**
 * Creates one delivery per active endpoint that asked for each of up to FAN_OUT_BATCH new events and belongs to its
 * recipient: the organisation itself, or an operator of the complex. Returns how many events it handled.
 *
 * The events are claimed first, by the update that marks them fanned out: on PostgreSQL another instance's worker
 * claiming the same events waits on their row locks, then finds them fanned out and skips them, so each event gets
 * its deliveries once (a select then an update let two instances both fan out one event, and each receiver got it twice).
 */
export async function fanOutBatch(tx: Tx, now: Date): Promise<number> {
  const pending = tx.select({ id: webhookEvents.id }).from(webhookEvents).where(isNull(webhookEvents.fannedOutAt)).orderBy(webhookEvents.id).limit(FAN_OUT_BATCH);
  const events = await tx
    .update(webhookEvents)
    .set({ fannedOutAt: now })
    .where(and(isNull(webhookEvents.fannedOutAt), inArray(webhookEvents.id, pending)))
    .returning()
    .all();
  events.sort((a, b) => a.id - b.id);
  for (const event of events) {
    const recipients = event.organisationId
      ? eq(webhookEndpoints.organisationId, event.organisationId)
      : and(eq(organisations.role, 'OPERATOR'), eq(organisations.complexId, event.complexId!));
    const candidates = await tx
      .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
      .from(webhookEndpoints)
      .innerJoin(organisations, eq(organisations.id, webhookEndpoints.organisationId))
      // An endpoint receives the events of its recipient from its registration on.
      .where(and(recipients, eq(webhookEndpoints.status, 'ACTIVE'), lte(webhookEndpoints.createdAt, event.createdAt)))
      .all();
    const endpoints = candidates.filter((e) => e.eventTypes.includes(event.type));
    if (endpoints.length > 0) await tx.insert(webhookDeliveries).values(endpoints.map((e) => ({ eventId: event.id, endpointId: e.id, nextAttemptAt: now, createdAt: now }))).run();
  }
  return events.length;
}

/**
 * Fans out every event committed so far, inside `tx`. An endpoint about to be paused, or disabled by the worker,
 * takes its share of them first: they were committed while it was active, and a later fan-out would skip it.
 */
export async function fanOutAll(tx: Tx, now: Date): Promise<void> {
  while ((await fanOutBatch(tx, now)) === FAN_OUT_BATCH);
}
