import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { transact } from '../../db/transaction';
import { isUniqueViolation } from '../../db/errors';
import { z } from 'zod';
import { matchingRounds, offers, RUNNING_ROUND, type RoundTrigger, type StoredRoundReport } from '../../db/schema';
import { requireOverseer } from '../auth/authorize';
import { publishAll, type Publication } from '../pubsub';
import { recordWebhookEvents } from '../webhooks/record-event';
import type { ComplexRecord } from '../complexes/complex-record';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { parseInput } from '../validation';
import type { ConfigOverrides, RoundReport } from './engine';
import { runRoundOffThread } from './round-thread';
import { expireOffers } from '../market/expire-offers';
import { recordUnserved } from './record-unserved';
import { recordOffers } from './record-offers';
import type { MatchingRoundRecord } from './round-record';
import { loadRoundInput } from './round-input';
import { statusUpdate } from '../market/fallout';
import { expireStaleRequests } from '../market/expire-stale-requests';
import { activityId, roundLine } from '../complexes/activity-lines';

export const RunMatchingRoundInput = z.object({ complexCode: ComplexCode });
export type RunMatchingRoundInput = z.infer<typeof RunMatchingRoundInput>;

/**
 * OPERATOR of the complex, or ADMIN: runs one matching round now and returns it with its report.
 * @throws ConflictError when a round of that complex is already running.
 */
export function runMatchingRound({ ctx, input }: { ctx: Context; input: RunMatchingRoundInput }): Promise<MatchingRoundRecord> {
  const complex = getComplex({ ctx, input: { code: parseInput(RunMatchingRoundInput, input).complexCode } });
  const viewer = requireOverseer(ctx, complex);
  return executeRound(ctx, complex, 'MANUAL', viewer.organisationId > 0 ? viewer.organisationId : null);
}

/**
 * A running round's owner stamps its claim alive every beat (the search runs on its own thread, so the event loop is
 * free to); a claim not stamped for three beats is taken to be a dead process's (kill -9, a machine gone). The
 * instances sharing a database must agree on the time to within a few seconds (NTP).
 */
export const CLAIM_BEAT_MS = 5_000;
export const CLAIM_LAPSE_MS = 3 * CLAIM_BEAT_MS;

/** The engine's tunables from configuration. */
export function engineConfig(ctx: Pick<Context, 'env'>): ConfigOverrides {
  const { env } = ctx;
  return {
    detourFactor: env.MATCHING_DETOUR_FACTOR,
    averageSpeedKmh: env.MATCHING_AVERAGE_SPEED_KMH,
    offerTtlMs: env.OFFER_TTL_MINUTES * 60_000,
    roundSeconds: env.MATCHING_ROUND_SECONDS,
    holdAloneMinutes: env.MATCHING_HOLD_ALONE_MINUTES,
    holdPooledMinutes: env.MATCHING_HOLD_POOLED_MINUTES,
    emptyKmWeight: env.MATCHING_EMPTY_KM_WEIGHT,
    maxStopsPerRoute: env.MATCHING_MAX_STOPS,
    freeWaitingMinutes: env.MATCHING_FREE_WAITING_MINUTES,
    dailyDrivingMinutes: env.MATCHING_DAILY_DRIVING_HOURS * 60,
    breakAfterDrivingMinutes: env.MATCHING_BREAK_AFTER_DRIVING_MINUTES,
    breakMinutes: env.MATCHING_BREAK_MINUTES,
  };
}

/**
 * Claims the complex (the partial unique index on RUNNING rounds makes a second claim fail), computes
 * offers from one snapshot, writes them in one immediate transaction, and records the report — or the
 * failure, so that a crashed computation never leaves the complex locked.
 * @throws ConflictError when a round of that complex is already running.
 */
export async function executeRound(ctx: Context, complex: ComplexRecord, trigger: RoundTrigger, startedByOrgId: number | null): Promise<MatchingRoundRecord> {
  const startedAt = ctx.now();
  let round: MatchingRoundRecord;
  try {
    round = await transact(ctx.db, async (tx) => {
      // A process killed mid-round leaves its claim behind, no longer stamped: a lapsed claim is dead (and should it
      // be alive after all, it finds its claim taken when it comes to write, and writes nothing). A claim from
      // before heartbeats counts from its start. Found through the running round's unique index.
      await tx
        .update(matchingRounds)
        .set({ status: 'FAILED', finishedAt: startedAt, error: 'interrupted' })
        .where(and(eq(matchingRounds.complexId, complex.id), RUNNING_ROUND, sql`coalesce(${matchingRounds.aliveAt}, ${matchingRounds.startedAt}) < ${startedAt.getTime() - CLAIM_LAPSE_MS}`))
        .run();
      return (await tx.insert(matchingRounds).values({ complexId: complex.id, trigger, startedByOrgId, startedAt, aliveAt: startedAt }).returning().get())!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`A matching round is already running for ${complex.code}`);
    throw error;
  }
  const beating = keepAlive(ctx, round.id);
  try {
    await expireOffers(ctx, complex.id, startedAt);
    // Requests whose pickup window passed unserved expire now, not at the next read: their shippers hear of it.
    await expireStaleRequests({ ctx, input: { complexId: complex.id } });
    const input = await loadRoundInput(ctx, complex, startedAt);
    const { offers, report } = await runRoundOffThread(input, engineConfig(ctx));
    let events: Publication[] = [];
    const finished = await transact(ctx.db, async (tx) => {
      // One reading of the clock: the round's end, the events it tells and their webhooks' timestamp say the same instant.
      const now = ctx.now();
      const recorded = await recordOffers(tx, round, input, offers);
      await recordUnserved(tx, input, [...report.unserved, ...input.trunkTooLate.map((requestId) => ({ requestId, reason: 'DEADLINE' as const }))], new Date(input.now));
      const stored: StoredRoundReport = { ...withoutIds(report), offersWritten: recorded.offerIds.length };
      const shipperOf = new Map(input.requests.map((r) => [Number(r.id), Number(r.shipperOrgId)]));
      const offered = recorded.requestIds.map((id) => statusUpdate({ id, shipperOrgId: shipperOf.get(id)! }, 'OFFERED', now));
      events = [...(await offersOfRound(tx, round.id)), ...offered, ...roundEvents(complex, round.id, trigger, report, stored.offersWritten, now)];
      await recordWebhookEvents(tx, events, now);
      const completed = await tx.update(matchingRounds).set({ status: 'COMPLETED', finishedAt: now, report: stored }).where(and(eq(matchingRounds.id, round.id), RUNNING_ROUND)).returning().get();
      if (!completed) throw new ConflictError(`Matching round ${round.id} of ${complex.code} went unstamped for ${CLAIM_LAPSE_MS / 1000} s and was taken over as interrupted: its offers were not written`);
      return completed;
    });
    publishAll(ctx.pubsub, events);
    return finished;
  } catch (error) {
    const failed = { status: 'FAILED' as const, finishedAt: ctx.now(), error: String((error as Error).message ?? error) };
    await transact(ctx.db, (tx) => tx.update(matchingRounds).set(failed).where(and(eq(matchingRounds.id, round.id), RUNNING_ROUND)).run(), { savepoint: false });
    throw error;
  } finally {
    clearInterval(beating);
  }
}

/** Stamps the round's claim alive every beat while it runs; a claim already taken over is left as it is. */
function keepAlive(ctx: Context, roundId: number): NodeJS.Timeout {
  const stamp = () =>
    transact(ctx.db, (tx) => tx.update(matchingRounds).set({ aliveAt: ctx.now() }).where(and(eq(matchingRounds.id, roundId), RUNNING_ROUND)).run(), { savepoint: false }).catch((error: unknown) =>
      ctx.logger.warn({ err: error, roundId }, 'stamping the running round alive failed'),
    );
  // The round itself holds the process open, not its heartbeat.
  return setInterval(() => void stamp(), CLAIM_BEAT_MS).unref();
}

function withoutIds({ unserved: _, ...report }: RoundReport) {
  return report;
}
/** Every figure of the engine's report is one the stored report keeps (db/schema ROUND_REPORT_FIELDS). */
const everyFigureStored: [Exclude<keyof ReturnType<typeof withoutIds>, keyof StoredRoundReport>] extends [never] ? true : never = true;
void everyFigureStored;

function roundEvents(complex: ComplexRecord, roundId: number, trigger: RoundTrigger, report: RoundReport, offersWritten: number, at: Date): Publication[] {
  const { servedCount, requestsConsidered, timeMs } = report;
  const completed: Publication = ['roundCompleted', { complexCode: complex.code, roundId, trigger, timeMs, requestsConsidered, servedCount, offersWritten }];
  // The scheduler starts one every few minutes in every complex: a quiet night's "0/0 requests" lines, or a load no
  // truck can take told "0/1" again every round until it expires, would fill the operators' feed (and their webhooks);
  // the dashboard's unmatched requests say why. One somebody asked for is told, whatever it offered. As EMPTY_SCHEDULED_ROUND.
  if (trigger === 'SCHEDULED' && offersWritten === 0) return [completed];
  return [['complexActivity', { id: activityId('MATCHING_ROUND_COMPLETED', roundId), complexCode: complex.code, kind: 'MATCHING_ROUND_COMPLETED', at, ...roundLine({ roundId, offersWritten, ...report }) }], completed];
}

/** What tells each supplier about the offers a round wrote for it: read in the round's transaction, published after it. */
async function offersOfRound(tx: Pick<Db, 'select'>, roundId: number): Promise<Publication[]> {
  return (await tx.select().from(offers).where(eq(offers.roundId, roundId)).all()).map((offer) => ['offerReceived', { offer }]);
}
