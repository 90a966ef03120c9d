import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { errorMessages, isUniqueViolation } from '../../db/errors';
import { listingReservations, vehicleReservations, type bookings } from '../../db/schema';
import { ConflictError } from '../errors';
import { addDays } from '../supply/listings/seoul-day';
import { together, type Tx } from '../../db/transaction';
import { preparedPerDatabase } from '../../db/prepared';

/** The messages of the booking triggers (migrations 0003_booking_invariants, 0018_tracking_events_once_trigger), as a caller should read them. */
const INVARIANTS: Record<string, string> = {
  vehicle_over_capacity: 'The vehicle has no room left for this load at that time: its payload or pallet slots are already booked',
  // The trigger cannot tell a day booked full from a day its owner no longer lists (shrunk after the offer).
  listing_over_capacity: 'The warehouse has no idle pallets left for this stay: other stays booked them, or they are no longer listed on some of its days',
  request_already_booked: 'The shipment request is already booked',
  booking_already_ended: 'The booking has already ended',
  proof_of_delivery_required: 'DELIVERED needs a proof of delivery',
  tracking_event_once: 'The booking was already collected or delivered',
};

/** A hold the database refused for want of room: the vehicle's payload or slots, or the listing's idle pallets. */
export class OverCapacityError extends ConflictError {}

/**
 * Runs `write`; a booking invariant the database refused (trigger or unique index) becomes a ConflictError.
 * @throws OverCapacityError for a hold beyond capacity, ConflictError for another refused invariant; anything else as it was.
 */
export async function guarded<T>(write: () => Promise<T> | T): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const refused = errorMessages(error).find((message) => message in INVARIANTS);
    if (refused) throw new (refused.endsWith('_over_capacity') ? OverCapacityError : ConflictError)(INVARIANTS[refused]!);
    if (isUniqueViolation(error)) throw new ConflictError(INVARIANTS.request_already_booked!);
    throw error;
  }
}

/** The booking of an offer (there is at most one): a hold names its booking by offer, so it needs no answer from the booking's insert. */
const bookingOfOffer = sql`(select id from bookings where offer_id = ${sql.placeholder('offerId')})`;

const holds = preparedPerDatabase((db) => ({
  vehicle: db
    .insert(vehicleReservations)
    .values({ bookingId: bookingOfOffer, vehicleId: sql.placeholder('vehicleId'), startsAt: sql.placeholder('startsAt'), endsAt: sql.placeholder('endsAt'), weightKg: sql.placeholder('weightKg'), pallets: sql.placeholder('pallets') })
    .prepare(),
  listingDay: db
    .insert(listingReservations)
    .values({ bookingId: bookingOfOffer, listingId: sql.placeholder('listingId'), day: sql.placeholder('day'), pallets: sql.placeholder('pallets') })
    .prepare(),
}));

/** What a booking holds, as its row says; a row about to be inserted in the same transaction will do. */
export type Hold = Pick<typeof bookings.$inferSelect, 'offerId' | 'vehicleId' | 'pickupAt' | 'deliverAt' | 'weightKg' | 'pallets' | 'listingId' | 'storageFromDay' | 'storageToDay'>;

/**
 * Holds a booking's capacity: the vehicle over pickup..delivery (transport), or the listing's pallets on
 * every day of the stay (storage). The database refuses any hold beyond capacity. Runs in the caller's
 * transaction on `db`, where the booking of `hold.offerId` exists by the time these statements run: a caller may
 * send them with the booking's insert, unanswered (on PostgreSQL they leave in the same write).
 * @throws ConflictError when the vehicle or the warehouse is full.
 */
export async function reserve(db: Db, hold: Hold): Promise<void> {
  const statements = holds(db);
  const { offerId, pallets } = hold;
  await guarded(async () => {
    if (hold.vehicleId) {
      await statements.vehicle.run({ offerId, vehicleId: hold.vehicleId, startsAt: hold.pickupAt!, endsAt: hold.deliverAt!, weightKg: hold.weightKg, pallets });
    } else {
      const days: string[] = [];
      for (let day = hold.storageFromDay!; day <= hold.storageToDay!; day = addDays(day, 1)) days.push(day);
      await together(days.map((day) => statements.listingDay.run({ offerId, listingId: hold.listingId!, day, pallets })));
    }
  });
}

/** Gives back whatever the bookings hold, once. Call inside the transaction that ends or completes them. */
export async function releaseReservations(tx: Tx, bookingIds: number[], now: Date): Promise<void> {
  if (bookingIds.length === 0) return;
  await tx.update(vehicleReservations).set({ releasedAt: now }).where(and(inArray(vehicleReservations.bookingId, bookingIds), isNull(vehicleReservations.releasedAt))).run();
  await tx.update(listingReservations).set({ releasedAt: now }).where(and(inArray(listingReservations.bookingId, bookingIds), isNull(listingReservations.releasedAt))).run();
}
