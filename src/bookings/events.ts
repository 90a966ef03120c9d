import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { complexes, offers, type RequestStatus } from '../../db/schema';
import type { Context } from '../context';
import type { OfferRecord } from '../matching/decline-offer';
import type { TrackingEventRecord } from '../tracking/tracking-event-record';

/** An offer a round made to a supplier (carrier or warehouse owner). */
export interface OfferReceivedEvent {
  offer: OfferRecord;
}

/** A shipment request changed status, or its carrier reported a tracking event. */
export interface ShipmentUpdatedEvent {
  requestId: number;
  shipperOrgId: number;
  status: RequestStatus;
  at: Date;
  trackingEvent: TrackingEventRecord | null;
  /** Why the status changed, when someone gave one (a booking given back). */
  reason: string | null;
}

/** Tells each supplier about the offers a round wrote for it. Call after the round's transaction committed. */
export function publishOffersOfRound(ctx: Pick<Context, 'db' | 'pubsub'>, roundId: number): void {
  for (const offer of ctx.db.select().from(offers).where(eq(offers.roundId, roundId)).all()) ctx.pubsub.publish('offerReceived', { offer });
}

const codes = new WeakMap<Db, Map<number, string>>();

/** A complex's code for the activity feed, remembered: codes never change, and bookings publish on every write. */
export function complexCodeOf(ctx: Pick<Context, 'db'>, complexId: number): string {
  let known = codes.get(ctx.db);
  if (!known) codes.set(ctx.db, (known = new Map()));
  let code = known.get(complexId);
  if (!code) known.set(complexId, (code = ctx.db.select({ code: complexes.code }).from(complexes).where(eq(complexes.id, complexId)).get()!.code));
  return code;
}
