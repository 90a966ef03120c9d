import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { complexes } from './complexes';

/**
 * What complexInsights reports for one complex and one closed Asia/Seoul day: the requests posted that day
 * (their outcome, cost and distances against the baseline) and the storage of that day, so that a year is a
 * sum of 366 rows (src/insights/roll-up-day.ts). Each column a plain sum over days, except `booking_ms`.
 * A row is written only once no request of the day is still waiting; triggers (migration insights_days)
 * delete it whenever anything it summed changes, and it is written again.
 */
export const insightsDays = sqliteTable(
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
    costKrw: integer('cost_krw').notNull(),
    baselineCostKrw: integer('baseline_cost_krw').notNull(),
    deadheadKm: real('deadhead_km').notNull(),
    loadedKm: real('loaded_km').notNull(),
    baselineDeadheadKm: real('baseline_deadhead_km').notNull(),
    baselineLoadedKm: real('baseline_loaded_km').notNull(),
    co2Kg: real('co2_kg').notNull(),
    baselineCo2Kg: real('baseline_co2_kg').notNull(),
    idlePalletDays: real('idle_pallet_days').notNull(),
    bookedPalletDays: integer('booked_pallet_days').notNull(),
    /** Posting to booking of each served request, ms: the median is not a sum. */
    bookingMs: text('booking_ms', { mode: 'json' }).$type<number[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.complexId, t.day] })],
);
