import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { vehicleAvailability, vehicles } from '../../../db/schema';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import type { ComplexActivityEvent } from '../../pubsub';
import { recordWebhookEvent } from '../../webhooks/record-event';
import { ConflictError } from '../../errors';
import { IdempotencyKey, idempotent } from '../../idempotency';
import { parseInput } from '../../validation';
import { LocationInput, locationColumns } from '../location-input';
import { regionIssue } from '../service-region';
import { complexCodeOf } from '../../complexes/complex-code';
import { labelEn, vehicleClass } from '../vehicle-classes';
import { BodyType, capacityIssues, PalletSlots, PayloadKg, PlateNumber, RateCardInput, TonnageClass, VehicleWindows, windowIssues } from './vehicle-fields';
import { selectVehiclesByIds, type VehicleRecord } from './vehicle-record';
import { activityId, vehicleRegisteredLine } from '../../complexes/activity-lines';

export const RegisterVehicleInput = z.object({
  plateNumber: PlateNumber,
  tonnageClass: TonnageClass,
  /** Defaults to the class's nominal payload. */
  payloadKg: PayloadKg.nullish(),
  /** Defaults to the class's T-11 pallet slots. */
  palletSlots: PalletSlots.nullish(),
  bodyType: BodyType,
  hazmatCertified: z.boolean().nullish(),
  /** Each figure defaults to the class's rate card. */
  rateCard: RateCardInput.nullish(),
  location: LocationInput,
  availability: VehicleWindows.nullish(),
  idempotencyKey: IdempotencyKey.nullish(),
});
export type RegisterVehicleInput = z.input<typeof RegisterVehicleInput>;

/**
 * CARRIER: registers a truck in its own complex. Payload, pallet slots and rate card default from the
 * tonnage class (src/supply/vehicle-classes.ts). A retry with the same idempotency key returns the vehicle
 * it first registered.
 * @throws ForbiddenError for other roles; ValidationError naming each failing field; ConflictError when the
 *   plate is already registered or the idempotency key was used with another input.
 */
export async function registerVehicle({ ctx, input }: { ctx: Context; input: RegisterVehicleInput }): Promise<VehicleRecord> {
  const viewer = requireRole(ctx, 'CARRIER');
  const complexId = viewer.complexId!;
  const parsed = parseInput(RegisterVehicleInput, input, (fields) => [
    ...(fields.tonnageClass ? capacityIssues(fields.tonnageClass, fields.payloadKg, fields.palletSlots) : []),
    ...windowIssues(fields.availability ?? [], ctx.now()),
    ...(fields.location ? [regionIssue(ctx.db, complexId, fields.location, 'input.location')].filter((issue) => issue !== null) : []),
  ]);
  const cls = vehicleClass(parsed.tonnageClass);
  const data = {
    plateNumber: parsed.plateNumber,
    tonnageClass: parsed.tonnageClass,
    payloadKg: parsed.payloadKg ?? cls.payloadKg,
    palletSlots: parsed.palletSlots ?? cls.palletSlots,
    bodyType: parsed.bodyType,
    hazmatCertified: parsed.hazmatCertified ?? false,
    baseFeeKrw: parsed.rateCard?.baseFeeKrw ?? cls.baseFeeKrw,
    perKmKrw: parsed.rateCard?.perKmKrw ?? cls.perKmKrw,
    perStopFeeKrw: parsed.rateCard?.perStopFeeKrw ?? cls.perStopFeeKrw,
    waitingFeePerHourKrw: parsed.rateCard?.waitingFeePerHourKrw ?? cls.waitingFeePerHourKrw,
    location: parsed.location,
    availability: parsed.availability ?? [],
  };

  let registered: ComplexActivityEvent | undefined;
  const { result: { vehicleId }, fresh } = await idempotent(ctx.db, { organisationId: viewer.organisationId, key: parsed.idempotencyKey, operation: 'vehicleRegister', input: data }, async (tx) => {
    // One reading of the clock: the vehicle's createdAt, the line it tells and its webhook's timestamp say the same instant.
    const now = ctx.now();
    const { location, availability, ...columns } = data;
    const row = await tx
      .insert(vehicles)
      .values({ ...columns, carrierOrgId: viewer.organisationId, complexId, ...locationColumns(location), locationUpdatedAt: now, createdAt: now })
      // The plate's index is partial (vehicles in service): a conflict target would have to repeat its condition.
      .onConflictDoNothing()
      .returning({ id: vehicles.id })
      .get();
    if (!row) {
      // Whom to ask, not who holds it: the operator of the holder's complex may retire a plate registered by someone else.
      const holder = await tx.select({ complexId: vehicles.complexId }).from(vehicles).where(and(eq(vehicles.plateNumber, data.plateNumber), eq(vehicles.status, 'ACTIVE'))).get();
      const ask = holder ? `; if it is yours, ask the operator of ${complexCodeOf(ctx, holder.complexId)} to retire it` : '';
      throw new ConflictError(`A vehicle with plate ${data.plateNumber} is already registered${ask}`);
    }
    if (availability.length > 0) await tx.insert(vehicleAvailability).values(availability.map((w) => ({ vehicleId: row.id, ...w }))).run();
    registered = {
      id: activityId('VEHICLE_REGISTERED', row.id),
      complexCode: complexCodeOf(ctx, complexId),
      kind: 'VEHICLE_REGISTERED',
      at: now,
      ...vehicleRegisteredLine({ classEn: labelEn(cls), classKo: cls.labelKo, bodyType: data.bodyType, payloadKg: data.payloadKg, palletSlots: data.palletSlots }),
    };
    await recordWebhookEvent(tx, 'complexActivity', registered, registered.at);
    return { vehicleId: row.id };
  });
  if (fresh && registered) ctx.pubsub.publish('complexActivity', registered);
  return (await selectVehiclesByIds(ctx, viewer, [vehicleId]))[0]!;
}
