import { and, count, eq, inArray, ne, or, sql, sum } from 'drizzle-orm';
import { z } from 'zod';
import { bookings, HOLDING_BOOKING_STATUSES, offers, shipmentRequests } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import type { Context, Viewer } from '../context';
import { activityId, bookedLine, bookingUnit, loadLine } from '../complexes/activity-lines';
import type { ShipmentRequestRecord } from '../demand/request-record';
import { ConflictError, NotFoundError } from '../errors';
import { IdempotencyKey, idempotent, type Claim } from '../idempotency';
import type { OfferRecord } from '../matching/offer-record';
import { publishAll, type Publication } from '../pubsub';
import { parseInput } from '../validation';
import { recordWebhookEvents } from '../webhooks/record-event';
import type { BookingRecord } from './booking-record';
import { complexCodeOf } from '../complexes/complex-code';
import { together, type Tx } from '../../db/transaction';
import { preparedPerDatabase } from '../../db/prepared';
import { lockingRows } from '../../db/sql';
import { guarded, OverCapacityError, reserve } from '../market/reservations';
import { withdrawRivalOffers } from '../market/withdraw-offers';
import { falloutEvents, noFallout } from '../market/fallout';
import { acceptOffers, markBooked } from '../market/book';
import { applyExtension, extensionOf, lapseStaleExtension, StaleExtensionError } from './extend-route';
import { busyRouteOf, lapseBusyRoute, RouteTruckFullError, VehicleBusyError } from './vehicle-busy';
import { lapseFullStay, StayFullError } from './stay-full';
import { bookPlan } from '../matching/route-plan';
import { WITH_FEEDER_OR_CENTRE } from '../market/awaiting-trunk';

export const AcceptOfferInput = z.object({
  offerId: z.number().int().positive(),
  idempotencyKey: IdempotencyKey,
});
export type AcceptOfferInput = z.infer<typeof AcceptOfferInput>;

export interface AcceptedOffer {
  offer: OfferRecord;
  /** One per accepted offer: a consolidated load books every share at once. */
  bookings: BookingRecord[];
}

/** What the transaction decided; stored with the idempotency key, so a retry returns the same. */
interface Outcome {
  offerId: number;
  bookingIds: number[];
  /** Requests whose every leg is now booked. */
  bookedRequestIds: number[];
}

/**
 * CARRIER (its vehicle's offer) or WAREHOUSE_OWNER (its listing's storage offer): accepts an offer and books
 * it in one immediate transaction: reserves the vehicle over pickup..delivery or the warehouse's pallets on
 * each day of the stay, withdraws the other offers for the same leg, and marks the request BOOKED once every
 * leg is booked (a trunk for goods awaiting one at the centre leaves their status as it is). A consolidated load is accepted as one unit, all shares or none; an extension of a booked route
 * also moves that route to its new stops (extend-route.ts). A retry with the same idempotency key returns the first outcome.
 * @throws NotFoundError for an unknown offer or one made to someone else; ConflictError when the offer is no
 *   longer pending or has expired, the request was booked or cancelled meanwhile, the vehicle or
 *   warehouse has no room left (a stay then lapses), the vehicle is booked on another route at those hours (the route then lapses), or an
 *   extension's booked route changed since its round; ValidationError for a malformed input.
 */
export async function acceptOffer({ ctx, input }: { ctx: Context; input: AcceptOfferInput }): Promise<AcceptedOffer> {
  const viewer = requireRole(ctx, 'CARRIER', 'WAREHOUSE_OWNER');
  const { offerId, idempotencyKey } = parseInput(AcceptOfferInput, input);
  let booked: Booked | undefined;
  const { result: outcome, fresh } = await idempotent(ctx.db, { organisationId: viewer.organisationId, key: idempotencyKey, operation: 'offerAccept', input: { offerId } }, async (tx, claim): Promise<Outcome> => {
    // One reading of the clock: the booking's rows, the events it tells and their webhooks' timestamp say the same instant.
    const now = ctx.now();
    booked = await book(tx, viewer, offerId, now, { eventsOf: (unit) => bookedEvents(ctx, unit, now), claim });
    return booked.outcome;
  }).catch((error: unknown) =>
    // The supplier's accept of an extension whose booked route changed, of a route its truck is booked elsewhere for,
    // or of a stay its warehouse is full for, lets it lapse (a retry then reads it EXPIRED).
    error instanceof StaleExtensionError
      ? lapseStaleExtension(ctx, error, ctx.now())
      : error instanceof VehicleBusyError || error instanceof RouteTruckFullError
        ? lapseBusyRoute(ctx, error, ctx.now())
        : error instanceof StayFullError
          ? lapseFullStay(ctx, error, ctx.now())
          : Promise.reject(error),
  );
  if (!fresh || !booked) {
    // A retry: read back what the first call booked.
    return {
      offer: (await ctx.db.select().from(offers).where(eq(offers.id, outcome.offerId)).get())!,
      bookings: await ctx.db.select().from(bookings).where(inArray(bookings.id, outcome.bookingIds)).orderBy(bookings.id).all(),
    };
  }
  publishAll(ctx.pubsub, booked.events);
  return booked.accepted;
}

/** A fresh booking: what it decided, and the rows it wrote and read, as committed (no need to read them again). */
interface Booked {
  outcome: Outcome;
  accepted: AcceptedOffer;
  /** What it tells subscribers: written to the webhook outbox in the transaction, published after the commit. */
  events: Publication[];
}

/** What a booking's events tell, known before its last writes. */
interface BookedUnit {
  /** The accepted offer as read (still PENDING). */
  offer: OfferRecord;
  bookings: BookingRecord[];
  requests: ShipmentRequestRecord[];
  bookedRequestIds: number[];
  /** Requests awaiting a trunk that got one: their status stays what their goods do. */
  retrunkedIds: number[];
  /** It extended a route already booked. */
  extended: boolean;
}

/** A timestamp placeholder bound as epoch ms (`epochMs`): drizzle's encoder would take neither a null nor an update's placeholder. */
const timestampParam = (name: string) => sql`${sql.placeholder(name)}`;
const epochMs = (date: Date | null) => date?.getTime() ?? null;

const holding = inArray(bookings.status, HOLDING_BOOKING_STATUSES);

/** Every statement of a booking, prepared once per database (see `preparedPerDatabase`). */
const statements = preparedPerDatabase((db) => ({
  // The offer with the other shares of its load and their requests, in one statement. The requests are locked
  // (PostgreSQL), in id order: a cancellation or give-back of a request committing meanwhile would otherwise leave this
  // booking CONFIRMED on a request that is no longer OFFERED (found by four processes racing on PostgreSQL).
  unit: lockingRows(
    db
      .select({ offer: offers, request: shipmentRequests })
      .from(offers)
      .innerJoin(shipmentRequests, eq(shipmentRequests.id, offers.requestId))
      .where(or(eq(offers.id, sql.placeholder('id')), eq(offers.routeId, sql`(select route_id from offers o where o.id = ${sql.placeholder('id')})`)))
      .orderBy(shipmentRequests.id),
    shipmentRequests,
  ).prepare(),
  insertBooking: db
    .insert(bookings)
    .values({
      offerId: sql.placeholder('offerId'),
      requestId: sql.placeholder('requestId'),
      complexId: sql.placeholder('complexId'),
      shipperOrgId: sql.placeholder('shipperOrgId'),
      supplierOrgId: sql.placeholder('supplierOrgId'),
      kind: sql.placeholder('kind'),
      vehicleId: sql.placeholder('vehicleId'),
      listingId: sql.placeholder('listingId'),
      routeId: sql.placeholder('routeId'),
      centreLeg: sql.placeholder('centreLeg'),
      priceKrw: sql.placeholder('priceKrw'),
      weightKg: sql.placeholder('weightKg'),
      pallets: sql.placeholder('pallets'),
      pickupAt: timestampParam('pickupAt'),
      deliverAt: timestampParam('deliverAt'),
      storageFromDay: sql.placeholder('storageFromDay'),
      storageToDay: sql.placeholder('storageToDay'),
      bookedAt: sql.placeholder('bookedAt'),
    })
    .returning()
    .prepare(),
  heldStoragePallets: db
    .select({ pallets: sum(bookings.pallets).mapWith(Number) })
    .from(bookings)
    .where(and(eq(bookings.requestId, sql.placeholder('requestId')), eq(bookings.kind, 'STORAGE'), holding))
    .prepare(),
  heldTransport: db
    .select({ legs: count() })
    .from(bookings)
    .where(and(eq(bookings.requestId, sql.placeholder('requestId')), ne(bookings.kind, 'STORAGE'), holding))
    .prepare(),
}));
type Statements = ReturnType<typeof statements>;

/** What the caller's transaction writes with a booking's last writes: its events, into the webhook outbox; its idempotency key. */
interface LastWrites {
  eventsOf: (unit: BookedUnit) => Publication[];
  claim: Claim<Outcome>;
}

/** Books `offerId` in the caller's transaction `tx`. */
async function book(tx: Tx, viewer: Viewer, offerId: number, now: Date, { eventsOf, claim }: LastWrites): Promise<Booked> {
  const run = statements(tx);
  const rows = await run.unit.all({ id: offerId });
  const offer = rows.find((r) => r.offer.id === offerId)?.offer;
  if (!offer || offer.supplierOrgId !== viewer.organisationId) throw new NotFoundError('Offer');
  if (offer.status !== 'PENDING') throw new ConflictError(`Offer is ${offer.status} and can no longer be accepted`);
  if (offer.expiresAt <= now) throw new ConflictError(`Offer expired at ${offer.expiresAt.toISOString()}; its request returns to the next matching round`);
  const unit = rows.map((r) => r.offer).sort((a, b) => a.id - b.id);
  if (unit.some((o) => o.status !== 'PENDING')) throw new ConflictError('The consolidated load is no longer complete: one of its shares was withdrawn, declined or expired');

  const requestIds = unit.map((o) => o.requestId);
  const requests = new Map(rows.map((r) => [r.request.id, r.request]));
  // A trunk offered to goods awaiting one keeps their status (picked up, at the centre): the offer alone says so.
  const awaiting = (r: ShipmentRequestRecord) => WITH_FEEDER_OR_CENTRE.includes(r.status) && unit.some((o) => o.requestId === r.id && o.centreLeg === 'TRUNK');
  for (const request of requests.values()) {
    if (request.status !== 'OFFERED' && !awaiting(request)) throw new ConflictError(`ShipmentRequest is ${request.status} and can no longer be booked`);
  }

  // An extension first moves the booked route to its new stops, then its new shares join it.
  const extension = await extensionOf(tx, offer.routeId);
  const joinBookedRoute = extension ? await applyExtension(tx, extension, now) : null;
  // A route of its own: its plan becomes its stop rows, before the bookings whose triggers read them.
  if (offer.routeId && !extension) await bookPlan(tx, offer.routeId);
  // Every share's booking and its hold sent at once: a hold finds its booking by offer (on PostgreSQL, one write).
  const booked = await guarded(async () => {
    const writes = unit.map((o) => {
      const values = bookingOf(o, requests.get(o.requestId)!, now);
      return { booking: run.insertBooking.get(values), hold: reserve(tx, { ...values, pickupAt: o.pickupAt, deliverAt: o.deliverAt }) };
    });
    await together(writes.flatMap((w) => [w.booking, w.hold]));
    return Promise.all(writes.map(async (w): Promise<BookingRecord> => (await w.booking)!));
  }).catch((error: unknown) => {
    // Full at those hours because another route holds the truck? On which days is the warehouse full? Only a
    // transaction of its own can tell (this one is refused).
    if (!(error instanceof OverCapacityError)) throw error;
    if (offer.routeId) throw new RouteTruckFullError(offer.routeId, error.message);
    if (offer.kind === 'STORAGE') throw new StayFullError(offer.id, { listingId: offer.listingId!, from: offer.storageFromDay!, to: offer.storageToDay!, pallets: offer.storagePallets! }, error.message);
    throw error;
  });
  await joinBookedRoute?.(booked);
  const unitIds = unit.map((o) => o.id);
  // A request through the centre needs both its legs booked (they come from one round, so the unit tells).
  const legsOf = (r: ShipmentRequestRecord) => (unit.some((o) => o.requestId === r.id && o.centreLeg) ? 2 : 1);
  const bookedRequestIds: number[] = [];
  const transportBooked = (r: ShipmentRequestRecord) => unit.filter((o) => o.requestId === r.id && o.kind !== 'STORAGE').length;
  for (const r of requests.values()) if (!awaiting(r) && (await fullyBooked(run, r, legsOf(r), transportBooked(r)))) bookedRequestIds.push(r.id);

  // Split storage is booked part by part; the other storage offers are alternatives only once the need is covered.
  const storage = offer.kind === 'STORAGE';
  const withdrawRivals = async () =>
    !storage || (await storageCovered(run, requests.get(offer.requestId)!)) ? withdrawRivalOffers(tx, { requestIds, storage, acceptedIds: unitIds }, now) : noFallout;
  const events = eventsOf({ offer, bookings: booked, requests: [...requests.values()], bookedRequestIds, retrunkedIds: [...requests.values()].filter(awaiting).map((r) => r.id), extended: extension !== null });
  const outcome: Outcome = { offerId, bookingIds: booked.map((b) => b.id), bookedRequestIds };
  // Writes that need none of each other's answers, sent together (on PostgreSQL in one write, db/pg/client.ts).
  // With them, one truck drives one route at a time: not one it is already booked on elsewhere for those hours. Asked
  // after this booking's holds, which lock the truck, so that of two routes accepted at once the second sees the first.
  const [accepted, rivals, , , , busy] = await together([acceptOffers(tx, unitIds, now), withdrawRivals(), markBooked(tx, bookedRequestIds, now), recordWebhookEvents(tx, events, now), claim(outcome), offer.routeId ? busyRouteOf(tx, offer.routeId) : undefined]);
  if (busy !== undefined) throw new VehicleBusyError(offer.routeId!, busy);
  // The rivals' suppliers are told (known only now): into the outbox in writes of their own, none when nothing was withdrawn.
  const told = falloutEvents(rivals);
  await recordWebhookEvents(tx, told, now);
  // A leg whose sibling was declined can never complete the request: refuse it (the decline withdrew it with the
  // request's other offers; this guards one committed meanwhile), instead of booking a request with nothing left to accept.
  for (const id of requestIds) {
    if (bookedRequestIds.includes(id) || awaiting(requests.get(id)!)) continue;
    const stillOffered = await tx.select({ id: offers.id }).from(offers).where(and(eq(offers.requestId, id), eq(offers.status, 'PENDING'))).get();
    if (!stillOffered) throw new ConflictError('Another leg of this request was declined or expired, so it cannot be completed: it returns to the next matching round');
  }
  return {
    outcome,
    accepted: { offer: accepted.find((o) => o.id === offerId)!, bookings: booked },
    events: [...events, ...told],
  };
}

/** The insert parameters of the booking of `offer`. */
function bookingOf(offer: OfferRecord, request: ShipmentRequestRecord, now: Date) {
  const storage = offer.kind === 'STORAGE';
  return {
    offerId: offer.id,
    requestId: offer.requestId,
    complexId: offer.complexId,
    shipperOrgId: offer.shipperOrgId,
    supplierOrgId: offer.supplierOrgId,
    kind: offer.kind,
    vehicleId: offer.vehicleId,
    listingId: offer.listingId,
    routeId: offer.routeId,
    centreLeg: offer.centreLeg,
    priceKrw: offer.priceKrw,
    weightKg: storage ? 0 : request.weightKg,
    pallets: storage ? offer.storagePallets! : request.pallets,
    pickupAt: epochMs(offer.pickupAt),
    deliverAt: epochMs(offer.deliverAt),
    storageFromDay: offer.storageFromDay,
    storageToDay: offer.storageToDay,
    bookedAt: now,
  };
}

async function storageCovered(run: Statements, request: ShipmentRequestRecord): Promise<boolean> {
  if (!request.storagePallets) return true;
  const held = await run.heldStoragePallets.get({ requestId: request.id });
  return (held?.pallets ?? 0) >= request.storagePallets;
}

/** Every leg of `request` is held, `bookedNow` of them by this unit (when that is all of them, there is nothing to count). */
async function fullyBooked(run: Statements, request: ShipmentRequestRecord, legs: number, bookedNow: number): Promise<boolean> {
  const held = bookedNow >= legs ? bookedNow : ((await run.heldTransport.get({ requestId: request.id }))?.legs ?? 0);
  return held >= legs && (await storageCovered(run, request));
}

function bookedEvents(ctx: Context, { offer, bookings: booked, requests, bookedRequestIds, retrunkedIds, extended }: BookedUnit, at: Date): Publication[] {
  const storage = offer.kind === 'STORAGE' ? { pallets: offer.storagePallets!, fromDay: offer.storageFromDay!, toDay: offer.storageToDay! } : null;
  const line = bookedLine({ extended, bookings: booked, storage, load: storage ? null : loadLine(requests[0]!) });
  return [
    // Named by its unit, as recent activity groups its bookings: one line for a route's shares.
    ['complexActivity', { id: activityId('BOOKING_CONFIRMED', bookingUnit(booked[0]!, booked[0]!.bookedAt)), complexCode: complexCodeOf(ctx, offer.complexId), kind: 'BOOKING_CONFIRMED', at, ...line }],
    ...requests
      .filter((request) => bookedRequestIds.includes(request.id))
      .map((request): Publication => ['shipmentUpdated', { requestId: request.id, shipperOrgId: request.shipperOrgId, status: 'BOOKED', at, trackingEvent: null, reason: null }]),
    ...requests
      .filter((request) => retrunkedIds.includes(request.id))
      .map((request): Publication => ['shipmentUpdated', { requestId: request.id, shipperOrgId: request.shipperOrgId, status: request.status, at, trackingEvent: null, reason: 'A new trunk leg from the logistics centre is booked' }]),
  ];
}
