import { and, eq } from 'drizzle-orm';
import { transact } from '../../../db/transaction';
import { z } from 'zod';
import { vehicleAvailability, vehicles } from '../../../db/schema';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { parseInput } from '../../validation';
import { VehicleWindows, windowIssues } from './vehicle-fields';
import { RETIRED_VEHICLE, selectVehiclesByIds, type VehicleRecord } from './vehicle-record';

export const UpdateVehicleAvailabilityInput = z.object({
  vehicleId: z.number().int().positive(),
  availability: VehicleWindows,
});
export type UpdateVehicleAvailabilityInput = z.infer<typeof UpdateVehicleAvailabilityInput>;

/**
 * CARRIER: replaces all availability windows of its ACTIVE vehicle (an empty list: not available).
 * @throws ForbiddenError for other roles; ValidationError naming each bad window; NotFoundError for an
 *   unknown vehicle or another carrier's; ConflictError for a retired vehicle.
 */
export async function updateVehicleAvailability({ ctx, input }: { ctx: Context; input: UpdateVehicleAvailabilityInput }): Promise<VehicleRecord> {
  const viewer = requireRole(ctx, 'CARRIER');
  const { vehicleId, availability } = parseInput(UpdateVehicleAvailabilityInput, input);
  const issues = windowIssues(availability, ctx.now());
  if (issues.length > 0) throw new ValidationError(issues);
  await transact(ctx.db, async (tx) => {
    const vehicle = await tx
      .select({ status: vehicles.status })
      .from(vehicles)
      .where(and(eq(vehicles.id, vehicleId), eq(vehicles.carrierOrgId, viewer.organisationId)))
      .get();
    if (!vehicle) throw new NotFoundError('Vehicle');
    if (vehicle.status !== 'ACTIVE') throw new ConflictError(RETIRED_VEHICLE);
    await tx.delete(vehicleAvailability).where(eq(vehicleAvailability.vehicleId, vehicleId)).run();
    if (availability.length > 0) await tx.insert(vehicleAvailability).values(availability.map((w) => ({ vehicleId, ...w }))).run();
  });
  return (await selectVehiclesByIds(ctx, viewer, [vehicleId]))[0]!;
}
