import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { bookings, shipmentRequests } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import type { Context } from '../context';
import { ConflictError, NotFoundError } from '../errors';
import { IdempotencyKey, idempotent } from '../idempotency';
import { publishAll, type Publication } from '../pubsub';
import { FREE_TEXT, parseInput } from '../validation';
import { recordWebhookEvents } from '../webhooks/record-event';
import { bookingScope, type BookingRecord } from './booking-record';
import { complexCodeOf } from '../complexes/complex-code';
import { giveBackRequests } from '../market/give-back-requests';
import { falloutEvents } from '../market/fallout';
import type { Tx } from '../../db/transaction';
import { activityId, bookingUnit, givenBackLine } from '../complexes/activity-lines';
import { trunkDeparted } from '../market/awaiting-trunk';
import { END_REASONS } from '../market/end-reasons';
import { REQUEST_TRANSITIONS } from '../market/transitions';
import { toGlobalId } from '../global-id';
import type { RequestStatus } from '../../db/schema';

export const GIVE_BACK_REASON_MAX_LENGTH = 500;

export const GiveBackBookingInput = z.object({
  bookingId: z.number().int().positive(),
  reason: z.string().trim().min(1, 'must not be empty').max(GIVE_BACK_REASON_MAX_LENGTH).regex(...FREE_TEXT),
  idempotencyKey: IdempotencyKey,
});
export type GiveBackBookingInput = z.input<typeof GiveBackBookingInput>;

interface Outcome {
  bookingIds: number[];
  requestIds: number[];
}

/**
 * CARRIER or WAREHOUSE_OWNER that holds the booking: gives it back before pickup, with a reason. The whole
 * request returns to the next matching round: every leg of it is released (a storage leg decides where the
 * transport leg goes, and the other way round), as is every share of a consolidated load not picked up yet: once the
 * truck picked up some of its loads, those stay booked on it and it drives them on, the rest go. A trunk leg whose feeder
 * already picked the goods up ends alone, until it loads them at the centre: the goods await a new trunk from there. Returns the
 * ended bookings the caller holds: another supplier's leg of the request ends too, but its price, listing or
 * vehicle are that supplier's business; it ends with a reason of its own (the other leg was given back), not the
 * caller's words, and its supplier hears of it (bookingEnded), as do the suppliers of the offers withdrawn with the
 * request (offerWithdrawn). A retry with the same idempotency key returns the
 * first outcome.
 * @throws NotFoundError for an unknown booking or another supplier's; ConflictError once it ended or its
 *   goods were picked up (by a trunk: loaded at the centre), naming the route's bookings that can still be given back.
 */
export async function giveBackBooking({ ctx, input }: { ctx: Context; input: GiveBackBookingInput }): Promise<BookingRecord[]> {
  const viewer = requireRole(ctx, 'CARRIER', 'WAREHOUSE_OWNER');
  const { bookingId, reason, idempotencyKey } = parseInput(GiveBackBookingInput, input);
  let events: Publication[] | undefined;
  const { result: outcome, fresh } = await idempotent(ctx.db, { organisationId: viewer.organisationId, key: idempotencyKey, operation: 'bookingGiveBack', input: { bookingId, reason } }, async (tx): Promise<Outcome> => {
    const now = ctx.now();
    const booking = await tx.select().from(bookings).where(eq(bookings.id, bookingId)).get();
    if (!booking || booking.supplierOrgId !== viewer.organisationId) throw new NotFoundError('Booking');
    if (booking.status !== 'CONFIRMED') throw new ConflictError(`Booking is ${booking.status} and can no longer be given back`);
    const shares = booking.routeId ? await tx.select().from(bookings).where(and(eq(bookings.routeId, booking.routeId), eq(bookings.status, 'CONFIRMED'))).all() : [booking];
    // The truck's unstarted part goes together: the loads it picked up stay on board, booked, and drive on.
    const onBoard = await pickedUp(tx, shares);
    if (onBoard.has(booking.id)) throw new ConflictError(onBoardMessage(booking, shares.filter((b) => !onBoard.has(b.id))));
    const unit = shares.filter((b) => !onBoard.has(b.id));
    const requestIds = unit.map((b) => b.requestId);
    const { ended, returned } = await giveBackRequests(tx, unit, { reason, byOrgId: viewer.organisationId, now });
    const bookingIds = ended.map((b) => b.id);
    // The request's other legs (its storage, the other leg through the centre) end with a reason of their own; their
    // suppliers, and those of requests that returned with a load they shared, are told.
    const followed = await endedWithIt(tx, booking, unit, bookingIds);
    const told = falloutEvents({ ...returned, ended: [...followed, ...returned.ended].filter((b) => b.supplierOrgId !== viewer.organisationId) });
    events = [...(await givenBackEvents(ctx, tx, ended.find((b) => b.id === booking.id)!, requestIds, reason, now)), ...told];
    await recordWebhookEvents(tx, events, now);
    return { bookingIds, requestIds };
  });
  if (fresh && events) publishAll(ctx.pubsub, events);
  return ctx.db.select().from(bookings).where(and(inArray(bookings.id, outcome.bookingIds), bookingScope(viewer))).orderBy(bookings.id).all();
}

/**
 * The shares whose goods their truck picked up (a trunk: loaded at the centre, DEPARTED_CENTRE; any other: its
 * request is past BOOKED). A trunk whose feeder picked the goods up has not, until it loads them.
 */
async function pickedUp(tx: Tx, shares: BookingRecord[]): Promise<Set<number>> {
  const statuses = await tx.select({ id: shipmentRequests.id, status: shipmentRequests.status }).from(shipmentRequests).where(inArray(shipmentRequests.id, shares.map((b) => b.requestId))).all();
  const before: readonly RequestStatus[] = REQUEST_TRANSITIONS.giveBack.from;
  const pastBooked = new Set(statuses.filter((r) => !before.includes(r.status)).map((r) => r.id));
  const picked = new Set<number>();
  for (const b of shares) if (b.centreLeg === 'TRUNK' ? await trunkDeparted(tx, b.id) : pastBooked.has(b.requestId)) picked.add(b.id);
  return picked;
}

/** Why a share on board cannot be given back, and what can: the route's loads not picked up yet, named. */
function onBoardMessage(given: BookingRecord, notYet: BookingRecord[]): string {
  const why = given.centreLeg === 'TRUNK' ? 'The goods were already loaded at the logistics centre (DEPARTED_CENTRE)' : 'The goods were already picked up';
  if (notYet.length === 0) return `${why}: the booking can no longer be given back`;
  return `${why}: the booking can no longer be given back; the loads on its route not picked up yet can be, all together: bookingGiveBack on one of their bookings (${notYet.map((b) => toGlobalId('Booking', b.id)).join(', ')})`;
}

/**
 * The bookings that ended with the unit given back without being part of it (the request's other legs: its storage,
 * the other carrier's leg through the centre), which giveBackRequests ended with the giving supplier's words. Each
 * carries its own reason instead, why it ended, and no one who ended it (the service did, as when a leg is declined):
 * the first supplier's free text is its own business, and the next round does not take it for this supplier's no.
 */
async function endedWithIt(tx: Tx, given: BookingRecord, unit: BookingRecord[], endedIds: number[]): Promise<BookingRecord[]> {
  const own = new Set(unit.map((b) => b.id));
  const others = endedIds.filter((id) => !own.has(id));
  if (others.length === 0) return [];
  const endReason = (given.kind === 'STORAGE' ? END_REASONS.legGivenBackByWarehouse : END_REASONS.legGivenBackByCarrier).en;
  return await tx.update(bookings).set({ endReason, endedByOrgId: null }).where(inArray(bookings.id, others)).returning().all();
}

/** The feed line names who gave back: the supplier of the booking given (as ended), whichever of the request's legs ended first. */
async function givenBackEvents(ctx: Context, tx: Tx, given: BookingRecord, requestIds: number[], reason: string, at: Date): Promise<Publication[]> {
  const activity: Publication = ['complexActivity', {
    id: activityId('BOOKING_RETURNED', bookingUnit(given, given.endedAt!)),
    complexCode: complexCodeOf(ctx, given.complexId),
    kind: 'BOOKING_RETURNED',
    at,
    ...givenBackLine({ storage: given.kind === 'STORAGE', shipments: requestIds.length }),
    reason: given.endReason,
  }];
  const updates = await tx.select().from(shipmentRequests).where(inArray(shipmentRequests.id, requestIds)).all();
  return [activity, ...updates.map((request): Publication => ['shipmentUpdated', { requestId: request.id, shipperOrgId: request.shipperOrgId, status: request.status, at, trackingEvent: null, reason }])];
}
