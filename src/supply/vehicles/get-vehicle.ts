import { z } from 'zod';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { NotFoundError } from '../../errors';
import { parseInput } from '../../validation';
import { selectVehiclesByIds, VEHICLE_READERS, type VehicleRecord } from './vehicle-record';

export const GetVehicleInput = z.object({ id: z.number().int().positive() });
export type GetVehicleInput = z.infer<typeof GetVehicleInput>;

/**
 * One vehicle, for its carrier, the operators of its complex and admins.
 * @throws ForbiddenError for other roles; NotFoundError for an unknown vehicle or one the caller may not see.
 */
export async function getVehicle({ ctx, input }: { ctx: Context; input: GetVehicleInput }): Promise<VehicleRecord> {
  const viewer = requireRole(ctx, ...VEHICLE_READERS);
  const { id } = parseInput(GetVehicleInput, input);
  const [vehicle] = await selectVehiclesByIds(ctx, viewer, [id]);
  if (!vehicle) throw new NotFoundError('Vehicle');
  return vehicle;
}
