import { and, eq, gt, isNull, notExists } from 'drizzle-orm';
import { transact } from '../../../db/transaction';
import { z } from 'zod';
import { offers, vehicleReservations, vehicles } from '../../../db/schema';
import { withdrawPendingOffers } from '../../market/withdraw-offers';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { publishAll, type ComplexActivityEvent, type Publication } from '../../pubsub';
import { recordWebhookEvents } from '../../webhooks/record-event';
import { falloutEvents } from '../../market/fallout';
import { ConflictError, NotFoundError } from '../../errors';
import { ONE_LINE, OneLineText, parseInput } from '../../validation';
import { complexCodeOf } from '../../complexes/complex-code';
import { labelEn, vehicleClass } from '../vehicle-classes';
import { selectVehiclesByIds, vehiclesVisibleTo, type VehicleRecord } from './vehicle-record';
import { activityId, vehicleRetiredLine } from '../../complexes/activity-lines';

export const RetireVehicleInput = z.object({
  vehicleId: z.number().int().positive(),
  /** Kept on the vehicle for its carrier to read. */
  reason: OneLineText.min(2).max(200).regex(...ONE_LINE).nullish(),
});
export type RetireVehicleInput = z.infer<typeof RetireVehicleInput>;

/**
 * CARRIER: takes its vehicle off the exchange for good (status RETIRED; matching no longer offers it), with the offers
 * still pending on it (a pooled route's whole load; their requests return to the next round, as after a decline).
 * OPERATOR: the same for any vehicle of its complex, with a reason: a plate registered by a carrier that does not own
 * the truck would otherwise block its owner for good, as only one vehicle in service may hold a plate.
 * Retiring again changes nothing and returns the vehicle as it is.
 * @throws ForbiddenError for other roles; NotFoundError for an unknown vehicle, another carrier's or another complex's;
 *   ValidationError when an operator gives no reason; ConflictError while it holds bookings that have not ended.
 */
export async function retireVehicle({ ctx, input }: { ctx: Context; input: RetireVehicleInput }): Promise<VehicleRecord> {
  const viewer = requireRole(ctx, 'CARRIER', 'OPERATOR');
  const byOperator = viewer.role === 'OPERATOR';
  const { vehicleId, reason } = parseInput(RetireVehicleInput, input, (fields, failed) =>
    byOperator && !fields.reason && !failed.has('reason') ? [{ field: 'input.reason', rule: "must be given when the complex's operator retires a vehicle: its carrier reads it" }] : [],
  );
  // One transaction with the webhook outbox row.
  const retired = await transact(ctx.db, async (tx) => {
    // One instant for the check, the row and the line: recent activity tells the retirement at retired_at.
    const now = ctx.now();
    // Checked in the same UPDATE, so no booking can slip in between the check and the retirement.
    const heldBookings = tx
      .select({ id: vehicleReservations.id })
      .from(vehicleReservations)
      .where(and(eq(vehicleReservations.vehicleId, vehicleId), isNull(vehicleReservations.releasedAt), gt(vehicleReservations.endsAt, now)));
    const row = await tx
      .update(vehicles)
      .set({ status: 'RETIRED', retiredAt: now, retiredReason: reason ?? null, retiredByOperator: byOperator })
      .where(and(eq(vehicles.id, vehicleId), vehiclesVisibleTo(viewer), eq(vehicles.status, 'ACTIVE'), notExists(heldBookings)))
      .returning({ complexId: vehicles.complexId, tonnageClass: vehicles.tonnageClass, bodyType: vehicles.bodyType })
      .get();
    if (!row) return undefined;
    // A retired vehicle is booked no more: a route offered to it and accepted later would book a truck that is gone.
    // A request's other leg, booked by another supplier, goes back with its offer: the suppliers of both are told.
    const fallout = await withdrawPendingOffers(tx, eq(offers.vehicleId, vehicleId), now, byOperator ? 'vehicleRetiredByOperator' : 'vehicleRetired');
    const event: ComplexActivityEvent = {
      id: activityId('VEHICLE_RETIRED', vehicleId),
      complexCode: complexCodeOf(ctx, row.complexId),
      kind: 'VEHICLE_RETIRED',
      at: now,
      ...vehicleRetiredLine({ classEn: labelEn(vehicleClass(row.tonnageClass)), classKo: vehicleClass(row.tonnageClass).labelKo, bodyType: row.bodyType, byOperator }),
      reason: reason ?? null,
    };
    const told: Publication[] = [['complexActivity', event], ...falloutEvents(fallout)];
    await recordWebhookEvents(tx, told, event.at);
    return told;
  });
  if (retired) publishAll(ctx.pubsub, retired);
  const [vehicle] = await selectVehiclesByIds(ctx, viewer, [vehicleId]);
  if (!vehicle) throw new NotFoundError('Vehicle');
  if (!retired && vehicle.status === 'ACTIVE') {
    throw new ConflictError(`The vehicle holds bookings that have not ended: ${byOperator ? 'contact its carrier to give them back' : 'give them back'} before retiring it`);
  }
  return vehicle;
}
