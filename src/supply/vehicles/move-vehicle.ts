import type { Statement } from 'better-sqlite3';
import type { Db } from '../../../db/client';
import { cellsOf } from '../../geo/h3';
import type { LocationInput } from '../location-input';

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

const prepared = new WeakMap<Db, Statement<[Record<string, unknown>], MovedRow>>();

/**
 * Moves one ACTIVE vehicle of `carrierOrgId` to `location` (already validated); null when there is no such
 * vehicle (unknown, another carrier's, or retired). Runs in the caller's transaction, if any.
 */
export async function moveVehicle(db: Db, carrierOrgId: number, vehicleId: number, location: LocationInput, at: Date): Promise<VehicleLocation | null> {
  let statement = prepared.get(db);
  if (!statement) prepared.set(db, (statement = db.$client.prepare<[Record<string, unknown>], MovedRow>(MOVE_SQL)));
  const row = await statement.get({ ...cellsOf(location), lat: location.lat, lng: location.lng, at: at.getTime(), id: vehicleId, carrierOrgId });
  return row ? { vehicleId: row.id, lat: row.lat, lng: row.lng, h3Cell: row.h3_r9, locationUpdatedAt: new Date(row.location_updated_at) } : null;
}
