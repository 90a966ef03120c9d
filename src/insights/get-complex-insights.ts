import { and, between, eq, sql } from 'drizzle-orm';
import { preparedPerDatabase } from '../../db/prepared';
import { z } from 'zod';
import { insightsDays } from '../../db/schema';
import { requireOverseer } from '../auth/authorize';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { LAST_DAY_END, seoulDay, seoulMidnight } from '../supply/listings/seoul-day';
import { parseArgs } from '../validation';
import { addDay, addRequestFigures, addTripFigures, COUNT_KEYS, emptyDay, firstActiveDay, medianMinutes, storageFigures, TOTAL_KEYS, type DayFigures, type TransportTotals } from './day-figures';
import { rollUpDay } from './roll-up-day';
import { DAY_MS } from '../time';

export type { TransportTotals } from './day-figures';

const MAX_PERIOD_DAYS = 366;
/** Days computed on a read (none rolled up yet) run in slices of this long, yielding to other requests between. */
const SLICE_MS = 20;

export const GetComplexInsightsInput = z
  .object({ complexCode: ComplexCode, from: z.date(), to: z.date() })
  .refine((p) => p.from < p.to, { path: ['to'], message: 'must be after from' })
  .refine((p) => p.to.getTime() - p.from.getTime() <= MAX_PERIOD_DAYS * DAY_MS, { path: ['to'], message: `must be at most ${MAX_PERIOD_DAYS} days after from` })
  .refine((p) => p.to <= LAST_DAY_END, { path: ['to'], message: `must be at most ${LAST_DAY_END.toISOString()}, the end of the last Asia/Seoul day a period may hold (9999-12-30)` });
export type GetComplexInsightsInput = z.infer<typeof GetComplexInsightsInput>;

/** What a whole rolled-up day adds to the period's totals: every figure but `waiting` (none on a rolled-up day). */
const SUMMED_KEYS = [...TOTAL_KEYS, ...COUNT_KEYS.filter((key) => key !== 'waiting')];

/** Prepared once per database (see `preparedPerDatabase`): built and prepared per read, they cost a tenth of a year's. */
const statements = preparedPerDatabase((db) => {
  const days = (first: string, last: string) => and(eq(insightsDays.complexId, sql.placeholder('complexId')), between(insightsDays.day, sql.placeholder(first), sql.placeholder(last)));
  const { day, posted, served, idlePalletDays, bookedPalletDays, bookingMs } = insightsDays;
  return {
    // Of each day only what the answer shows of it, its storage (a partial day's run counts it) and its booking times
    // (the median is not a sum): a year's 366 rows of every figure cost more to hand over than the rest of the read.
    rolled: db
      .select({ day, posted, served, ...Object.fromEntries(TOTAL_KEYS.map((key) => [key, insightsDays[key]])), idlePalletDays, bookedPalletDays, bookingMs })
      .from(insightsDays)
      .where(days('firstDay', 'lastDay'))
      .prepare(),
    // The whole days' figures summed by the database, in one row.
    sums: db
      .select(Object.fromEntries(SUMMED_KEYS.map((key) => [key, sql<number>`coalesce(sum(${insightsDays[key]}), 0)`.mapWith(Number)])))
      .from(insightsDays)
      .where(days('firstWhole', 'lastWhole'))
      .prepare(),
  };
});

export interface InsightsDay extends TransportTotals {
  day: string;
  posted: number;
  served: number;
}

export interface ComplexInsights {
  complexCode: string;
  from: Date;
  to: Date;
  storage: { idlePalletDays: number; bookedPalletDays: number; utilisationPct: number };
  requests: {
    posted: number;
    served: number;
    expired: number;
    cancelled: number;
    waiting: number;
    servedPct: number;
    medianMinutesToBooking: number | null;
    consolidated: number;
    consolidationRatePct: number;
  };
  transport: TransportTotals & { savingsPct: number; emptyKmSharePct: number; baselineEmptyKmSharePct: number; co2SavingsPct: number };
  trips: {
    trips: number;
    requests: number;
    requestsPerTrip: number;
    stopsPerRoute: number;
    loadFactorKgPeakPct: number;
    loadFactorPalletsPeakPct: number;
    loadFactorKgKmPct: number;
    loadFactorPalletsKmPct: number;
  };
  rounds: { rounds: number; assignmentCostKrw: number; pooledCostKrw: number; pooledVsAssignmentPct: number };
  days: InsightsDay[];
}

/**
 * OPERATOR of the complex, or ADMIN: what sharing achieved for the requests posted in [from, to), against
 * the no-sharing baseline stored with each booked offer, and storage utilisation over the period's days.
 * Whole closed days come from their daily roll-ups (insights_days), computed and rolled up here when missing;
 * the period's partial first and last days, today and later days are computed live. Either way, day by day.
 * @throws ValidationError for a bad period; NotFoundError for an unknown complex; ForbiddenError for others.
 */
export async function getComplexInsights({ ctx, input }: { ctx: Context; input: GetComplexInsightsInput }): Promise<ComplexInsights> {
  const { complexCode, from, to } = parseArgs(GetComplexInsightsInput, input);
  const complex = getComplex({ ctx, input: { code: complexCode } });
  requireOverseer(ctx, complex);

  const now = ctx.now();
  const today = seoulDay(now);
  // The period's days by their midnights, written once each: Asia/Seoul keeps no daylight saving, so each day
  // begins DAY_MS after the one before (string arithmetic per day cost a year's read ~2 ms).
  const firstMidnight = seoulMidnight(seoulDay(from)).getTime();
  const days = Array.from({ length: Math.floor((to.getTime() - 1 - firstMidnight) / DAY_MS) + 1 }, (_, i) => {
    const start = firstMidnight + i * DAY_MS;
    const day = seoulDay(new Date(start));
    return { day, start, whole: day < today && start >= from.getTime() && start + DAY_MS <= to.getTime() };
  });
  const byDay = new Map<string, DayFigures>(days.map(({ day }) => [day, emptyDay(day)]));
  const [firstDay, lastDay] = [days[0]!.day, days.at(-1)!.day];

  const wholeDays = days.filter((d) => d.whole);
  const [rolled, wholeSums] = await Promise.all([
    statements(ctx.db).rolled.all({ complexId: complex.id, firstDay, lastDay }),
    wholeDays.length > 0 ? statements(ctx.db).sums.get({ complexId: complex.id, firstWhole: wholeDays[0]!.day, lastWhole: wholeDays.at(-1)!.day }) : undefined,
  ]);
  const rolledDays = new Map(rolled.map((r) => [r.day, r]));
  // Whole days' roll-ups are in `wholeSums` already; every other day is added to the totals below.
  const summed = new Set<string>();
  // Live days' indices, in order.
  const live: number[] = [];
  // Asked for when a closed day has no roll-up: days before it are empty, neither computed nor stored.
  let firstActive: Promise<string | null> | undefined;
  let sliceStart = performance.now();
  for (const [i, { day, whole }] of days.entries()) {
    const stored = rolledDays.get(day);
    if (!whole) live.push(i);
    else if (stored) {
      byDay.set(day, Object.assign(emptyDay(day), stored));
      summed.add(day);
    } else {
      const first = await (firstActive ??= firstActiveDay(ctx.db, complex.id));
      if (first === null || day < first) continue;
      byDay.set(day, (await rollUpDay({ ctx, input: { complexId: complex.id, day } })).figures);
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
  }
  // Live days, a run of consecutive days at a time; a run's storage is counted on its first day. Runs, and the reads of
  // each, go to the database at once: on PostgreSQL their round trips overlap (each run adds to its own days only).
  const runs: number[][] = [];
  for (const i of live) {
    const run = runs.at(-1);
    if (run && run.at(-1)! + 1 === i) run.push(i);
    else runs.push([i]);
  }
  await Promise.all(
    runs.map(async (run) => {
      const [start, end] = [days[run[0]!]!, days[run.at(-1)!]!];
      const runFrom = new Date(Math.max(from.getTime(), start.start));
      const runTo = new Date(Math.min(to.getTime(), end.start + DAY_MS));
      // Storage is whole days even on a partial one: a closed partial day (the period's first) has it rolled up.
      const runDays = run.map((i) => rolledDays.get(days[i]!.day));
      const storage = runDays.every((r) => r !== undefined)
        ? { idlePalletDays: runDays.reduce((sum, r) => sum + r.idlePalletDays, 0), bookedPalletDays: runDays.reduce((sum, r) => sum + r.bookedPalletDays, 0) }
        : storageFigures(ctx.db, complex.id, start.day, end.day);
      const [stored] = await Promise.all([storage, addRequestFigures(ctx.db, complex.id, runFrom, runTo, now, byDay), addTripFigures(ctx.db, complex.id, runFrom, runTo, byDay)]);
      Object.assign(byDay.get(start.day)!, stored);
    }),
  );

  const total: DayFigures = { ...emptyDay(''), ...wholeSums };
  for (const day of byDay.values()) if (!summed.has(day.day)) addDay(total, day);
  const idle = Math.round(total.idlePalletDays);
  return {
    complexCode: complex.code,
    from,
    to,
    storage: { idlePalletDays: idle, bookedPalletDays: total.bookedPalletDays, utilisationPct: pct(total.bookedPalletDays, total.idlePalletDays) },
    requests: {
      posted: total.posted,
      served: total.served,
      expired: total.expired,
      cancelled: total.cancelled,
      waiting: total.waiting,
      servedPct: pct(total.served, total.posted),
      medianMinutesToBooking: medianMinutes([...byDay.values()].map((day) => day.bookingMs)),
      consolidated: total.consolidated,
      consolidationRatePct: pct(total.consolidated, total.served),
    },
    transport: {
      ...roundTotals(totalsOf(total)),
      savingsPct: pct(total.baselineCostKrw - total.costKrw, total.baselineCostKrw),
      emptyKmSharePct: pct(total.deadheadKm, total.deadheadKm + total.loadedKm),
      baselineEmptyKmSharePct: pct(total.baselineDeadheadKm, total.baselineDeadheadKm + total.baselineLoadedKm),
      co2SavingsPct: pct(total.baselineCo2Kg - total.co2Kg, total.baselineCo2Kg),
    },
    trips: {
      trips: total.trips,
      requests: total.tripRequests,
      requestsPerTrip: ratio(total.tripRequests, total.trips),
      stopsPerRoute: ratio(total.tripStops, total.trips),
      loadFactorKgPeakPct: pct(total.peakKgShare, total.trips),
      loadFactorPalletsPeakPct: pct(total.peakPalletsShare, total.trips),
      loadFactorKgKmPct: pct(total.kgKm, total.payloadKm),
      loadFactorPalletsKmPct: pct(total.palletKm, total.palletSlotKm),
    },
    rounds: {
      rounds: total.rounds,
      assignmentCostKrw: total.assignmentCostKrw,
      pooledCostKrw: total.pooledCostKrw,
      pooledVsAssignmentPct: pct(total.assignmentCostKrw - total.pooledCostKrw, total.assignmentCostKrw),
    },
    days: [...byDay.values()].map((d) => roundTotals({ day: d.day, posted: d.posted, served: d.served, ...totalsOf(d) })),
  };
}

const totalsOf = (figures: TransportTotals): TransportTotals => Object.fromEntries(TOTAL_KEYS.map((key) => [key, figures[key]])) as unknown as TransportTotals;

/** Money to the won, distances and CO2 to 0.1. */
function roundTotals<T extends TransportTotals>(totals: T): T {
  const out = { ...totals };
  for (const key of TOTAL_KEYS) out[key] = key.endsWith('Krw') ? Math.round(out[key]) : Math.round(out[key] * 10) / 10;
  return out;
}

/** part / whole to 0.01, and 0 when whole is 0. */
const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) / 100 : 0);

/** part / whole x 100 to 0.01, and 0 when whole is 0. */
const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0);
