import { and, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { countRows } from '../../../db/queries';
import { VEHICLE_STATUSES, vehicleAvailability, vehicles } from '../../../db/schema';
import { requireRole } from '../../auth/authorize';
import { ComplexCode, getComplex } from '../../complexes/get-complex';
import type { Context } from '../../context';
import { NearInput } from '../../geo/near';
import { cursorTag, PageArgs } from '../../pagination';
import { parseArgs } from '../../validation';
import { nearCells } from '../../geo/near';
import { afterId, byDistanceConnection, byIdConnection, type Candidate } from '../supply-connection';
import type { LocatedConnection } from '../../pagination';
import { BodyType, TonnageClass } from './vehicle-fields';
import { selectVehicles, selectVehiclesByIds, VEHICLE_READERS, vehiclesVisibleTo, type VehicleRecord } from './vehicle-record';

export const ListVehiclesInput = PageArgs.extend({
  filter: z
    .object({
      complexCode: ComplexCode.nullish(),
      status: z.enum(VEHICLE_STATUSES).nullish(),
      bodyType: BodyType.nullish(),
      tonnageClass: TonnageClass.nullish(),
      availableAt: z.date().nullish(),
      near: NearInput.nullish(),
    })
    .nullish(),
});
export type ListVehiclesInput = z.input<typeof ListVehiclesInput>;

const H3_COLUMN = { 5: vehicles.h3R5, 6: vehicles.h3R6, 7: vehicles.h3R7, 8: vehicles.h3R8, 9: vehicles.h3R9 } as const;

/**
 * The vehicles the caller may see (see `vehiclesVisibleTo`), filtered; `availableAt` keeps those with an
 * availability window containing that instant. With `near`, the vehicles whose last reported position lies
 * within the radius, nearest first, with their distance; otherwise in registration order.
 * @throws ForbiddenError for manufacturers and warehouse owners; ValidationError for a bad filter or cursor;
 *   NotFoundError for an unknown complex code.
 */
export async function listVehicles({ ctx, input }: { ctx: Context; input: ListVehiclesInput }): Promise<LocatedConnection<VehicleRecord>> {
  const viewer = requireRole(ctx, ...VEHICLE_READERS);
  const { first, after, filter } = parseArgs(ListVehiclesInput, input);
  const tag = cursorTag('vehicles', viewer.organisationId, filter);
  const conditions: (SQL | undefined)[] = [vehiclesVisibleTo(viewer)];
  if (filter?.complexCode) conditions.push(eq(vehicles.complexId, getComplex({ ctx, input: { code: filter.complexCode } }).id));
  if (filter?.status) conditions.push(eq(vehicles.status, filter.status));
  if (filter?.bodyType) conditions.push(eq(vehicles.bodyType, filter.bodyType));
  if (filter?.tonnageClass) conditions.push(eq(vehicles.tonnageClass, filter.tonnageClass));
  if (filter?.availableAt) {
    const at = filter.availableAt.getTime();
    const w = vehicleAvailability;
    conditions.push(sql`exists (select 1 from ${w} where ${w.vehicleId} = ${vehicles.id} and ${w.startsAt} <= ${at} and ${w.endsAt} > ${at})`);
  }

  if (filter?.near) {
    const near = filter.near;
    const { res, cells } = nearCells(near);
    const candidates = (await ctx.db
      .select({ id: vehicles.id, lat: vehicles.lat, lng: vehicles.lng })
      .from(vehicles)
      .where(and(inArray(H3_COLUMN[res], cells), ...conditions))
      .values()) as Candidate[];
    return byDistanceConnection(tag, candidates, near, first, after, (ids) => selectVehiclesByIds(ctx, viewer, ids));
  }
  const where = and(...conditions);
  const rows = await selectVehicles(ctx, and(where, gt(vehicles.id, afterId(tag, after))), first + 1);
  return byIdConnection(tag, rows, first, () => countRows(ctx.db, vehicles, where), after);
}
