import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, min, ne, sql } from 'drizzle-orm';
import {
  bookings,
  codeOf,
  codesOf,
  HOLDING_BOOKING_CODES,
  HOLDING_BOOKING_STATUSES,
  OFFER_KIND_CODES,
  listingAvailability,
  listingReservations,
  matchingRounds,
  offers,
  reportField,
  REQUEST_STATUS_CODES,
  routes,
  routeStops,
  shipmentRequests,
  vehicles,
  warehouseListings,
} from '../../db/schema';
import type { Tx } from '../../db/transaction';
import { haversineKm } from '../geo/distance';
import { placesInTurn } from '../geo/same-place';
import { seoulDay } from '../supply/listings/seoul-day';
import { countWhere, dayNumber, greatest, least, seoulDayOf } from '../../db/sql';
import { pooledWithOtherShippers } from '../bookings/booking-record';

/** The database or a transaction on it: these only read. */
export type Reader = Pick<Tx, 'select' | 'selectDistinct'>;

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

/**
 * The booked routes counted on a day (those whose earliest request was posted that day) and the rounds started
 * that day, as plain sums (see db/schema/insights.ts).
 */
export interface TripTotals {
  trips: number;
  tripRequests: number;
  /** Places stopped at (a second load at the dock just stopped at is no stop: `placesInTurn`). */
  tripStops: number;
  peakKgShare: number;
  peakPalletsShare: number;
  kgKm: number;
  payloadKm: number;
  palletKm: number;
  palletSlotKm: number;
  rounds: number;
  assignmentCostKrw: number;
  pooledCostKrw: number;
}

/**
 * What insights sum for one Asia/Seoul day of a complex: the requests posted that day and the day's storage.
 * The one unit both the live answer and the daily roll-ups (insights_days) are made of, so they agree.
 */
export interface DayFigures extends TransportTotals, TripTotals {
  day: string;
  posted: number;
  served: number;
  expired: number;
  cancelled: number;
  /** Still unbooked with a pickup window ahead: a day with any is not rolled up yet. */
  waiting: number;
  consolidated: number;
  idlePalletDays: number;
  bookedPalletDays: number;
  /** Posting to booking of each served request, ms, ascending. */
  bookingMs: number[];
}

export const TOTAL_KEYS = ['costKrw', 'baselineCostKrw', 'deadheadKm', 'loadedKm', 'baselineDeadheadKm', 'baselineLoadedKm', 'co2Kg', 'baselineCo2Kg'] as const;
const TRIP_KEYS = ['trips', 'tripRequests', 'tripStops', 'peakKgShare', 'peakPalletsShare', 'kgKm', 'payloadKm', 'palletKm', 'palletSlotKm', 'rounds', 'assignmentCostKrw', 'pooledCostKrw'] as const;
export const COUNT_KEYS = ['posted', 'served', 'expired', 'cancelled', 'waiting', 'consolidated', 'idlePalletDays', 'bookedPalletDays', ...TRIP_KEYS] as const;

export const emptyTotals = (): TransportTotals => ({ costKrw: 0, baselineCostKrw: 0, deadheadKm: 0, loadedKm: 0, baselineDeadheadKm: 0, baselineLoadedKm: 0, co2Kg: 0, baselineCo2Kg: 0 });

/** Written out key by key: spreading and building it from the key lists cost a year's read ~1 ms (733 days made). */
export const emptyDay = (day: string): DayFigures => ({
  day,
  posted: 0,
  served: 0,
  expired: 0,
  cancelled: 0,
  waiting: 0,
  consolidated: 0,
  idlePalletDays: 0,
  bookedPalletDays: 0,
  bookingMs: [],
  costKrw: 0,
  baselineCostKrw: 0,
  deadheadKm: 0,
  loadedKm: 0,
  baselineDeadheadKm: 0,
  baselineLoadedKm: 0,
  co2Kg: 0,
  baselineCo2Kg: 0,
  trips: 0,
  tripRequests: 0,
  tripStops: 0,
  peakKgShare: 0,
  peakPalletsShare: 0,
  kgKm: 0,
  payloadKm: 0,
  palletKm: 0,
  palletSlotKm: 0,
  rounds: 0,
  assignmentCostKrw: 0,
  pooledCostKrw: 0,
});

export function addTotals(target: TransportTotals, add: TransportTotals): void {
  for (const key of TOTAL_KEYS) target[key] += add[key];
}

/** Adds one day's figures into a running sum (but not bookingMs: a median is taken over the days, see getComplexInsights). */
export function addDay(target: DayFigures, add: DayFigures): void {
  addTotals(target, add);
  for (const key of COUNT_KEYS) target[key] += add[key];
}

/** A request's Asia/Seoul posting day, in SQL (as the roll-up triggers compute it). */
const postedDay = seoulDayOf(shipmentRequests.createdAt).mapWith(String);

/**
 * The requests of a complex posted in [from, to), as figures per posting day (`into`, keyed by day, must hold
 * every day of the range), against the no-sharing baseline stored with each booked offer. Offers from before
 * baselines were stored count as costing their baseline (no savings claimed). Outcomes are counted per day in
 * SQL; only served requests come back as rows, so thousands of waiting requests cost one row a day.
 */
export async function addRequestFigures(db: Reader, complexId: number, from: Date, to: Date, now: Date, into: Map<string, DayFigures>): Promise<void> {
  const posted = and(eq(shipmentRequests.complexId, complexId), gte(shipmentRequests.createdAt, from), lt(shipmentRequests.createdAt, to));
  // A window that has passed is expired even before the next round marks it so.
  const unbooked = sql`${shipmentRequests.status} in (${codesOf(REQUEST_STATUS_CODES, ['OPEN', 'OFFERED'])})`;
  const outcomes = await db
    .select({
      day: postedDay,
      posted: sql<number>`count(*)`,
      expired: countWhere(sql`${shipmentRequests.status} = ${codeOf(REQUEST_STATUS_CODES, 'EXPIRED')} or (${unbooked} and ${shipmentRequests.pickupUntil} <= ${now.getTime()})`).mapWith(Number),
      cancelled: countWhere(sql`${shipmentRequests.status} = ${codeOf(REQUEST_STATUS_CODES, 'CANCELLED')}`).mapWith(Number),
      waiting: countWhere(sql`${unbooked} and ${shipmentRequests.pickupUntil} > ${now.getTime()}`).mapWith(Number),
    })
    .from(shipmentRequests)
    .where(posted)
    .groupBy(postedDay)
    .all();
  for (const o of outcomes) {
    const day = into.get(o.day)!;
    day.posted += o.posted;
    day.expired += o.expired;
    day.cancelled += o.cancelled;
    day.waiting += o.waiting;
  }

  const served = await db
    .select({
      requestId: shipmentRequests.id,
      createdAt: shipmentRequests.createdAt,
      bookedAt: bookings.bookedAt,
      pooled: pooledWithOtherShippers(),
      priceKrw: bookings.priceKrw,
      deadheadKm: offers.deadheadKm,
      loadedKm: offers.loadedKm,
      co2Kg: offers.co2Kg,
      baselineKrw: offers.baselineKrw,
      baselineLoadedKm: offers.baselineLoadedKm,
      baselineCo2Kg: offers.baselineCo2Kg,
      storageKrw: sql<number>`(select coalesce(sum(s.price_krw), 0) from bookings s
        where s.request_id = ${shipmentRequests.id} and s.kind = ${codeOf(OFFER_KIND_CODES, 'STORAGE')} and s.status in (${HOLDING_BOOKING_CODES}))`,
    })
    .from(shipmentRequests)
    .innerJoin(bookings, and(eq(bookings.requestId, shipmentRequests.id), ne(bookings.kind, 'STORAGE'), inArray(bookings.status, [...HOLDING_BOOKING_STATUSES])))
    .leftJoin(offers, eq(offers.id, bookings.offerId))
    // Served once every leg is booked: one leg booked while another (its storage, its other leg through the centre)
    // still waits on an offer leaves the request OFFERED, counted waiting (or expired), not served as well.
    .where(and(posted, sql`not (${unbooked})`))
    .all();
  // A request through the centre has a booking per leg: each leg adds its cost and km, but the request is served
  // once, booked when its last booked leg was, pooled when any leg was, and its storage (if any) counts once.
  const requests = new Map<number, { createdAt: Date; bookedAt: Date; pooled: boolean }>();
  for (const r of served) {
    const day = into.get(seoulDay(r.createdAt))!;
    const seen = requests.get(r.requestId);
    if (seen) {
      if (r.bookedAt > seen.bookedAt) seen.bookedAt = r.bookedAt;
      seen.pooled ||= r.pooled;
    } else requests.set(r.requestId, { createdAt: r.createdAt, bookedAt: r.bookedAt, pooled: r.pooled });
    const storageKrw = seen ? 0 : r.storageKrw;
    addTotals(day, {
      costKrw: r.priceKrw + storageKrw,
      baselineCostKrw: (r.baselineKrw ?? r.priceKrw) + storageKrw,
      deadheadKm: r.deadheadKm ?? 0,
      loadedKm: r.loadedKm ?? 0,
      // The baseline truck returns empty (engine baseline.ts): as many empty km as loaded.
      baselineDeadheadKm: r.baselineLoadedKm ?? r.deadheadKm ?? 0,
      baselineLoadedKm: r.baselineLoadedKm ?? r.loadedKm ?? 0,
      co2Kg: r.co2Kg ?? 0,
      baselineCo2Kg: r.baselineCo2Kg ?? r.co2Kg ?? 0,
    });
  }
  // Only the days served here are sorted again: `into` may hold a year of days rolled up, sorted already.
  const touched = new Set<DayFigures>();
  for (const r of requests.values()) {
    const day = into.get(seoulDay(r.createdAt))!;
    day.served++;
    day.bookingMs.push(r.bookedAt.getTime() - r.createdAt.getTime());
    if (r.pooled) day.consolidated++;
    touched.add(day);
  }
  for (const day of touched) day.bookingMs.sort((a, b) => a - b);
}

const held = (route: typeof routes.id) => sql`exists (select 1 from ${bookings} b where b.route_id = ${route} and b.status in (${HOLDING_BOOKING_CODES}))`;

type TripStop = { lat: number; lng: number; kgAfter: number; palletsAfter: number };

/** Routes' stops in order, a batch of routes per query (one query per route made a day's trips cost a query each). */
async function stopsByRoute(db: Reader, routeIds: readonly number[]): Promise<Map<number, TripStop[]>> {
  const byRoute = new Map<number, TripStop[]>(routeIds.map((id) => [id, []]));
  for (let i = 0; i < routeIds.length; i += STOP_BATCH) {
    const rows = await db
      .select({ routeId: routeStops.routeId, lat: routeStops.lat, lng: routeStops.lng, kgAfter: routeStops.kgAfter, palletsAfter: routeStops.palletsAfter })
      .from(routeStops)
      .where(inArray(routeStops.routeId, routeIds.slice(i, i + STOP_BATCH)))
      .orderBy(asc(routeStops.routeId), asc(routeStops.seq))
      .all();
    for (const { routeId, ...stop } of rows) byRoute.get(routeId)!.push(stop);
  }
  return byRoute;
}

/** Route ids bound per stops query: well under both databases' limits on bound values. */
const STOP_BATCH = 500;

/**
 * The complex's booked routes (a share CONFIRMED or COMPLETED) whose earliest request was posted in [from, to),
 * each on that request's posting day, and the complex's rounds started in [from, to), on their day. A route
 * counts whole on one day, whichever days its other requests were posted, so days sum exactly.
 */
export async function addTripFigures(db: Reader, complexId: number, from: Date, to: Date, into: Map<string, DayFigures>): Promise<void> {
  const routeRequests = sql`${routeStops} f join ${shipmentRequests} q on q.id = f.request_id where f.route_id = ${routes.id}`;
  const booked = await db
    .selectDistinct({
      id: routes.id,
      firstPosted: sql<number>`(select min(q.created_at) from ${routeRequests})`,
      payloadKg: vehicles.payloadKg,
      palletSlots: vehicles.palletSlots,
      requests: sql<number>`(select count(*) from ${bookings} b where b.route_id = ${routes.id} and b.kind = ${codeOf(OFFER_KIND_CODES, 'TRANSPORT')}
        and b.status in (${HOLDING_BOOKING_CODES}))`,
    })
    .from(shipmentRequests)
    // A trunk from the centre picks its loads up there: it is a trip too.
    .innerJoin(routeStops, and(eq(routeStops.requestId, shipmentRequests.id), inArray(routeStops.action, ['PICKUP', 'CENTRE_PICKUP'])))
    .innerJoin(routes, eq(routes.id, routeStops.routeId))
    .innerJoin(vehicles, eq(vehicles.id, routes.vehicleId))
    .where(
      and(
        eq(shipmentRequests.complexId, complexId),
        gte(shipmentRequests.createdAt, from),
        lt(shipmentRequests.createdAt, to),
        held(routes.id),
        sql`not exists (select 1 from ${routeRequests} and q.created_at < ${from.getTime()})`,
      ),
    )
    .all();
  const stopsOf = await stopsByRoute(db, booked.map((route) => route.id));
  for (const route of booked) {
    const day = into.get(seoulDay(new Date(route.firstPosted)))!;
    const stops = stopsOf.get(route.id)!;
    day.trips++;
    day.tripRequests += route.requests;
    day.tripStops += placesInTurn(stops);
    day.peakKgShare += Math.max(...stops.map((s) => s.kgAfter)) / route.payloadKg;
    day.peakPalletsShare += Math.max(...stops.map((s) => s.palletsAfter)) / route.palletSlots;
    stops.forEach((stop, k) => {
      if (k === 0) return;
      const previous = stops[k - 1]!;
      const km = haversineKm(previous, stop);
      day.kgKm += previous.kgAfter * km;
      day.payloadKm += route.payloadKg * km;
      day.palletKm += previous.palletsAfter * km;
      day.palletSlotKm += route.palletSlots * km;
    });
  }

  const assignmentKrw = sql<number | null>`${reportField('assignmentCostKrw')}`;
  const rounds = await db
    .select({
      startedAt: matchingRounds.startedAt,
      assignmentKrw,
      // What the round offered: its route shares' prices, which never change (a booked route's price grows when an
      // extension joins it, which a later round offered). Qualified by hand: a lone column name here would be
      // drizzle's unqualified "id", which is the route's.
      pooledKrw: sql<number>`(select coalesce(sum(o.price_krw), 0) from ${offers} o where o.round_id = "matching_rounds"."id" and o.route_id is not null)`,
    })
    .from(matchingRounds)
    .where(and(eq(matchingRounds.complexId, complexId), gte(matchingRounds.startedAt, from), lt(matchingRounds.startedAt, to), isNotNull(assignmentKrw)))
    .all();
  for (const round of rounds) {
    const day = into.get(seoulDay(round.startedAt))!;
    day.rounds++;
    day.assignmentCostKrw += round.assignmentKrw!;
    day.pooledCostKrw += round.pooledKrw;
  }
}

/**
 * The complex's first day with anything to count: the earliest of its first request's posting day, its first round's
 * day and its first listed day (null when it has none). Every figure of a day before it is zero.
 */
export async function firstActiveDay(db: Reader, complexId: number): Promise<string | null> {
  const firstPosted = (await db.select({ at: min(shipmentRequests.createdAt) }).from(shipmentRequests).where(eq(shipmentRequests.complexId, complexId)).get())?.at;
  const firstRound = (await db.select({ at: min(matchingRounds.startedAt) }).from(matchingRounds).where(eq(matchingRounds.complexId, complexId)).get())?.at;
  const firstListed = (
    await db
      .select({ day: min(listingAvailability.fromDay) })
      .from(listingAvailability)
      .innerJoin(warehouseListings, eq(warehouseListings.id, listingAvailability.listingId))
      .where(eq(warehouseListings.complexId, complexId))
      .get()
  )?.day;
  const starts = [firstPosted && seoulDay(firstPosted), firstRound && seoulDay(firstRound), firstListed].filter((d): d is string => !!d);
  return starts.sort()[0] ?? null;
}

/**
 * Idle pallet-days listed by the complex's listings over [firstDay, lastDay] (a withdrawn one's before the day it was
 * withdrawn), and those held by bookings.
 * Listings are found from their windows overlapping the days (by window end, so days near today read the few
 * current windows), not from every listing the complex ever had; a reservation lies within a window of its listing.
 */
export async function storageFigures(db: Reader, complexId: number, firstDay: string, lastDay: string): Promise<{ idlePalletDays: number; bookedPalletDays: number }> {
  const listed = db
    .select({ id: listingAvailability.listingId })
    .from(listingAvailability)
    .where(and(gte(listingAvailability.toDay, firstDay), lte(listingAvailability.fromDay, lastDay)));
  // A withdrawn listing listed its space until the day it was withdrawn (its last change: a withdrawn one takes none), so
  // the days before keep their idle space, as they keep the stays booked in it.
  const endDay = sql`(${dayNumber(least(listingAvailability.toDay, lastDay))} + 1)`;
  const listedUntil = sql`case when ${eq(warehouseListings.status, 'ACTIVE')} then ${endDay} else ${least(endDay, dayNumber(seoulDayOf(warehouseListings.updatedAt)))} end`;
  const overlapDays = greatest(0, sql`${listedUntil} - ${dayNumber(greatest(listingAvailability.fromDay, firstDay))}`);
  const idle = (await db
    .select({ palletDays: sql<number>`coalesce(sum(${listingAvailability.idlePallets} * ${overlapDays}), 0)` })
    .from(listingAvailability)
    .innerJoin(warehouseListings, eq(warehouseListings.id, listingAvailability.listingId))
    .where(and(inArray(warehouseListings.id, listed), eq(warehouseListings.complexId, complexId), lte(listingAvailability.fromDay, lastDay), gte(listingAvailability.toDay, firstDay)))
    .get())!.palletDays;
  const booked = (await db
    .select({ palletDays: sql<number>`coalesce(sum(${listingReservations.pallets}), 0)` })
    .from(listingReservations)
    .innerJoin(warehouseListings, eq(warehouseListings.id, listingReservations.listingId))
    .where(and(inArray(warehouseListings.id, listed), eq(warehouseListings.complexId, complexId), isNull(listingReservations.releasedAt), sql`${listingReservations.day} between ${firstDay} and ${lastDay}`))
    .get())!.palletDays;
  return { idlePalletDays: idle, bookedPalletDays: booked };
}

/**
 * The median in minutes, to 0.1, of the values of ascending runs (a day's booking times each), found by counting
 * with a binary search per run rather than by merging them: a year is ~40 k values in 366 runs.
 */
export function medianMinutes(runs: readonly (readonly number[])[]): number | null {
  const count = runs.reduce((sum, run) => sum + run.length, 0);
  if (count === 0) return null;
  const mid = count >> 1;
  const ms = count % 2 ? nthSmallest(runs, mid) : (nthSmallest(runs, mid - 1) + nthSmallest(runs, mid)) / 2;
  return Math.round((ms / 60_000) * 10) / 10;
}

/** The n-th smallest (from 0) of the values of ascending runs. */
function nthSmallest(runs: readonly (readonly number[])[], n: number): number {
  const atMost = (v: number) => runs.reduce((sum, run) => sum + upperBound(run, v), 0);
  // The least whole v with more than n values at or below it; the value sought is the largest of those, in (v - 1, v].
  let [lo, hi] = [Math.floor(Math.min(...runs.filter((r) => r.length > 0).map((r) => r[0]!))), Math.ceil(Math.max(...runs.map((r) => r.at(-1) ?? -Infinity)))];
  while (lo < hi) {
    const v = Math.floor((lo + hi) / 2);
    if (atMost(v) > n) hi = v;
    else lo = v + 1;
  }
  return Math.max(...runs.map((run) => run[upperBound(run, lo) - 1] ?? -Infinity));
}

/** How many values of the ascending run are at most v. */
function upperBound(run: readonly number[], v: number): number {
  let [lo, hi] = [0, run.length];
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (run[m]! <= v) lo = m + 1;
    else hi = m;
  }
  return lo;
}
