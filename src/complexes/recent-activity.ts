import { and, desc, eq, inArray, isNotNull, min, not, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { BOOKING_STATUSES, bookings, EMPTY_SCHEDULED_ROUND, LISTING_STATUSES, matchingRounds, organisations, shipmentRequests, STEPS_ONLY, termsOfMask, trackingEvents, VEHICLE_STATUSES, vehicles, warehouseListings, webhookEndpoints } from '../../db/schema';
import { requireOverseer } from '../auth/authorize';
import type { Context } from '../context';
import { groupBy } from '../group-by';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination';
import type { ComplexActivityEvent } from '../pubsub';
import { parseArgs } from '../validation';
import { labelEn, vehicleClass } from '../supply/vehicle-classes';
import { activityId, bookedLine, bookingUnit, endpointDisabledLine, givenBackLine, listingPublishedLine, listingWithdrawnLine, loadLine, requestChangedLine, roundLine, shipmentLine, vehicleRegisteredLine, vehicleRetiredLine, type ShipmentStep } from './activity-lines';
import { ComplexCode, getComplex } from './get-complex';

export const RecentComplexActivityInput = z.object({
  code: ComplexCode,
  // `first: null`, as clients send an unset variable, asks for the default as leaving it out does.
  first: z.preprocess((v) => v ?? undefined, z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE)),
});
export type RecentComplexActivityInput = z.input<typeof RecentComplexActivityInput>;

type Item = Omit<ComplexActivityEvent, 'complexCode'>;

/** Of lines stored at one instant (a round and the bookings of its offers, in a demo), which came later. */
const LATER: Partial<Record<Item['kind'], number>> = { REQUEST_CHANGED: 1, MATCHING_ROUND_COMPLETED: 1, BOOKING_CONFIRMED: 2, REQUEST_CANCELLED: 3, BOOKING_RETURNED: 3 };

/**
 * OPERATOR of the complex, or ADMIN: the complex's newest `first` activity lines, newest first, as the live feed
 * (`complexActivity`) told them, rebuilt from the stored rows: nothing is written per event. Each source reads its
 * newest rows of the complex by an index, so the cost follows `first`, never the complex's history. Every kind the
 * live feed tells is told again, but what older rows cannot say (README, "Recent activity").
 * @throws ValidationError for `first` outside 1..100; NotFoundError for an unknown complex; ForbiddenError for others.
 */
export async function recentComplexActivity({ ctx, input }: { ctx: Context; input: RecentComplexActivityInput }): Promise<ComplexActivityEvent[]> {
  const { code, first } = parseArgs(RecentComplexActivityInput, input);
  const complex = getComplex({ ctx, input: { code } });
  requireOverseer(ctx, complex);
  const sources = await Promise.all(
    [rounds, requests, booked, givenBack, listings, withdrawn, registered, retired, steps, gaveUp].map((source) => source(ctx.db, complex.id, first)),
  );
  return sources
    .flat()
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (LATER[b.kind] ?? 0) - (LATER[a.kind] ?? 0))
    .slice(0, first)
    .map((item) => ({ complexCode: complex.code, ...item }));
}

/**
 * Completed rounds, by matching_rounds_complex (complex_id, started_at), but the empty scheduled ones the live feed
 * never told (run-round.ts): passing over them reads at most a day's (EMPTY_ROUND_RETENTION_HOURS prunes them).
 */
async function rounds(db: Db, complexId: number, first: number): Promise<Item[]> {
  const rows = await db
    .select()
    .from(matchingRounds)
    // In parentheses: drizzle writes `not` before the condition as it is, and NOT binds tighter than its AND.
    .where(and(eq(matchingRounds.complexId, complexId), not(sql`(${EMPTY_SCHEDULED_ROUND})`)))
    .orderBy(desc(matchingRounds.startedAt))
    .limit(first)
    .all();
  return rows.flatMap((r) =>
    r.status === 'COMPLETED' && r.report && r.finishedAt
      ? [{ id: activityId('MATCHING_ROUND_COMPLETED', r.id), kind: 'MATCHING_ROUND_COMPLETED' as const, at: r.finishedAt, ...roundLine({ roundId: r.id, extensions: 0, centreRequests: 0, ...r.report }) }]
      : [],
  );
}

/**
 * Requests posted, by requests_complex_newest (complex_id, id); changed, by requests_complex_changed (complex_id,
 * terms_changed_at); cancelled, by requests_complex_cancelled (complex_id, cancelled_at). A request keeps only its
 * last change (amendRequest writes over the one before), so only that one is told again.
 */
async function requests(db: Db, complexId: number, first: number): Promise<Item[]> {
  const [posted, changed, cancelled] = await Promise.all([
    db.select().from(shipmentRequests).where(eq(shipmentRequests.complexId, complexId)).orderBy(desc(shipmentRequests.id)).limit(first).all(),
    db.select().from(shipmentRequests).where(and(eq(shipmentRequests.complexId, complexId), isNotNull(shipmentRequests.termsChangedAt))).orderBy(desc(shipmentRequests.termsChangedAt)).limit(first).all(),
    db.select().from(shipmentRequests).where(and(eq(shipmentRequests.complexId, complexId), eq(shipmentRequests.status, 'CANCELLED'))).orderBy(desc(shipmentRequests.cancelledAt)).limit(first).all(),
  ]);
  return [
    ...posted.map((r) => ({ id: activityId('REQUEST_POSTED', r.id), kind: 'REQUEST_POSTED' as const, at: r.createdAt, ...loadLine(r) })),
    ...changed.map((r) => ({ id: activityId('REQUEST_CHANGED', r.id, r.termsChangedAt!), kind: 'REQUEST_CHANGED' as const, at: r.termsChangedAt!, ...requestChangedLine(r, termsOfMask(r.termsChanged!)) })),
    ...cancelled.map((r) => ({ id: activityId('REQUEST_CANCELLED', r.id), kind: 'REQUEST_CANCELLED' as const, at: r.cancelledAt!, ...loadLine(r), reason: r.cancelReason })),
  ];
}

/**
 * Bookings confirmed, by bookings_complex (complex_id, status, booked_at), one read per status (a booking was
 * confirmed whatever became of it). One accept books a unit, every share of a route at one instant: grouped back
 * by route and instant. A route booked before that instant was extended.
 */
async function booked(db: Db, complexId: number, first: number): Promise<Item[]> {
  const reads = BOOKING_STATUSES.map((status) =>
    db
      .select({ booking: bookings, request: shipmentRequests })
      .from(bookings)
      .innerJoin(shipmentRequests, eq(shipmentRequests.id, bookings.requestId))
      .where(and(eq(bookings.complexId, complexId), eq(bookings.status, status)))
      .orderBy(desc(bookings.bookedAt))
      .limit(first)
      .all(),
  );
  const units = [...groupBy((await Promise.all(reads)).flat(), ({ booking: b }) => bookingUnit(b, b.bookedAt)).values()];
  const routeIds = [...new Set(units.flatMap((u) => (u[0]!.booking.routeId ? [u[0]!.booking.routeId] : [])))];
  // By bookings_route: each route's first booking.
  const since = new Map(
    routeIds.length === 0
      ? []
      : (await db.select({ routeId: bookings.routeId, at: min(bookings.bookedAt) }).from(bookings).where(inArray(bookings.routeId, routeIds)).groupBy(bookings.routeId).all()).map((r) => [r.routeId, r.at]),
  );
  return units.map((unit) => {
    const { booking: b, request } = unit[0]!;
    const storage = b.kind === 'STORAGE' ? { pallets: b.pallets, fromDay: b.storageFromDay!, toDay: b.storageToDay! } : null;
    const extended = b.routeId !== null && (since.get(b.routeId)?.getTime() ?? Infinity) < b.bookedAt.getTime();
    return { id: activityId('BOOKING_CONFIRMED', bookingUnit(b, b.bookedAt)), kind: 'BOOKING_CONFIRMED' as const, at: b.bookedAt, ...bookedLine({ extended, bookings: unit.map((u) => u.booking), storage, load: storage ? null : loadLine(request) }) };
  });
}

/** Bookings given back by their supplier, by bookings_complex_returned (complex_id, ended_at): a route's shares at once. */
async function givenBack(db: Db, complexId: number, first: number): Promise<Item[]> {
  const rows = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.complexId, complexId), eq(bookings.status, 'RETURNED')))
    .orderBy(desc(bookings.endedAt))
    .limit(first)
    .all();
  // The request's other legs ended with it carry no one who ended them (give-back-booking.ts): not a give-back of their own.
  const given = rows.filter((b) => b.endedByOrgId === b.supplierOrgId);
  return [...groupBy(given, (b) => bookingUnit(b, b.endedAt!)).entries()].map(([key, unit]) => ({
    id: activityId('BOOKING_RETURNED', key),
    kind: 'BOOKING_RETURNED' as const,
    at: unit[0]!.endedAt!,
    ...givenBackLine({ storage: unit[0]!.kind === 'STORAGE', shipments: unit.length }),
    reason: unit[0]!.endReason,
  }));
}

/**
 * Listings published, by listings_complex (complex_id, status), one read per status: its rows of one status come
 * newest first (SQLite keeps the rowid in the index), where one read of the complex sorted all its listings of all
 * time (2.8 of a 14 ms history at three years of weekly listings, bench:growth's).
 */
async function listings(db: Db, complexId: number, first: number): Promise<Item[]> {
  const reads = LISTING_STATUSES.map((status) =>
    db.select().from(warehouseListings).where(and(eq(warehouseListings.complexId, complexId), eq(warehouseListings.status, status))).orderBy(desc(warehouseListings.id)).limit(first).all(),
  );
  const rows = (await Promise.all(reads)).flat();
  return rows.map((l) => ({ id: activityId('LISTING_PUBLISHED', l.id), kind: 'LISTING_PUBLISHED' as const, at: l.createdAt, ...listingPublishedLine(l) }));
}

/** Vehicles registered, by vehicles_complex (complex_id, status), one read per status as listings are. */
async function registered(db: Db, complexId: number, first: number): Promise<Item[]> {
  const reads = VEHICLE_STATUSES.map((status) =>
    db.select().from(vehicles).where(and(eq(vehicles.complexId, complexId), eq(vehicles.status, status))).orderBy(desc(vehicles.id)).limit(first).all(),
  );
  const rows = (await Promise.all(reads)).flat();
  return rows.map((v) => {
    const cls = vehicleClass(v.tonnageClass);
    return { id: activityId('VEHICLE_REGISTERED', v.id), kind: 'VEHICLE_REGISTERED' as const, at: v.createdAt, ...vehicleRegisteredLine({ classEn: labelEn(cls), classKo: cls.labelKo, bodyType: v.bodyType, payloadKg: v.payloadKg, palletSlots: v.palletSlots }) };
  });
}

/** Listings withdrawn, by listings_complex_withdrawn (complex_id, updated_at): a withdrawn listing changes no more. */
async function withdrawn(db: Db, complexId: number, first: number): Promise<Item[]> {
  const rows = await db
    .select()
    .from(warehouseListings)
    .where(and(eq(warehouseListings.complexId, complexId), eq(warehouseListings.status, 'WITHDRAWN')))
    .orderBy(desc(warehouseListings.updatedAt))
    .limit(first)
    .all();
  return rows.map((l) => ({ id: activityId('LISTING_WITHDRAWN', l.id), kind: 'LISTING_WITHDRAWN' as const, at: l.updatedAt!, ...listingWithdrawnLine(l) }));
}

/** Vehicles retired, by vehicles_complex_retired (complex_id, retired_at): those retired before it was kept are not told. */
async function retired(db: Db, complexId: number, first: number): Promise<Item[]> {
  const rows = await db
    .select()
    .from(vehicles)
    .where(and(eq(vehicles.complexId, complexId), isNotNull(vehicles.retiredAt)))
    .orderBy(desc(vehicles.retiredAt))
    .limit(first)
    .all();
  return rows.map((v) => {
    const cls = vehicleClass(v.tonnageClass);
    return { id: activityId('VEHICLE_RETIRED', v.id), kind: 'VEHICLE_RETIRED' as const, at: v.retiredAt!, ...vehicleRetiredLine({ classEn: labelEn(cls), classKo: cls.labelKo, bodyType: v.bodyType, byOperator: v.retiredByOperator }), reason: v.retiredReason };
  });
}

/**
 * Shipment steps (position reports are kept off the feed: report-tracking-event.ts), by tracking_events_complex
 * (complex_id, newest by id, steps only), with their booking's load.
 */
async function steps(db: Db, complexId: number, first: number): Promise<Item[]> {
  // Read alone, so that STEPS_ONLY's unqualified `kind` is the event's (bookings have one too) and the index serves it.
  const newest = db
    .select({ id: trackingEvents.id, bookingId: trackingEvents.bookingId, kind: trackingEvents.kind, at: trackingEvents.recordedAt, occurredAt: trackingEvents.occurredAt })
    .from(trackingEvents)
    .where(and(eq(trackingEvents.complexId, complexId), STEPS_ONLY))
    .orderBy(desc(trackingEvents.id))
    .limit(first)
    .as('newest');
  const rows = await db.select({ id: newest.id, step: newest.kind, at: newest.at, occurredAt: newest.occurredAt, pallets: bookings.pallets, weightKg: bookings.weightKg }).from(newest).innerJoin(bookings, eq(bookings.id, newest.bookingId)).all();
  return rows.map((e) => {
    const step = e.step as ShipmentStep;
    return { id: activityId(`SHIPMENT_${step}`, e.id), kind: `SHIPMENT_${step}` as const, at: e.at, ...shipmentLine({ step, pallets: e.pallets, weightKg: e.weightKg, occurredAt: e.occurredAt, reportedAt: e.at }) };
  });
}

/**
 * Webhook endpoints the worker gave up on and disabled, by webhook_endpoints_complex_gave_up (complex_id, gave_up_at):
 * each endpoint's last giving up, with its organisation's name and its host as they are now.
 */
async function gaveUp(db: Db, complexId: number, first: number): Promise<Item[]> {
  const rows = await db
    .select({ endpoint: webhookEndpoints, organisation: organisations.name })
    .from(webhookEndpoints)
    .innerJoin(organisations, eq(organisations.id, webhookEndpoints.organisationId))
    .where(and(eq(webhookEndpoints.complexId, complexId), isNotNull(webhookEndpoints.gaveUpAt)))
    .orderBy(desc(webhookEndpoints.gaveUpAt))
    .limit(first)
    .all();
  return rows.map(({ endpoint: e, organisation }) => ({
    id: activityId('WEBHOOK_ENDPOINT_DISABLED', e.id, e.gaveUpAt!),
    kind: 'WEBHOOK_ENDPOINT_DISABLED' as const,
    at: e.gaveUpAt!,
    ...endpointDisabledLine({ organisation, host: new URL(e.url).host, failed: e.gaveUpFailed!, since: e.gaveUpSince! }),
  }));
}
