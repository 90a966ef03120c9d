import { and, asc, count, eq, gt, gte, inArray, lte, notInArray, or, sql } from 'drizzle-orm';
import { transact } from '../../db/transaction';
import { complexes, organisations, webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookDeliveryRecord } from '../../db/schema';
import type { Context } from '../context';
import type { ComplexActivityEvent } from '../pubsub';
import { seoulDateTime } from '../time';
import { addressPolicy } from './endpoint-input';
import { FAN_OUT_BATCH, fanOutAll, fanOutBatch } from './fan-out';
import { recordWebhookEvent } from './record-event';
import { sendWebhook, type AttemptResult } from './send';
import { counted } from '../english';
import { activityId, endpointDisabledLine } from '../complexes/activity-lines';

type WorkerCtx = Pick<Context, 'db' | 'pubsub' | 'logger' | 'env' | 'now'>;

/** Attempts in flight at once: bounds open connections. */
const BATCH = FAN_OUT_BATCH;
/**
 * Attempts in flight at once to one endpoint, across instances: a receiver that hangs holds a fifth of the slots
 * until its timeout, not all of them, and a receiver with a backlog takes its turn beside the others, not before them.
 */
export const PER_ENDPOINT = BATCH / 5;
/** A claimed attempt not finished after its timeout plus this (the process died) is claimed again. */
export const LEASE_MARGIN_MS = 30_000;

/**
 * Runs the webhook worker every WEBHOOK_WORKER_INTERVAL_MS until the returned stop is called (which waits for the
 * run in progress and the attempts in flight). Each run fans new outbox events out to endpoints, then sends due deliveries.
 */
export function startWebhookWorker(ctx: WorkerCtx): () => Promise<void> {
  let running: Promise<void> | null = null;
  const stopping = new AbortController();
  // Shared by the runs: an attempt still waiting on a slow receiver keeps its slot, not the next run.
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    running ??= runWebhookWorker(ctx, stopping.signal, inFlight)
      .catch((error: unknown) => ctx.logger.error({ err: error }, 'webhook worker run failed'))
      .finally(() => (running = null));
  }, ctx.env.WEBHOOK_WORKER_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    stopping.abort();
    await running;
    await Promise.all(inFlight);
  };
}

/**
 * One run: fan out, then send due deliveries, at most BATCH at once counting those `inFlight` from earlier runs,
 * claiming more as attempts finish, until none is due (a backlog drains at the receivers' pace, not one batch per
 * interval) or `signal` aborts (the service stops). Given `inFlight`, it returns without waiting for the attempts it
 * started, so that a receiver that hangs until the timeout holds back no later run, nor other endpoints' deliveries;
 * without, it waits for them.
 */
export async function runWebhookWorker(ctx: WorkerCtx, signal?: AbortSignal, inFlight?: Set<Promise<void>>): Promise<void> {
  const started = inFlight ?? new Set<Promise<void>>();
  while ((await fanOut(ctx)) === FAN_OUT_BATCH && !signal?.aborted);
  while (!signal?.aborted) {
    const room = BATCH - started.size;
    const claimed = room > 0 ? await claimDue(ctx, room) : [];
    for (const delivery of claimed) {
      const sent: Promise<void> = attempt(ctx, delivery)
        .catch((error: unknown) => ctx.logger.error({ err: error }, 'webhook attempt failed'))
        .finally(() => started.delete(sent));
      started.add(sent);
    }
    // Nothing in flight, or nothing to claim (none due, or each endpoint due at its share): the next run fans out and claims.
    if (started.size === 0 || (claimed.length === 0 && room > 0)) break;
    // A claim is a write: claim again once a quarter of the attempts in flight have ended, not at each attempt's end (a
    // claim per delivery in a backlog), or after one interval, so that attempts a slow receiver holds keep nobody else waiting longer.
    await untilAtMost(started, started.size - Math.ceil(started.size / 4), ctx.env.WEBHOOK_WORKER_INTERVAL_MS);
  }
  if (!inFlight) await Promise.all(started);
}

/** Waits until at most `most` attempts are in flight, or `ms` have passed. */
async function untilAtMost(started: Set<Promise<void>>, most: number, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  let waited = false;
  void timeUp.then(() => (waited = true));
  while (started.size > most && !waited) await Promise.race([...started, timeUp]);
  clearTimeout(timer);
}

/** One batch of new events fanned out to their endpoints, in a transaction of its own. */
function fanOut(ctx: WorkerCtx): Promise<number> {
  const now = ctx.now();
  return transact(ctx.db, (tx) => fanOutBatch(tx, now));
}

/**
 * Claims due deliveries of active endpoints in one UPDATE: a row moves to SENDING with a lease, so
 * another worker (or process) never sends the same attempt, and one whose sender died is sent again.
 * Each endpoint gets at most PER_ENDPOINT in flight (leases alive, any instance's): the earliest due deliveries of
 * endpoints below their share are ranked per endpoint, and those past its share wait for a later claim.
 */
function claimDue(ctx: WorkerCtx, limit: number): Promise<WebhookDeliveryRecord[]> {
  const now = ctx.now();
  const due = and(inArray(webhookDeliveries.status, ['PENDING', 'SENDING']), lte(webhookDeliveries.nextAttemptAt, now));
  const active = ctx.db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.status, 'ACTIVE'));
  const busy = ctx.db
    .select({ endpointId: webhookDeliveries.endpointId, inFlight: count().as('in_flight') })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, 'SENDING'), gt(webhookDeliveries.nextAttemptAt, now)))
    .groupBy(webhookDeliveries.endpointId)
    .as('busy');
  const full = ctx.db.select({ endpointId: busy.endpointId }).from(busy).where(gte(busy.inFlight, PER_ENDPOINT));
  // Ranking the earliest `limit` only keeps a claim as cheap as the backlog is long; an endpoint at its share is left
  // out of them, so that its backlog cannot fill them and hold back the others.
  const earliest = ctx.db
    .select({ id: webhookDeliveries.id, endpointId: webhookDeliveries.endpointId, dueAt: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .where(and(due, inArray(webhookDeliveries.endpointId, active), notInArray(webhookDeliveries.endpointId, full)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .as('earliest');
  const ranked = ctx.db
    .select({
      id: earliest.id,
      place: sql<number>`row_number() over (partition by ${earliest.endpointId} order by ${earliest.dueAt}, ${earliest.id})`.as('place'),
      inFlight: sql<number>`coalesce(${busy.inFlight}, 0)`.as('busy_now'),
    })
    .from(earliest)
    .leftJoin(busy, eq(busy.endpointId, earliest.endpointId))
    .as('ranked');
  const batch = ctx.db.select({ id: ranked.id }).from(ranked).where(sql`${ranked.place} + ${ranked.inFlight} <= ${PER_ENDPOINT}`);
  return transact(
    ctx.db,
    (tx) =>
      tx
        .update(webhookDeliveries)
        .set({
          status: 'SENDING',
          attempts: sql`${webhookDeliveries.attempts} + 1`,
          nextAttemptAt: new Date(now.getTime() + ctx.env.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS),
          firstAttemptAt: sql`coalesce(${webhookDeliveries.firstAttemptAt}, ${now.getTime()})`,
          lastAttemptAt: now,
        })
        .where(and(due, inArray(webhookDeliveries.id, batch)))
        .returning()
        .all(),
    { savepoint: false },
  );
}

async function attempt(ctx: WorkerCtx, delivery: WebhookDeliveryRecord): Promise<void> {
  const event = (await ctx.db.select().from(webhookEvents).where(eq(webhookEvents.id, delivery.eventId)).get())!;
  const endpoint = await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId)).get();
  if (!endpoint) return; // deleted meanwhile, with its deliveries
  // The claim's instant: the delivery's lastAttemptAt, this attempt's attemptedAt and its signed webhook-timestamp tell one time.
  const attemptedAt = delivery.lastAttemptAt!;
  const result = await sendWebhook(endpoint, { messageId: event.messageId, body: event.payload }, attemptedAt, {
    ...addressPolicy(ctx),
    timeoutMs: ctx.env.WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: ctx.env.WEBHOOK_MAX_RESPONSE_BYTES,
  });
  await settle(ctx, delivery, endpoint.organisationId, attemptedAt, result);
}

/** Records the attempt and decides what comes next: delivered, another try later, or failed for good. */
async function settle(ctx: WorkerCtx, delivery: WebhookDeliveryRecord, organisationId: number, attemptedAt: Date, result: AttemptResult): Promise<void> {
  const now = ctx.now();
  const { env } = ctx;
  let givingUp = false;
  let disabledNotice: ComplexActivityEvent | null = null;
  await transact(ctx.db, async (tx) => {
    const current = await tx
      .select({ firstAttemptAt: webhookDeliveries.firstAttemptAt, endpointStatus: webhookEndpoints.status })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, delivery.id))
      .get();
    // Deleted with its endpoint while the attempt was in flight: nothing left to record.
    if (!current) return;
    // As they are now: an endpoint paused meanwhile keeps its deliveries queued, and one enabled again gave them a new window.
    const since = current.firstAttemptAt;
    givingUp = !result.succeeded && current.endpointStatus === 'ACTIVE' && since !== null && now.getTime() - since.getTime() >= env.WEBHOOK_RETRY_WINDOW_MS;
    await tx.insert(webhookAttempts).values({ deliveryId: delivery.id, attemptedAt, durationMs: result.durationMs, responseStatus: result.responseStatus, error: result.error, succeeded: result.succeeded }).run();
    const status = result.succeeded ? 'DELIVERED' : givingUp ? 'FAILED' : 'PENDING';
    const nextAttemptAt = status === 'PENDING' ? new Date(now.getTime() + retryDelayMs(delivery.attempts, env.WEBHOOK_RETRY_BASE_MS, env.WEBHOOK_RETRY_CAP_MS)) : now;
    // Only the claim holder settles: a redelivery request or a newer claim may have moved the row on.
    await tx
      .update(webhookDeliveries)
      .set({ status, nextAttemptAt, lastResponseStatus: result.responseStatus, lastError: result.error })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, 'SENDING'), eq(webhookDeliveries.attempts, delivery.attempts)))
      .run();
    if (!givingUp) return;
    // The attempts of this retry window (since): a redelivery opens a new one, and `attempts` counts them all.
    const { failed } = (await tx.select({ failed: count() }).from(webhookAttempts).where(and(eq(webhookAttempts.deliveryId, delivery.id), gte(webhookAttempts.attemptedAt, since!))).get())!;
    const reason = `${counted(failed, 'attempt')} failed since ${seoulDateTime(since!)}; last: ${result.error}`;
    // Events committed while it was active get their deliveries before it is disabled, to end with the others (and be redelivered).
    await fanOutAll(tx, now);
    const disabled = await tx
      .update(webhookEndpoints)
      // What the feed's line tells, kept for the complex's recent activity.
      .set({ status: 'DISABLED', disabledReason: reason, updatedAt: now, gaveUpAt: now, gaveUpFailed: failed, gaveUpSince: since })
      .where(and(eq(webhookEndpoints.id, delivery.endpointId), eq(webhookEndpoints.status, 'ACTIVE')))
      .returning()
      .get();
    if (!disabled) return;
    // Its other queued deliveries would fail the same way: end them with it.
    await tx
      .update(webhookDeliveries)
      .set({ status: 'FAILED', lastError: 'endpoint disabled' })
      .where(and(eq(webhookDeliveries.endpointId, delivery.endpointId), or(eq(webhookDeliveries.status, 'PENDING'), eq(webhookDeliveries.status, 'SENDING'))))
      .run();
    const org = await tx.select({ name: organisations.name, code: complexes.code }).from(organisations).innerJoin(complexes, eq(complexes.id, organisations.complexId)).where(eq(organisations.id, organisationId)).get();
    if (!org) return;
    const notice: ComplexActivityEvent = { id: activityId('WEBHOOK_ENDPOINT_DISABLED', disabled.id, disabled.gaveUpAt!), complexCode: org.code, kind: 'WEBHOOK_ENDPOINT_DISABLED', at: now, ...endpointDisabledLine({ organisation: org.name, host: new URL(disabled.url).host, failed, since: since! }) };
    await recordWebhookEvent(tx, 'complexActivity', notice, now);
    disabledNotice = notice;
  });
  // The operator's live feed, after the commit like every other publish.
  if (disabledNotice) ctx.pubsub.publish('complexActivity', disabledNotice);
  ctx.pubsub.publish('webhookAttempted', { outcome: result.succeeded ? 'DELIVERED' : givingUp ? 'FAILED' : 'RETRYING', durationMs: result.durationMs });
}

/**
 * Exponential backoff with full jitter: retry n waits a uniformly random time in [0, min(cap, base x 2^(n-1))).
 * Random spreading keeps a recovering receiver from being hit by every queued delivery at once.
 */
export function retryDelayMs(attempts: number, baseMs: number, capMs: number): number {
  return Math.floor(Math.random() * Math.min(capMs, baseMs * 2 ** Math.min(attempts - 1, 30)));
}
