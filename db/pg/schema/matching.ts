import { sql } from 'drizzle-orm';
import { bigint, check, customType, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { organisations } from './auth';
import { codedEnum, createdAt, timestampMs } from './columns';
import { complexes } from './complexes';
import { shipmentRequests } from './demand';
import { codeList, codeOf } from '../../schema/enums';
import {
  CENTRE_LEGS,
  OFFER_KIND_CODES,
  OFFER_STATUS_CODES,
  OFFER_WITHDRAWAL_REASON_CODES,
  PENDING_OFFER,
  ROUND_STATUS_CODES,
  ROUND_TRIGGER_CODES,
  ROUTE_STOP_ACTION_CODES,
  planValues,
  reportOfValues,
  reportValues,
  ROUND_REPORT_FIELDS,
  RUNNING_ROUND,
  stopsOfPlan,
  type CentreLeg,
  type PlannedStop,
  type PlannedStopValues,
  type StoredRoundReport,
} from '../../schema/matching';
import { vehicles, warehouseListings } from './supply';

// The PostgreSQL twin of db/schema/matching.ts, where each table and column is described.

/** The report as db/schema stores it, an array of values by position, in jsonb. */
const roundReport = customType<{ data: StoredRoundReport; driverData: string | (number | null)[] }>({
  dataType: () => 'jsonb',
  toDriver: (report) => JSON.stringify(reportValues(report)),
  // node-postgres parses jsonb itself.
  fromDriver: (stored) => reportOfValues(typeof stored === 'string' ? (JSON.parse(stored) as (number | null)[]) : stored),
});

const position = (field: keyof StoredRoundReport) => ROUND_REPORT_FIELDS.indexOf(field as never);

/** One field of the stored report, in SQL, as a number (or null), as db/schema's reportField reads it. */
export const reportField = (field: keyof StoredRoundReport) => sql.raw(`((report ->> ${position(field)})::double precision)`);

/**
 * A scheduled round that offered nothing (the feed leaves them out, retention prunes them), as db/schema's
 * EMPTY_SCHEDULED_ROUND: the report is jsonb here, so the condition reads it with `->`; queries must spell it so to
 * use the partial index.
 */
export const EMPTY_SCHEDULED_ROUND = sql.raw(`"trigger" = ${ROUND_TRIGGER_CODES.SCHEDULED} and (report -> ${position('offersWritten')}) = '0'::jsonb`);

export const matchingRounds = pgTable(
  'matching_rounds',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    status: codedEnum(ROUND_STATUS_CODES)('status').notNull().default(codeOf(ROUND_STATUS_CODES, 'RUNNING')),
    trigger: codedEnum(ROUND_TRIGGER_CODES)('trigger').notNull(),
    startedByOrgId: integer('started_by_org_id').references(() => organisations.id),
    startedAt: timestampMs('started_at').notNull(),
    aliveAt: timestampMs('alive_at'),
    finishedAt: timestampMs('finished_at'),
    report: roundReport('report'),
    error: text('error'),
  },
  (t) => [
    uniqueIndex('matching_rounds_one_running').on(t.complexId).where(RUNNING_ROUND),
    index('matching_rounds_complex').on(t.complexId, t.startedAt),
    // The rounds list runs newest first by id: its page is the index's last entries, not a sort of every round.
    index('matching_rounds_complex_newest').on(t.complexId, t.id),
    index('matching_rounds_empty_scheduled').on(t.startedAt).where(EMPTY_SCHEDULED_ROUND),
    check('matching_rounds_status', sql.raw(`status in (${codeList(ROUND_STATUS_CODES)})`)),
    check('matching_rounds_trigger', sql.raw(`"trigger" in (${codeList(ROUND_TRIGGER_CODES)})`)),
  ],
);

export const routes = pgTable(
  'routes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    roundId: integer('round_id')
      .notNull()
      .references(() => matchingRounds.id),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    vehicleId: integer('vehicle_id')
      .notNull()
      .references(() => vehicles.id),
    priceKrw: bigint('price_krw', { mode: 'number' }).notNull(),
    deadheadKm: doublePrecision('deadhead_km').notNull().default(0),
    loadedKm: doublePrecision('loaded_km').notNull().default(0),
    startAt: timestampMs('start_at').notNull(),
    endAt: timestampMs('end_at').notNull(),
    revision: integer('revision').notNull().default(0),
    extendsRouteId: integer('extends_route_id').references((): AnyPgColumn => routes.id),
    extendsRevision: integer('extends_revision'),
    extendsStopsDone: integer('extends_stops_done'),
    createdAt: createdAt(),
  },
  (t) => [
    index('routes_round').on(t.roundId),
    index('routes_extends').on(t.extendsRouteId).where(sql`extends_route_id is not null`),
    check('routes_price', sql`${t.priceKrw} >= 0`),
  ],
);

export const routeStops = pgTable(
  'route_stops',
  {
    routeId: integer('route_id')
      .notNull()
      .references(() => routes.id),
    seq: integer('seq').notNull(),
    requestId: integer('request_id')
      .notNull()
      .references(() => shipmentRequests.id),
    action: codedEnum(ROUTE_STOP_ACTION_CODES)('action').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    arriveAt: timestampMs('arrive_at').notNull(),
    startAt: timestampMs('start_at').notNull(),
    departAt: timestampMs('depart_at').notNull(),
    kgAfter: integer('kg_after').notNull(),
    palletsAfter: integer('pallets_after').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.routeId, t.seq] }),
    index('route_stops_request').on(t.requestId),
    check('route_stops_action', sql.raw(`action in (${codeList(ROUTE_STOP_ACTION_CODES)})`)),
    check('route_stops_time', sql`${t.arriveAt} <= ${t.startAt} and ${t.startAt} <= ${t.departAt}`),
    check('route_stops_load', sql`${t.kgAfter} >= 0 and ${t.palletsAfter} >= 0`),
  ],
);

/** A route's plan as db/schema stores it, its stops' values by position, in jsonb. */
const plannedStops = customType<{ data: PlannedStop[]; driverData: string | PlannedStopValues[] }>({
  dataType: () => 'jsonb',
  toDriver: (stops) => JSON.stringify(planValues(stops)),
  fromDriver: (stored) => stopsOfPlan(typeof stored === 'string' ? (JSON.parse(stored) as PlannedStopValues[]) : stored),
});

export const routePlans = pgTable('route_plans', {
  routeId: integer('route_id')
    .primaryKey()
    .references(() => routes.id),
  stops: plannedStops('stops').notNull(),
});

const storage = codeOf(OFFER_KIND_CODES, 'STORAGE');

export const offers = pgTable(
  'offers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    roundId: integer('round_id')
      .notNull()
      .references(() => matchingRounds.id),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    kind: codedEnum(OFFER_KIND_CODES)('kind').notNull(),
    status: codedEnum(OFFER_STATUS_CODES)('status').notNull().default(codeOf(OFFER_STATUS_CODES, 'PENDING')),
    requestId: integer('request_id')
      .notNull()
      .references(() => shipmentRequests.id),
    shipperOrgId: integer('shipper_org_id')
      .notNull()
      .references(() => organisations.id),
    supplierOrgId: integer('supplier_org_id')
      .notNull()
      .references(() => organisations.id),
    vehicleId: integer('vehicle_id').references(() => vehicles.id),
    listingId: integer('listing_id').references(() => warehouseListings.id),
    routeId: integer('route_id').references(() => routes.id),
    centreLeg: text('centre_leg', { enum: CENTRE_LEGS }).$type<CentreLeg>(),
    priceKrw: bigint('price_krw', { mode: 'number' }).notNull(),
    baseKrw: bigint('base_krw', { mode: 'number' }).notNull(),
    distanceKrw: bigint('distance_krw', { mode: 'number' }).notNull(),
    storageKrw: bigint('storage_krw', { mode: 'number' }).notNull(),
    handlingKrw: bigint('handling_krw', { mode: 'number' }).notNull(),
    stopsKrw: bigint('stops_krw', { mode: 'number' }).notNull().default(0),
    waitingKrw: bigint('waiting_krw', { mode: 'number' }).notNull().default(0),
    standaloneKrw: bigint('standalone_krw', { mode: 'number' }),
    deadheadKm: doublePrecision('deadhead_km').notNull(),
    loadedKm: doublePrecision('loaded_km').notNull(),
    co2Kg: doublePrecision('co2_kg').notNull(),
    baselineKrw: bigint('baseline_krw', { mode: 'number' }),
    baselineCo2Kg: doublePrecision('baseline_co2_kg'),
    baselineLoadedKm: doublePrecision('baseline_loaded_km'),
    pickupAt: timestampMs('pickup_at'),
    deliverAt: timestampMs('deliver_at'),
    storagePallets: integer('storage_pallets'),
    storageFromDay: text('storage_from_day'),
    storageToDay: text('storage_to_day'),
    expiresAt: timestampMs('expires_at').notNull(),
    createdAt: createdAt(),
    respondedAt: timestampMs('responded_at'),
    responseReason: text('response_reason'),
    withdrawalReason: codedEnum(OFFER_WITHDRAWAL_REASON_CODES)('withdrawal_reason'),
  },
  (t) => [
    index('offers_request').on(t.requestId, t.status),
    // A party's list newest first, in id order (by status first, a page sorted the party's every offer); status for its filter.
    index('offers_supplier').on(t.supplierOrgId, t.id, t.status),
    index('offers_shipper').on(t.shipperOrgId, t.id, t.status),
    index('offers_round').on(t.roundId),
    index('offers_route').on(t.routeId),
    // An operator's list and its count, in id order; the status too, so a count by status reads no row but a pending one's.
    index('offers_complex').on(t.complexId, t.id, t.status),
    index('offers_pending_expiry').on(t.complexId, t.expiresAt).where(PENDING_OFFER),
    index('offers_centre_feeders').on(t.complexId, t.deliverAt).where(sql`centre_leg = 'FEEDER'`),
    check('offers_kind', sql.raw(`kind in (${codeList(OFFER_KIND_CODES)})`)),
    check('offers_status', sql.raw(`status in (${codeList(OFFER_STATUS_CODES)})`)),
    check('offers_leg', sql`(${t.kind} = ${storage}) = (${t.listingId} is not null) and (${t.kind} = ${storage}) = (${t.vehicleId} is null)`),
    check('offers_route', sql`not (${t.kind} = ${storage} and ${t.routeId} is not null)`),
    check('offers_price', sql`${t.priceKrw} >= 0`),
  ],
);
