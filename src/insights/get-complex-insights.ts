import { and, between, eq } from 'drizzle-orm';
import { z } from 'zod';
import { insightsDays } from '../../db/schema';
import { requireOverseer } from '../auth/authorize';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { addDays, LAST_DAY_END, seoulDay, seoulMidnight } from '../supply/listings/seoul-day';
import { parseArgs } from '../validation';
import { addDay, addRequestFigures, addTripFigures, emptyDay, firstActiveDay, medianMinutes, storageFigures, TOTAL_KEYS, type DayFigures, type TransportTotals } from './day-figures';
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
  const firstDay = seoulDay(from);
  const lastDay = seoulDay(new Date(to.getTime() - 1));
  const byDay = new Map<string, DayFigures>();
  for (let day = firstDay; day <= lastDay; day = addDays(day, 1)) byDay.set(day, emptyDay(day));
  const whole = (day: string) => day < today && seoulMidnight(day) >= from && seoulMidnight(addDays(day, 1)) <= to;

  const rolled = await ctx.db.select().from(insightsDays).where(and(eq(insightsDays.complexId, complex.id), between(insightsDays.day, firstDay, lastDay))).all();
  for (const { complexId: _, ...row } of rolled) if (whole(row.day)) byDay.set(row.day, { ...row, waiting: 0 });
  const rolledDays = new Map(rolled.map((r) => [r.day, r]));
  const live: string[] = [];
  // Asked for when a closed day has no roll-up: days before it are empty, neither computed nor stored.
  let firstActive: Promise<string | null> | undefined;
  let sliceStart = performance.now();
  for (const day of byDay.keys()) {
    if (!whole(day)) live.push(day);
    else if (!rolledDays.has(day)) {
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
  const runs: string[][] = [];
  for (const day of live) {
    const run = runs.at(-1);
    if (run && addDays(run.at(-1)!, 1) === day) run.push(day);
    else runs.push([day]);
  }
  await Promise.all(
    runs.map(async (run) => {
      const [start, end] = [run[0]!, run.at(-1)!];
      const runFrom = new Date(Math.max(from.getTime(), seoulMidnight(start).getTime()));
      const runTo = new Date(Math.min(to.getTime(), seoulMidnight(addDays(end, 1)).getTime()));
      // Storage is whole days even on a partial one: a closed partial day (the period's first) has it rolled up.
      const runDays = run.map((day) => rolledDays.get(day));
      const storage = runDays.every((r) => r !== undefined)
        ? { idlePalletDays: runDays.reduce((sum, r) => sum + r.idlePalletDays, 0), bookedPalletDays: runDays.reduce((sum, r) => sum + r.bookedPalletDays, 0) }
        : storageFigures(ctx.db, complex.id, start, end);
      const [stored] = await Promise.all([storage, addRequestFigures(ctx.db, complex.id, runFrom, runTo, now, byDay), addTripFigures(ctx.db, complex.id, runFrom, runTo, byDay)]);
      Object.assign(byDay.get(start)!, stored);
    }),
  );

  const total = emptyDay('');
  for (const day of byDay.values()) addDay(total, day);
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
