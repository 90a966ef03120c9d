import { and, eq, gte, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { bookings, HOLDING_BOOKING_STATUSES, inList, listingAvailability, listingReservations, offers, shipmentRequests, warehouseListings } from '../../db/schema';
import { requireOverseer } from '../auth/authorize';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { addDays, seoulDay } from '../supply/listings/seoul-day';
import { parseArgs } from '../validation';

const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;

export const GetComplexInsightsInput = z
  .object({ complexCode: ComplexCode, from: z.date(), to: z.date() })
  .refine((p) => p.from < p.to, { path: ['to'], message: 'must be after from' })
  .refine((p) => p.to.getTime() - p.from.getTime() <= MAX_PERIOD_DAYS * DAY_MS, { path: ['to'], message: `must be at most ${MAX_PERIOD_DAYS} days after from` });
export type GetComplexInsightsInput = z.infer<typeof GetComplexInsightsInput>;

/** Booked against baseline for a set of served requests (a whole period, or one posting day). */
export interface TransportTotals {
  costKrw: number;
  baselineCostKrw: number;
  deadheadKm: number;
  loadedKm: number;
  baselineDeadheadKm: number;
  baselineLoadedKm: number;
  co2Kg: number;
  baselineCo2Kg: number;
}

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
  days: InsightsDay[];
}

/**
 * OPERATOR of the complex, or ADMIN: what sharing achieved for the requests posted in [from, to), against
 * the no-sharing baseline stored with each booked offer, and storage utilisation over the period's days.
 * Offers from before baselines were stored count as costing their baseline (no savings claimed).
 * @throws ValidationError for a bad period; NotFoundError for an unknown complex; ForbiddenError for others.
 */
export function getComplexInsights({ ctx, input }: { ctx: Context; input: GetComplexInsightsInput }): ComplexInsights {
  const { complexCode, from, to } = parseArgs(GetComplexInsightsInput, input);
  const complex = getComplex({ ctx, input: { code: complexCode } });
  requireOverseer(ctx, complex);

  const served = and(eq(bookings.requestId, shipmentRequests.id), ne(bookings.kind, 'STORAGE'), inArray(bookings.status, [...HOLDING_BOOKING_STATUSES]));
  const requests = ctx.db
    .select({
      status: shipmentRequests.status,
      createdAt: shipmentRequests.createdAt,
      pickupUntil: shipmentRequests.pickupUntil,
      bookedAt: bookings.bookedAt,
      // Travelled with other shippers' loads: its route carries more than one share.
      pooled: sql<number>`(select count(*) from ${offers} o where o.route_id = ${bookings.routeId}) > 1`.mapWith(Boolean),
      priceKrw: bookings.priceKrw,
      deadheadKm: offers.deadheadKm,
      loadedKm: offers.loadedKm,
      co2Kg: offers.co2Kg,
      baselineKrw: offers.baselineKrw,
      baselineDeadheadKm: offers.baselineDeadheadKm,
      baselineLoadedKm: offers.baselineLoadedKm,
      baselineCo2Kg: offers.baselineCo2Kg,
      storageKrw: sql<number>`(select coalesce(sum(s.price_krw), 0) from bookings s
        where s.request_id = ${shipmentRequests.id} and s.kind = 'STORAGE' and s.status in (${sql.raw(inList(HOLDING_BOOKING_STATUSES))}))`,
    })
    .from(shipmentRequests)
    .leftJoin(bookings, served)
    .leftJoin(offers, eq(offers.id, bookings.offerId))
    .where(and(eq(shipmentRequests.complexId, complex.id), gte(shipmentRequests.createdAt, from), lt(shipmentRequests.createdAt, to)))
    .all();

  const total = emptyTotals();
  const byDay = new Map<string, InsightsDay>();
  for (let day = seoulDay(from); day <= seoulDay(new Date(to.getTime() - 1)); day = addDays(day, 1)) byDay.set(day, { day, posted: 0, served: 0, ...emptyTotals() });
  const minutesToBooking: number[] = [];
  let expired = 0;
  let cancelled = 0;
  let waiting = 0;
  let consolidated = 0;
  const now = ctx.now();
  for (const r of requests) {
    const day = byDay.get(seoulDay(r.createdAt))!;
    day.posted++;
    const unbooked = r.status === 'OPEN' || r.status === 'OFFERED';
    // A window that has passed is expired even before the next round marks it so.
    if (r.status === 'EXPIRED' || (unbooked && r.pickupUntil <= now)) expired++;
    else if (r.status === 'CANCELLED') cancelled++;
    else if (unbooked) waiting++;
    if (r.bookedAt === null || r.priceKrw === null) continue;
    day.served++;
    minutesToBooking.push((r.bookedAt.getTime() - r.createdAt.getTime()) / 60_000);
    if (r.pooled) consolidated++;
    const booked: TransportTotals = {
      costKrw: r.priceKrw + r.storageKrw,
      baselineCostKrw: (r.baselineKrw ?? r.priceKrw) + r.storageKrw,
      deadheadKm: r.deadheadKm ?? 0,
      loadedKm: r.loadedKm ?? 0,
      baselineDeadheadKm: r.baselineDeadheadKm ?? r.deadheadKm ?? 0,
      baselineLoadedKm: r.baselineLoadedKm ?? r.loadedKm ?? 0,
      co2Kg: r.co2Kg ?? 0,
      baselineCo2Kg: r.baselineCo2Kg ?? r.co2Kg ?? 0,
    };
    addInto(total, booked);
    addInto(day, booked);
  }
  const servedCount = minutesToBooking.length;

  return {
    complexCode: complex.code,
    from,
    to,
    storage: storageUtilisation(ctx, complex.id, seoulDay(from), seoulDay(new Date(to.getTime() - 1))),
    requests: {
      posted: requests.length,
      served: servedCount,
      expired,
      cancelled,
      waiting,
      servedPct: pct(servedCount, requests.length),
      medianMinutesToBooking: median(minutesToBooking),
      consolidated,
      consolidationRatePct: pct(consolidated, servedCount),
    },
    transport: {
      ...roundTotals(total),
      savingsPct: pct(total.baselineCostKrw - total.costKrw, total.baselineCostKrw),
      emptyKmSharePct: pct(total.deadheadKm, total.deadheadKm + total.loadedKm),
      baselineEmptyKmSharePct: pct(total.baselineDeadheadKm, total.baselineDeadheadKm + total.baselineLoadedKm),
      co2SavingsPct: pct(total.baselineCo2Kg - total.co2Kg, total.baselineCo2Kg),
    },
    days: [...byDay.values()].map(roundTotals),
  };
}

/** Idle pallet-days listed by the complex's active listings over [firstDay, lastDay], and those held by bookings. */
function storageUtilisation(ctx: Context, complexId: number, firstDay: string, lastDay: string): ComplexInsights['storage'] {
  const overlapDays = sql<number>`(julianday(min(${listingAvailability.toDay}, ${lastDay})) - julianday(max(${listingAvailability.fromDay}, ${firstDay})) + 1)`;
  const idle = ctx.db
    .select({ palletDays: sql<number>`coalesce(sum(${listingAvailability.idlePallets} * ${overlapDays}), 0)` })
    .from(listingAvailability)
    .innerJoin(warehouseListings, eq(warehouseListings.id, listingAvailability.listingId))
    .where(and(eq(warehouseListings.complexId, complexId), eq(warehouseListings.status, 'ACTIVE'), sql`${listingAvailability.fromDay} <= ${lastDay}`, sql`${listingAvailability.toDay} >= ${firstDay}`))
    .get()!.palletDays;
  const booked = ctx.db
    .select({ palletDays: sql<number>`coalesce(sum(${listingReservations.pallets}), 0)` })
    .from(listingReservations)
    .innerJoin(warehouseListings, eq(warehouseListings.id, listingReservations.listingId))
    .where(and(eq(warehouseListings.complexId, complexId), isNull(listingReservations.releasedAt), sql`${listingReservations.day} between ${firstDay} and ${lastDay}`))
    .get()!.palletDays;
  return { idlePalletDays: Math.round(idle), bookedPalletDays: booked, utilisationPct: pct(booked, idle) };
}

const TOTAL_KEYS = ['costKrw', 'baselineCostKrw', 'deadheadKm', 'loadedKm', 'baselineDeadheadKm', 'baselineLoadedKm', 'co2Kg', 'baselineCo2Kg'] as const;

const emptyTotals = (): TransportTotals => ({ costKrw: 0, baselineCostKrw: 0, deadheadKm: 0, loadedKm: 0, baselineDeadheadKm: 0, baselineLoadedKm: 0, co2Kg: 0, baselineCo2Kg: 0 });

function addInto(target: TransportTotals, add: TransportTotals): void {
  for (const key of TOTAL_KEYS) target[key] += add[key];
}

/** Money to the won, distances and CO2 to 0.1. */
function roundTotals<T extends TransportTotals>(totals: T): T {
  const out = { ...totals };
  for (const key of TOTAL_KEYS) out[key] = key.endsWith('Krw') ? Math.round(out[key]) : Math.round(out[key] * 10) / 10;
  return out;
}

/** part / whole x 100 to 0.01, and 0 when whole is 0. */
const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return Math.round((sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2) * 10) / 10;
}
