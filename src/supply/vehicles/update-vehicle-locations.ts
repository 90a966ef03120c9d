import { z } from 'zod';
import { transact } from '../../../db/transaction';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { ValidationError, type FieldIssue } from '../../errors';
import { parseInput } from '../../validation';
import { regionIssue, TRAVEL_REGION_KM } from '../service-region';
import { moveVehicle, unmovable, type VehicleLocation } from './move-vehicle';
import { UpdateVehicleLocationInput } from './update-vehicle-location';

/** A fleet's telematics batch: large enough for a minute of fixes from a big fleet, small enough for one quick transaction. */
export const MAX_LOCATION_BATCH = 1_000;

export const UpdateVehicleLocationsInput = z.object({
  updates: z.array(UpdateVehicleLocationInput).min(1, 'must hold at least one update').max(MAX_LOCATION_BATCH, `must hold at most ${MAX_LOCATION_BATCH} updates`),
});
export type UpdateVehicleLocationsInput = z.infer<typeof UpdateVehicleLocationsInput>;

/**
 * CARRIER: reports the positions of many of its vehicles at once, in one transaction: all are applied or none.
 * @throws ForbiddenError for other roles; ValidationError naming each bad update (or a vehicle listed twice);
 *   NotFoundError naming the first update whose vehicle is unknown or another carrier's, ConflictError the first whose
 *   vehicle is retired.
 */
export async function updateVehicleLocations({ ctx, input }: { ctx: Context; input: UpdateVehicleLocationsInput }): Promise<VehicleLocation[]> {
  const viewer = requireRole(ctx, 'CARRIER');
  const { updates } = parseInput(UpdateVehicleLocationsInput, input);
  const issues: FieldIssue[] = [];
  const seen = new Set<number>();
  updates.forEach((u, i) => {
    const outside = regionIssue(ctx.db, viewer.complexId!, u.location, `input.updates[${i}].location`, TRAVEL_REGION_KM);
    if (outside) issues.push(outside);
    if (seen.has(u.vehicleId)) issues.push({ field: `input.updates[${i}].vehicleId`, rule: 'must not repeat a vehicle of an earlier update' });
    seen.add(u.vehicleId);
  });
  if (issues.length > 0) throw new ValidationError(issues);
  const at = ctx.now();
  return transact(ctx.db, async (tx) => {
    const moved: VehicleLocation[] = [];
    for (const [i, u] of updates.entries()) {
      const one = await moveVehicle(tx, viewer.organisationId, u.vehicleId, u.location, at);
      if (!one) throw await unmovable(tx, viewer.organisationId, u.vehicleId, `input.updates[${i}]`);
      moved.push(one);
    }
    return moved;
  });
}
