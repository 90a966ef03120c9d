import { z } from 'zod';
import { transact } from '../../../db/transaction';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { ValidationError } from '../../errors';
import { parseInput } from '../../validation';
import { LocationInput } from '../location-input';
import { regionIssue, TRAVEL_REGION_KM } from '../service-region';
import { moveVehicle, unmovable, type VehicleLocation } from './move-vehicle';

export const UpdateVehicleLocationInput = z.object({
  vehicleId: z.number().int().positive(),
  location: LocationInput,
});
export type UpdateVehicleLocationInput = z.infer<typeof UpdateVehicleLocationInput>;

/**
 * CARRIER: reports where one of its vehicles is now. One UPDATE, no reads: this runs for every GPS fix.
 * Reports arriving together share one durable commit (group commit): each resolves only after it.
 * Not published on the activity feed (far too chatty).
 * @throws ForbiddenError for other roles; ValidationError for a position out of range or beyond the
 *   travel region; NotFoundError for an unknown vehicle or another carrier's; ConflictError for a retired one.
 */
export async function updateVehicleLocation({ ctx, input }: { ctx: Context; input: UpdateVehicleLocationInput }): Promise<VehicleLocation> {
  const viewer = requireRole(ctx, 'CARRIER');
  const { vehicleId, location } = parseInput(UpdateVehicleLocationInput, input);
  const outside = regionIssue(ctx.db, viewer.complexId!, location, 'input.location', TRAVEL_REGION_KM);
  if (outside) throw new ValidationError([outside]);
  const now = ctx.now();
  // One UPDATE: atomic by itself, so it needs no savepoint inside the shared transaction.
  return transact(
    ctx.db,
    async (tx) => {
      const moved = await moveVehicle(tx, viewer.organisationId, vehicleId, location, now);
      if (!moved) throw await unmovable(tx, viewer.organisationId, vehicleId);
      return moved;
    },
    { savepoint: false },
  );
}
