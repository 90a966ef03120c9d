import { and, eq, gt, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { listingAvailability, listingReservations, shipmentRequests, vehicles, warehouseListings } from '../../db/schema';
import { requireOverseer } from '../auth/authorize';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { cellToParent } from 'h3-js';
import { ORIGIN_CELL_COLUMN, type OriginResolution } from '../demand/request-record';
import { STORED_RESOLUTIONS, type StoredResolution } from '../geo/h3';
import { seoulDay } from '../supply/listings/seoul-day';
import { parseArgs } from '../validation';
import { greatest } from '../../db/sql';

export const HEATMAP_LAYERS = ['SUPPLY', 'DEMAND'] as const;

export const GetHeatmapInput = z.object({
  complexCode: ComplexCode,
  resolution: z
    .number()
    .int()
    .refine((r) => (STORED_RESOLUTIONS as readonly number[]).includes(r), `must be one of ${STORED_RESOLUTIONS.join(', ')}`),
  layer: z.enum(HEATMAP_LAYERS),
});
export type GetHeatmapInput = z.infer<typeof GetHeatmapInput>;

const VEHICLE_CELL = { 5: vehicles.h3R5, 6: vehicles.h3R6, 7: vehicles.h3R7, 8: vehicles.h3R8, 9: vehicles.h3R9 };
const LISTING_CELL = { 5: warehouseListings.h3R5, 6: warehouseListings.h3R6, 7: warehouseListings.h3R7, 8: warehouseListings.h3R8, 9: warehouseListings.h3R9 };

export interface HeatmapCell {
  cell: string;
  count: number;
  pallets: number;
}

export interface Heatmap {
  complexCode: string;
  resolution: number;
  layer: (typeof HEATMAP_LAYERS)[number];
  cells: HeatmapCell[];
}

/**
 * OPERATOR of the complex, or ADMIN: supply (active vehicles where they are now, with their pallet slots, and
 * active listings with space listed idle today, with the pallets still free) or demand (requests waiting for
 * transport, at their pickup) per H3 cell, read straight from the cells every record stores.
 * @throws ValidationError for a resolution that is not stored; NotFoundError; ForbiddenError.
 */
export async function getHeatmap({ ctx, input }: { ctx: Context; input: GetHeatmapInput }): Promise<Heatmap> {
  const { complexCode, resolution, layer } = parseArgs(GetHeatmapInput, input);
  const complex = getComplex({ ctx, input: { code: complexCode } });
  requireOverseer(ctx, complex);
  const res = resolution as StoredResolution;

  const counted: HeatmapCell[] = [];
  if (layer === 'DEMAND') {
    // Requests store three of the resolutions: at 6 or 8, counted by their finest cell, then by its parent.
    const stored: OriginResolution = res in ORIGIN_CELL_COLUMN ? (res as OriginResolution) : 9;
    const cell = ORIGIN_CELL_COLUMN[stored];
    const rows = await ctx.db
      .select({ cell, count: sql<number>`count(*)`, pallets: sql<number>`sum(${shipmentRequests.pallets})` })
      .from(shipmentRequests)
      // Waiting while its pickup window is ahead, as insights count it: one past it has expired, marked so or not yet.
      .where(and(eq(shipmentRequests.complexId, complex.id), inArray(shipmentRequests.status, ['OPEN', 'OFFERED']), gt(shipmentRequests.pickupUntil, ctx.now())))
      .groupBy(cell)
      .all();
    counted.push(...(stored === res ? rows : rows.map((r) => ({ ...r, cell: cellToParent(r.cell, res) }))));
  } else {
    const vehicleCell = VEHICLE_CELL[res];
    counted.push(
      ...(await ctx.db
        .select({ cell: vehicleCell, count: sql<number>`count(*)`, pallets: sql<number>`sum(${vehicles.palletSlots})` })
        .from(vehicles)
        .where(and(eq(vehicles.complexId, complex.id), eq(vehicles.status, 'ACTIVE')))
        .groupBy(vehicleCell)
        .all()),
    );
    const today = seoulDay(ctx.now());
    const listingCell = LISTING_CELL[res];
    const idleToday = sql<number>`coalesce((select sum(${listingAvailability.idlePallets}) from ${listingAvailability}
      where ${listingAvailability.listingId} = ${warehouseListings.id} and ${today} between ${listingAvailability.fromDay} and ${listingAvailability.toDay}), 0)`;
    const heldToday = sql<number>`coalesce((select sum(${listingReservations.pallets}) from ${listingReservations}
      where ${listingReservations.listingId} = ${warehouseListings.id} and ${listingReservations.day} = ${today} and ${isNull(listingReservations.releasedAt)}), 0)`;
    // From the windows covering today (of any complex: few), not from every listing the complex ever had.
    const listedToday = ctx.db
      .select({ id: listingAvailability.listingId })
      .from(listingAvailability)
      .where(and(gte(listingAvailability.toDay, today), lte(listingAvailability.fromDay, today)));
    counted.push(
      ...(await ctx.db
        .select({ cell: listingCell, count: sql<number>`count(*)`, pallets: sql<number>`sum(${greatest(sql`${idleToday} - ${heldToday}`, 0)})` })
        .from(warehouseListings)
        .where(and(inArray(warehouseListings.id, listedToday), eq(warehouseListings.complexId, complex.id), eq(warehouseListings.status, 'ACTIVE')))
        .groupBy(listingCell)
        .all()),
    );
  }

  const merged = new Map<string, HeatmapCell>();
  for (const c of counted) {
    const cell = merged.get(c.cell) ?? { cell: c.cell, count: 0, pallets: 0 };
    cell.count += c.count;
    cell.pallets += c.pallets;
    merged.set(c.cell, cell);
  }
  return { complexCode: complex.code, resolution, layer, cells: [...merged.values()].sort((a, b) => b.pallets - a.pallets || a.cell.localeCompare(b.cell)) };
}
