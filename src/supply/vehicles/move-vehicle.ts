import type { Statement } from 'better-sqlite3';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { DIALECT } from '../../../db/dialect';
import { preparedPerDatabase } from '../../../db/prepared';
import { vehicles } from '../../../db/schema';
import { ConflictError, NotFoundError, type DomainError } from '../../errors';
import { cellsOf } from '../../geo/h3';
import type { LocationInput } from '../location-input';
import { RETIRED_VEHICLE } from './vehicle-record';

/** Where a vehicle was last reported. */
export interface VehicleLocation {
  vehicleId: number;
  lat: number;
  lng: number;
  /** Its H3 cell at the finest stored resolution. */
  h3Cell: string;
  locationUpdatedAt: Date;
}

interface MovedRow {
  id: number;
  lat: number;
  lng: number;
  h3_r9: string;
  location_updated_at: number;
}

/**
 * Location reports are the most frequent write of the exchange: one statement, prepared once per database,
 * that moves the vehicle by primary key and checks ownership and status in the same WHERE.
 */
const MOVE_SQL = `
  update vehicles
  set lat = @lat, lng = @lng, h3_r5 = @r5, h3_r6 = @r6, h3_r7 = @r7, h3_r8 = @r8, h3_r9 = @r9, location_updated_at = @at
  where id = @id and carrier_org_id = @carrierOrgId and status = 'ACTIVE'
  returning id, lat, lng, h3_r9, location_updated_at`;

/** The same statement through drizzle on PostgreSQL, where the transaction's connection is drizzle's to give. */
const pgMove = preparedPerDatabase((db) => {
  const to = (name: string) => sql`${sql.placeholder(name)}`;
  return db
    .update(vehicles)
    .set({ lat: to('lat'), lng: to('lng'), h3R5: to('r5'), h3R6: to('r6'), h3R7: to('r7'), h3R8: to('r8'), h3R9: to('r9'), locationUpdatedAt: to('at') })
    .where(and(eq(vehicles.id, sql.placeholder('id')), eq(vehicles.carrierOrgId, sql.placeholder('carrierOrgId')), eq(vehicles.status, 'ACTIVE')))
    .returning({ vehicleId: vehicles.id, lat: vehicles.lat, lng: vehicles.lng, h3Cell: vehicles.h3R9, locationUpdatedAt: vehicles.locationUpdatedAt })
    .prepare();
});

const prepared = new WeakMap<Db, Statement<[Record<string, unknown>], MovedRow>>();

/**
 * Moves one ACTIVE vehicle of `carrierOrgId` to `location` (already validated); null when there is no such
 * vehicle (unknown, another carrier's, or retired). Runs in the caller's transaction, if any.
 */
export async function moveVehicle(db: Db, carrierOrgId: number, vehicleId: number, location: LocationInput, at: Date): Promise<VehicleLocation | null> {
  const params = { ...cellsOf(location), lat: location.lat, lng: location.lng, at: at.getTime(), id: vehicleId, carrierOrgId };
  if (DIALECT === 'pg') return (await pgMove(db).get(params)) ?? null;
  let statement = prepared.get(db);
  if (!statement) prepared.set(db, (statement = db.$client.prepare<[Record<string, unknown>], MovedRow>(MOVE_SQL)));
  const row = statement.get(params);
  return row ? { vehicleId: row.id, lat: row.lat, lng: row.lng, h3Cell: row.h3_r9, locationUpdatedAt: new Date(row.location_updated_at) } : null;
}

/**
 * Why moveVehicle found no vehicle to move, read only then (a report that moves reads nothing): its carrier's own is
 * retired, a ConflictError; any other, a NotFoundError. `field` names the update of a batch it came in.
 */
export async function unmovable(db: Db, carrierOrgId: number, vehicleId: number, field?: string): Promise<DomainError> {
  const own = await db.select({ id: vehicles.id }).from(vehicles).where(and(eq(vehicles.id, vehicleId), eq(vehicles.carrierOrgId, carrierOrgId))).get();
  if (own) return new ConflictError(field ? `${field}: ${RETIRED_VEHICLE}` : RETIRED_VEHICLE);
  return new NotFoundError(field ? `Vehicle of ${field}` : 'Vehicle');
}
