import { and, eq, gte, inArray, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bookings, HOLDING_BOOKING_STATUSES, offers, shipmentRequests } from '../../db/schema';
import { seoulDay } from '../supply/listings/seoul-day';

/** What a complex's centre has promised to cross-dock on one Asia/Seoul day: feeder legs' pallets by hand-over. */
export interface CrossDockPromise {
  /** `YYYY-MM-DD`, Asia/Seoul. */
  day: string;
  /** Of feeder legs booked (their bookings holding). */
  bookedPallets: number;
  /** Of feeder legs on offer (pending): accepted, they would take the centre's room. */
  offeredPallets: number;
}

/**
 * The pallets a complex's centre has promised to cross-dock on the days whose hand-overs fall in [from, until), day by
 * day (days with none left out): feeder legs offered or booked, by the day their goods are handed over. An accepted
 * offer stays ACCEPTED when its booking ends (given back, cancelled): its booking says whether it holds. The round
 * keeps a day's offered and booked pallets within the centre's capacity; operators read the same figures.
 */
export async function crossDockPromised(db: Pick<Db, 'select'>, complexId: number, from: Date, until?: Date): Promise<CrossDockPromise[]> {
  const feeders = await db
    .select({ deliverAt: offers.deliverAt, status: offers.status, pallets: shipmentRequests.pallets })
    .from(offers)
    .innerJoin(shipmentRequests, eq(shipmentRequests.id, offers.requestId))
    .leftJoin(bookings, eq(bookings.offerId, offers.id))
    .where(
      and(
        eq(offers.complexId, complexId),
        eq(offers.centreLeg, 'FEEDER'),
        gte(offers.deliverAt, from),
        until ? lt(offers.deliverAt, until) : undefined,
        or(eq(offers.status, 'PENDING'), and(eq(offers.status, 'ACCEPTED'), inArray(bookings.status, [...HOLDING_BOOKING_STATUSES]))),
      ),
    )
    .all();
  const byDay = new Map<string, CrossDockPromise>();
  for (const f of feeders) {
    const day = seoulDay(f.deliverAt!);
    const promise = byDay.get(day) ?? { day, bookedPallets: 0, offeredPallets: 0 };
    if (f.status === 'ACCEPTED') promise.bookedPallets += f.pallets;
    else promise.offeredPallets += f.pallets;
    byDay.set(day, promise);
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}
