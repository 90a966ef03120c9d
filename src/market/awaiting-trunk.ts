import { and, eq, exists, gt, inArray, notExists, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/transaction';
import { loadingKind } from '../tracking/tracking-rules';
import { bookings, HOLDING_BOOKING_STATUSES, offers, shipmentRequests, trackingEvents, type RequestStatus } from '../../db/schema';

/**
 * A request's statuses from its feeder's pickup until a trunk loads the goods at the centre (DEPARTED_CENTRE): the
 * feeder carries them (PICKED_UP, IN_TRANSIT) or has handed them over (AT_CENTRE).
 */
export const WITH_FEEDER_OR_CENTRE: readonly RequestStatus[] = ['PICKED_UP', 'IN_TRANSIT', 'AT_CENTRE'];

/**
 * Whether the request (a `shipmentRequests` row of the outer query) awaits a trunk from the centre: its feeder leg
 * picked the goods up and no trunk leg holds them (the booked one was given back). Derived from its bookings, so its
 * status stays what the goods do. With `unoffered`, only while no trunk is on offer to it either (a round's to offer).
 */
export function awaitsTrunk(tx: Pick<Tx, 'select'>, { unoffered = false } = {}): SQL {
  const leg = (centreLeg: 'FEEDER' | 'TRUNK') =>
    tx.select({ id: bookings.id }).from(bookings).where(and(eq(bookings.requestId, shipmentRequests.id), eq(bookings.centreLeg, centreLeg), inArray(bookings.status, HOLDING_BOOKING_STATUSES)));
  return and(
    inArray(shipmentRequests.status, WITH_FEEDER_OR_CENTRE),
    exists(leg('FEEDER')),
    notExists(leg('TRUNK')),
    unoffered ? notExists(tx.select({ id: offers.id }).from(offers).where(and(eq(offers.requestId, shipmentRequests.id), eq(offers.status, 'PENDING')))) : undefined,
  )!;
}

export interface AwaitingTrunk {
  request: typeof shipmentRequests.$inferSelect;
  /** When the goods are at the centre: handed over (AT_CENTRE reported), else as the feeder's booking plans it. */
  atCentreFrom: Date;
  /** What the shipper already pays for the feeder leg, the centre's handling with it. */
  feederKrw: number;
  /** The feeder's truck and booked route: that route holds the request already, so it is never extended with its trunk. */
  feederVehicleId: number | null;
  feederRouteId: number | null;
}

/** The complex's requests that await a trunk and have none on offer, deliverable still (their deliverBy ahead of `now`). */
export async function awaitingTrunks(tx: Pick<Tx, 'select'>, complexId: number, now: Date): Promise<AwaitingTrunk[]> {
  const requests = await tx
    .select()
    .from(shipmentRequests)
    .where(and(eq(shipmentRequests.complexId, complexId), gt(shipmentRequests.deliverBy, now), awaitsTrunk(tx, { unoffered: true })))
    .all();
  if (requests.length === 0) return [];
  const ids = requests.map((r) => r.id);
  const feeders = await tx
    .select({ id: bookings.id, requestId: bookings.requestId, deliverAt: bookings.deliverAt, priceKrw: bookings.priceKrw, vehicleId: bookings.vehicleId, routeId: bookings.routeId })
    .from(bookings)
    .where(and(inArray(bookings.requestId, ids), eq(bookings.centreLeg, 'FEEDER'), inArray(bookings.status, HOLDING_BOOKING_STATUSES)))
    .all();
  const handedOver = await tx
    .select({ bookingId: trackingEvents.bookingId, occurredAt: trackingEvents.occurredAt })
    .from(trackingEvents)
    .where(and(inArray(trackingEvents.bookingId, feeders.map((f) => f.id)), eq(trackingEvents.kind, 'AT_CENTRE')))
    .all();
  return requests.map((request) => {
    const feeder = feeders.find((f) => f.requestId === request.id)!;
    const reported = handedOver.find((e) => e.bookingId === feeder.id)?.occurredAt;
    return { request, atCentreFrom: reported ?? feeder.deliverAt ?? now, feederKrw: feeder.priceKrw, feederVehicleId: feeder.vehicleId, feederRouteId: feeder.routeId };
  });
}

/** Whether the trunk booking `bookingId` has loaded its goods at the centre (reported its loadingKind, DEPARTED_CENTRE). */
export async function trunkDeparted(tx: Pick<Tx, 'select'>, bookingId: number): Promise<boolean> {
  return (await tx.select({ id: trackingEvents.id }).from(trackingEvents).where(and(eq(trackingEvents.bookingId, bookingId), eq(trackingEvents.kind, loadingKind('TRUNK')))).get()) !== undefined;
}
