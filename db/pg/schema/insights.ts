import { bigint, doublePrecision, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { complexes } from './complexes';

/**
 * What complexInsights reports for one complex and one closed Asia/Seoul day: the requests posted that day
 * (their outcome, cost and distances against the baseline) and the storage of that day, so that a year is a
 * sum of 366 rows (src/insights/roll-up-day.ts). Each column a plain sum over days, except `booking_ms`.
 * A row is written only once no request of the day is still waiting; triggers (migration insights_days)
 * delete it whenever anything it summed changes, and it is written again.
 */
export const insightsDays = pgTable(
  'insights_days',
  {
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    /** `YYYY-MM-DD` (Asia/Seoul). */
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
    // Booked routes whose earliest request was posted that day (src/insights/day-figures.ts addTripFigures).
    trips: integer('trips').notNull().default(0),
    tripRequests: integer('trip_requests').notNull().default(0),
    tripStops: integer('trip_stops').notNull().default(0),
    /** Σ over those routes of peak kg / payload and peak pallets / slots (fractions). */
    peakKgShare: doublePrecision('peak_kg_share').notNull().default(0),
    peakPalletsShare: doublePrecision('peak_pallets_share').notNull().default(0),
    /** Load and capacity × great-circle km between consecutive stops: only their ratio is reported, where the detour factor cancels. */
    kgKm: doublePrecision('kg_km').notNull().default(0),
    payloadKm: doublePrecision('payload_km').notNull().default(0),
    palletKm: doublePrecision('pallet_km').notNull().default(0),
    palletSlotKm: doublePrecision('pallet_slot_km').notNull().default(0),
    // Rounds of the complex started that day: their one-request-per-truck assignment's cost and their routes' prices.
    rounds: integer('rounds').notNull().default(0),
    assignmentCostKrw: bigint('assignment_cost_krw', { mode: 'number' }).notNull().default(0),
    pooledCostKrw: bigint('pooled_cost_krw', { mode: 'number' }).notNull().default(0),
    /** Posting to booking of each served request, ms: the median is not a sum. */
    bookingMs: jsonb('booking_ms').$type<number[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.complexId, t.day] })],
);
