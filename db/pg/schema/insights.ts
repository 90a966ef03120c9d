import { bigint, customType, doublePrecision, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { millisOfBytes, sortedMillisBytes } from '../../schema/insights';
import { complexes } from './complexes';

/** Ascending milliseconds as the bytes of a Float64Array, as db/schema's sortedMillis. */
const sortedMillis = customType<{ data: number[]; driverData: Buffer }>({
  dataType: () => 'bytea',
  toDriver: sortedMillisBytes,
  fromDriver: millisOfBytes,
});

// The PostgreSQL twin of db/schema/insights.ts, where each table and column is described.

export const insightsDays = pgTable(
  'insights_days',
  {
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    day: text('day').notNull(),
    posted: integer('posted').notNull(),
    served: integer('served').notNull(),
    expired: integer('expired').notNull(),
    cancelled: integer('cancelled').notNull(),
    consolidated: integer('consolidated').notNull(),
    costKrw: bigint('cost_krw', { mode: 'number' }).notNull(),
    baselineCostKrw: bigint('baseline_cost_krw', { mode: 'number' }).notNull(),
    deadheadKm: doublePrecision('deadhead_km').notNull(),
    loadedKm: doublePrecision('loaded_km').notNull(),
    baselineDeadheadKm: doublePrecision('baseline_deadhead_km').notNull(),
    baselineLoadedKm: doublePrecision('baseline_loaded_km').notNull(),
    co2Kg: doublePrecision('co2_kg').notNull(),
    baselineCo2Kg: doublePrecision('baseline_co2_kg').notNull(),
    idlePalletDays: doublePrecision('idle_pallet_days').notNull(),
    bookedPalletDays: integer('booked_pallet_days').notNull(),
    trips: integer('trips').notNull().default(0),
    tripRequests: integer('trip_requests').notNull().default(0),
    tripStops: integer('trip_stops').notNull().default(0),
    peakKgShare: doublePrecision('peak_kg_share').notNull().default(0),
    peakPalletsShare: doublePrecision('peak_pallets_share').notNull().default(0),
    kgKm: doublePrecision('kg_km').notNull().default(0),
    payloadKm: doublePrecision('payload_km').notNull().default(0),
    palletKm: doublePrecision('pallet_km').notNull().default(0),
    palletSlotKm: doublePrecision('pallet_slot_km').notNull().default(0),
    rounds: integer('rounds').notNull().default(0),
    assignmentCostKrw: bigint('assignment_cost_krw', { mode: 'number' }).notNull().default(0),
    pooledCostKrw: bigint('pooled_cost_krw', { mode: 'number' }).notNull().default(0),
    bookingMs: sortedMillis('booking_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.complexId, t.day] })],
);
