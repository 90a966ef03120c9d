import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import { vehicleAvailability, vehicles } from '../../../db/schema';
import type { Context, Viewer } from '../../context';

export type VehicleRow = typeof vehicles.$inferSelect;

/**
 * What every write on a carrier's own retired vehicle answers (CONFLICT): its carrier still reads it, status RETIRED,
 * so "not found" would name the wrong thing. Another carrier's stays NOT_FOUND, as it reads none of them.
 */
export const RETIRED_VEHICLE = 'A retired vehicle cannot be changed; register the truck again';

/** A span (end exclusive) when the vehicle is free to take loads. */
export interface VehicleWindow {
  startsAt: Date;
  endsAt: Date;
}

export interface VehicleRecord extends VehicleRow {
  availability: VehicleWindow[];
}

/** Roles that may read vehicles at all; which ones each sees is `vehiclesVisibleTo`. */
export const VEHICLE_READERS = ['CARRIER', 'OPERATOR', 'ADMIN'] as const;

/** Vehicles are private: their carrier sees its own, an operator all of its complex, an admin all. */
export function vehiclesVisibleTo(viewer: Viewer): SQL | undefined {
  switch (viewer.role) {
    case 'ADMIN':
      return undefined;
    case 'OPERATOR':
      return eq(vehicles.complexId, viewer.complexId!);
    default:
      return eq(vehicles.carrierOrgId, viewer.organisationId);
  }
}

/** Vehicles matching `where` (in id order, at most `limit`), with their availability windows. */
export async function selectVehicles(ctx: Pick<Context, 'db'>, where: SQL | undefined, limit?: number): Promise<VehicleRecord[]> {
  const query = ctx.db.select().from(vehicles).where(where).orderBy(asc(vehicles.id));
  const rows = await (limit === undefined ? query.all() : query.limit(limit).all());
  if (rows.length === 0) return [];
  const windows = await ctx.db
    .select()
    .from(vehicleAvailability)
    .where(inArray(vehicleAvailability.vehicleId, rows.map((r) => r.id)))
    .orderBy(asc(vehicleAvailability.vehicleId), asc(vehicleAvailability.startsAt))
    .all();
  const byVehicle = new Map<number, VehicleWindow[]>();
  for (const w of windows) {
    const list = byVehicle.get(w.vehicleId) ?? [];
    list.push({ startsAt: w.startsAt, endsAt: w.endsAt });
    byVehicle.set(w.vehicleId, list);
  }
  return rows.map((row) => ({ ...row, availability: byVehicle.get(row.id) ?? [] }));
}

/** The vehicles of `ids` the viewer may read, in the order of `ids`. */
export async function selectVehiclesByIds(ctx: Pick<Context, 'db'>, viewer: Viewer, ids: number[]): Promise<VehicleRecord[]> {
  if (ids.length === 0) return [];
  const byId = new Map((await selectVehicles(ctx, and(inArray(vehicles.id, ids), vehiclesVisibleTo(viewer)))).map((v) => [v.id, v]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
