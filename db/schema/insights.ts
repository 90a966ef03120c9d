import { customType, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { complexes } from './complexes';

/**
 * Milliseconds in ascending order, stored as the bytes of a Float64Array: a year of a complex is ~40 k values, read
 * with no JSON to parse and, being sorted per day, merged for a median without sorting them all again.
 */
export const sortedMillisBytes = (values: number[]): Buffer => Buffer.from(Float64Array.from(values).sort().buffer);
export function millisOfBytes(bytes: Buffer): number[] {
  // Copied to an aligned buffer (a driver's Buffer may start anywhere), then by index: Array.from's iterator took
  // 3-4 times as long, a few ms for a year's values on every 366-day read.
  const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  return out;
}
const sortedMillis = customType<{ data: number[]; driverData: Buffer }>({
  dataType: () => 'blob',
  toDriver: sortedMillisBytes,
  fromDriver: millisOfBytes,
});

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
    // Booked routes whose earliest request was posted that day (src/insights/day-figures.ts addTripFigures).
    trips: integer('trips').notNull().default(0),
    tripRequests: integer('trip_requests').notNull().default(0),
    tripStops: integer('trip_stops').notNull().default(0),
    /** Σ over those routes of peak kg / payload and peak pallets / slots (fractions). */
    peakKgShare: real('peak_kg_share').notNull().default(0),
    peakPalletsShare: real('peak_pallets_share').notNull().default(0),
    /** Load and capacity × great-circle km between consecutive stops: only their ratio is reported, where the detour factor cancels. */
    kgKm: real('kg_km').notNull().default(0),
    payloadKm: real('payload_km').notNull().default(0),
    palletKm: real('pallet_km').notNull().default(0),
    palletSlotKm: real('pallet_slot_km').notNull().default(0),
    // Rounds of the complex started that day: their one-request-per-truck assignment's cost and their routes' prices.
    rounds: integer('rounds').notNull().default(0),
    assignmentCostKrw: integer('assignment_cost_krw').notNull().default(0),
    pooledCostKrw: integer('pooled_cost_krw').notNull().default(0),
    /** Posting to booking of each served request, ms, ascending: the median is not a sum (see sortedMillis). */
    bookingMs: sortedMillis('booking_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.complexId, t.day] })],
);
