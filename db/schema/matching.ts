import { sql } from 'drizzle-orm';
import { check, customType, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { organisations } from './auth';
import { complexes, createdAt } from './complexes';
import { shipmentRequests } from './demand';
import { codedEnum, codeList, codeOf, type Codes } from './enums';
import { vehicles, warehouseListings } from './supply';

export const ROUND_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED'] as const;
export const ROUND_TRIGGERS = ['MANUAL', 'SCHEDULED'] as const;
export const OFFER_KINDS = ['TRANSPORT', 'STORAGE'] as const;
/** The leg a transport offer or booking carries of a request through the logistics centre: to it, or on from it. */
export const CENTRE_LEGS = ['FEEDER', 'TRUNK'] as const;
export type CentreLeg = (typeof CENTRE_LEGS)[number];
export const OFFER_STATUSES = ['PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'WITHDRAWN'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];
export type RoundTrigger = (typeof ROUND_TRIGGERS)[number];
export type OfferKind = (typeof OFFER_KINDS)[number];
export type OfferStatus = (typeof OFFER_STATUSES)[number];
/** A round's status and trigger as stored (codedEnum; migration 0027): most rounds completed, 0. */
export const ROUND_STATUS_CODES = { COMPLETED: 0, RUNNING: 1, FAILED: 2 } as const satisfies Codes<RoundStatus>;
export const ROUND_TRIGGER_CODES = { MANUAL: 0, SCHEDULED: 1 } as const satisfies Codes<RoundTrigger>;
export const roundStatus = codedEnum(ROUND_STATUS_CODES);
export const roundTrigger = codedEnum(ROUND_TRIGGER_CODES);
/** An offer's kind and status as stored (codedEnum; migration 0022): most offers are accepted transport legs, 0 and 1. */
export const OFFER_KIND_CODES = { TRANSPORT: 0, STORAGE: 1 } as const satisfies Codes<OfferKind>;
export const OFFER_STATUS_CODES = { PENDING: 0, ACCEPTED: 1, DECLINED: 2, EXPIRED: 3, WITHDRAWN: 4 } as const satisfies Codes<OfferStatus>;
export const offerKind = codedEnum(OFFER_KIND_CODES);
export const offerStatus = codedEnum(OFFER_STATUS_CODES);
/**
 * Why a pending offer was withdrawn, as its supplier reads it (Offer.withdrawalReason; src/market/fallout.ts
 * WITHDRAWALS says which change gives which): its own request's shipper, its own listing or truck, or, for a share of
 * a pooled route (PARTNER_…), another request on that route. OTHER_LEG_LOST: the request's other leg (its storage, its
 * transport, its other leg through the centre) was declined, withdrawn or expired, so this one alone cannot book it.
 */
export const OFFER_WITHDRAWAL_REASONS = [
  'REQUEST_BOOKED_ELSEWHERE',
  'REQUEST_CANCELLED',
  'REQUEST_CHANGED',
  'REQUEST_EXPIRED',
  'REQUEST_GIVEN_BACK',
  'OTHER_LEG_LOST',
  'PARTNER_BOOKED',
  'PARTNER_CANCELLED',
  'PARTNER_CHANGED',
  'PARTNER_EXPIRED',
  'PARTNER_GIVEN_BACK',
  'PARTNER_LEG_LOST',
  'LISTING_WITHDRAWN',
  'LISTING_CHANGED',
  'LISTING_SHRUNK',
  'VEHICLE_RETIRED',
  'VEHICLE_RETIRED_BY_OPERATOR',
  'VEHICLE_CHANGED',
] as const;
export type OfferWithdrawalReason = (typeof OFFER_WITHDRAWAL_REASONS)[number];
/** As stored (codedEnum; migration 0050, PostgreSQL 0042): most withdrawals are of rivals of an accepted offer, 0, and their pooled partners, 1. */
export const OFFER_WITHDRAWAL_REASON_CODES = {
  REQUEST_BOOKED_ELSEWHERE: 0,
  PARTNER_BOOKED: 1,
  REQUEST_CANCELLED: 2,
  PARTNER_CANCELLED: 3,
  REQUEST_CHANGED: 4,
  PARTNER_CHANGED: 5,
  REQUEST_EXPIRED: 6,
  PARTNER_EXPIRED: 7,
  REQUEST_GIVEN_BACK: 8,
  PARTNER_GIVEN_BACK: 9,
  OTHER_LEG_LOST: 10,
  PARTNER_LEG_LOST: 11,
  LISTING_WITHDRAWN: 12,
  LISTING_CHANGED: 13,
  LISTING_SHRUNK: 14,
  VEHICLE_RETIRED: 15,
  VEHICLE_RETIRED_BY_OPERATOR: 16,
  VEHICLE_CHANGED: 17,
} as const satisfies Codes<OfferWithdrawalReason>;
export const offerWithdrawalReason = codedEnum(OFFER_WITHDRAWAL_REASON_CODES);
/** A pending offer, as the partial index offers_pending_expiry spells it. */
export const PENDING_OFFER = sql`status = ${codeOf(OFFER_STATUS_CODES, 'PENDING')}`;

/** What a round reported (src/matching/engine RoundReport), stored as JSON. */
export interface StoredRoundReport {
  requestsConsidered: number;
  servedCount: number;
  /** Routes offered, pooled ones (several requests), requests on pooled routes (rounds before pooled routing lack these). */
  routes: number;
  /** Of those, extensions of booked routes (rounds before extensions lack it). */
  extensions?: number;
  pooledRoutes: number;
  pooledRequests: number;
  /** Requests carried through the logistics centre (rounds before consolidation lack it). */
  centreRequests?: number;
  requestsPerTrip: number;
  stopsPerRoute: number;
  loadFactorKgPeakPct: number;
  loadFactorPalletsPeakPct: number;
  loadFactorKgKmPct: number;
  loadFactorPalletsKmPct: number;
  assignmentCostKrw: number;
  offersWritten: number;
  totalCostKrw: number;
  baselineCostKrw: number;
  savingsPct: number;
  deadheadKm: number;
  loadedKm: number;
  emptyKmShare: number;
  co2Kg: number;
  baselineCo2Kg: number;
  candidatePairsEvaluated: number;
  feasiblePairs: number;
  timeMs: number;
}

/**
 * The report's fields in the order they are stored. A report is kept as a JSON array of their values (~90 bytes
 * instead of ~490 with its keys, for a round every half hour of every complex, most of them empty); a field a
 * round did not report is null. New fields go at the end: positions are what SQL reads (reportField).
 */
export const ROUND_REPORT_FIELDS = [
  'requestsConsidered',
  'servedCount',
  'routes',
  'extensions',
  'pooledRoutes',
  'pooledRequests',
  'requestsPerTrip',
  'stopsPerRoute',
  'loadFactorKgPeakPct',
  'loadFactorPalletsPeakPct',
  'loadFactorKgKmPct',
  'loadFactorPalletsKmPct',
  'assignmentCostKrw',
  'offersWritten',
  'totalCostKrw',
  'baselineCostKrw',
  'savingsPct',
  'deadheadKm',
  'loadedKm',
  'emptyKmShare',
  'co2Kg',
  'baselineCo2Kg',
  'candidatePairsEvaluated',
  'feasiblePairs',
  'timeMs',
  'centreRequests',
] as const satisfies readonly (keyof StoredRoundReport)[];
/** Every field of a report has its position: one left out would be lost on writing. */
const everyFieldPlaced: [Exclude<keyof StoredRoundReport, (typeof ROUND_REPORT_FIELDS)[number]>] extends [never] ? true : never = true;
void everyFieldPlaced;

/** One field of the stored report, in SQL (`json_extract(report, '$[i]')`; spelled alike wherever an index or trigger must match it). */
export const reportField = (field: keyof StoredRoundReport) => sql.raw(`json_extract(report, '$[${ROUND_REPORT_FIELDS.indexOf(field as never)}]')`);

/** A report as its stored array of values by position (both databases store this array). */
export const reportValues = (report: StoredRoundReport): (number | null)[] => ROUND_REPORT_FIELDS.map((field) => report[field] ?? null);
/** The report of a stored array of values by position. */
export const reportOfValues = (values: (number | null)[]): StoredRoundReport =>
  Object.fromEntries(ROUND_REPORT_FIELDS.flatMap((field, i) => (values[i] == null ? [] : [[field, values[i]]]))) as unknown as StoredRoundReport;

const roundReport = customType<{ data: StoredRoundReport; driverData: string }>({
  dataType: () => 'text',
  toDriver: (report) => JSON.stringify(reportValues(report)),
  fromDriver: (stored) => reportOfValues(JSON.parse(stored) as (number | null)[]),
});

/**
 * A scheduled round that offered nothing (no request to consider, or none a truck could take): what the feed leaves
 * out and retention prunes (src/retention/prune-empty-rounds.ts). Its partial index has this very condition, which
 * lets the planner use the index.
 */
export const EMPTY_SCHEDULED_ROUND = sql`"trigger" = ${codeOf(ROUND_TRIGGER_CODES, 'SCHEDULED')} and ${reportField('offersWritten')} = 0`;

/** A round still running: the condition of its partial unique index, which a query must spell the same to use it. */
export const RUNNING_ROUND = sql`status = ${codeOf(ROUND_STATUS_CODES, 'RUNNING')}`;

/** One matching round of one complex. At most one RUNNING per complex, enforced by a partial unique index. */
export const matchingRounds = sqliteTable(
  'matching_rounds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    status: roundStatus('status').notNull().default(codeOf(ROUND_STATUS_CODES, 'RUNNING')),
    trigger: roundTrigger('trigger').notNull(),
    startedByOrgId: integer('started_by_org_id').references(() => organisations.id),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    /** A running round's heartbeat: its owner stamps it every few seconds (src/matching/run-round.ts); null on rounds before it. */
    aliveAt: integer('alive_at', { mode: 'timestamp_ms' }),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
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

/**
 * A vehicle's route offered in one round: its stops in order (its plan, route_stops once booked) and one TRANSPORT offer per request on
 * board (its share), all accepted or declined together. One request is a plain door-to-door trip; several are a
 * pooled load (혼적).
 */
export const routes = sqliteTable(
  'routes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id')
      .notNull()
      .references(() => matchingRounds.id),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    vehicleId: integer('vehicle_id')
      .notNull()
      .references(() => vehicles.id),
    /** The sum of its shares' prices. */
    priceKrw: integer('price_krw').notNull(),
    deadheadKm: real('deadhead_km').notNull().default(0),
    loadedKm: real('loaded_km').notNull().default(0),
    /** When the truck leaves its position, and finishes its last drop. */
    startAt: integer('start_at', { mode: 'timestamp_ms' }).notNull(),
    endAt: integer('end_at', { mode: 'timestamp_ms' }).notNull(),
    /** Bumped each time an accepted extension rewrites the stops of this (booked) route. */
    revision: integer('revision').notNull().default(0),
    /**
     * An extension: the booked route it would extend, the revision and the number of its stops already served when
     * it was planned (accepting checks both are unchanged), its stops being the booked route's whole new stop list.
     * Its shares are the joining shippers' only; its price is what they add.
     */
    extendsRouteId: integer('extends_route_id').references((): AnySQLiteColumn => routes.id),
    extendsRevision: integer('extends_revision'),
    extendsStopsDone: integer('extends_stops_done'),
    createdAt: createdAt(),
  },
  // Deleting a round checks no route references it: by index, not by scanning the table.
  (t) => [
    index('routes_round').on(t.roundId),
    // Only extensions: most routes extend none, and any comparison with the column implies it is not null.
    index('routes_extends').on(t.extendsRouteId).where(sql`extends_route_id is not null`),
    check('routes_price', sql`${t.priceKrw} >= 0`),
  ],
);

/** PICKUP and DROP at the request's ends; CENTRE_DROP ends a feeder leg at the centre, CENTRE_PICKUP starts a trunk leg there. */
export const ROUTE_STOP_ACTIONS = ['PICKUP', 'DROP', 'CENTRE_DROP', 'CENTRE_PICKUP'] as const;
export type RouteStopAction = (typeof ROUTE_STOP_ACTIONS)[number];
/** A stop's action as stored (codedEnum; migration 0030): most stops pick up or drop at a request's ends. */
export const ROUTE_STOP_ACTION_CODES = { PICKUP: 0, DROP: 1, CENTRE_DROP: 2, CENTRE_PICKUP: 3 } as const satisfies Codes<RouteStopAction>;
export const routeStopAction = codedEnum(ROUTE_STOP_ACTION_CODES);

/**
 * One stop of a booked route, in order: a request picked up or dropped, its schedule, and the load on board after
 * it. A route not booked keeps its stops in its plan (route_plans).
 */
export const routeStops = sqliteTable(
  'route_stops',
  {
    routeId: integer('route_id')
      .notNull()
      .references(() => routes.id),
    seq: integer('seq').notNull(),
    requestId: integer('request_id')
      .notNull()
      .references(() => shipmentRequests.id),
    action: routeStopAction('action').notNull(),
    lat: real('lat').notNull(),
    lng: real('lng').notNull(),
    arriveAt: integer('arrive_at', { mode: 'timestamp_ms' }).notNull(),
    startAt: integer('start_at', { mode: 'timestamp_ms' }).notNull(),
    departAt: integer('depart_at', { mode: 'timestamp_ms' }).notNull(),
    kgAfter: integer('kg_after').notNull(),
    palletsAfter: integer('pallets_after').notNull(),
  },
  // Keyed by route and position, WITHOUT ROWID (migration 0017): the rows are the key's index, no id and no second index for the order.
  (t) => [
    primaryKey({ columns: [t.routeId, t.seq] }),
    index('route_stops_request').on(t.requestId),
    check('route_stops_action', sql.raw(`action in (${codeList(ROUTE_STOP_ACTION_CODES)})`)),
    check('route_stops_time', sql`${t.arriveAt} <= ${t.startAt} and ${t.startAt} <= ${t.departAt}`),
    check('route_stops_load', sql`${t.kgAfter} >= 0 and ${t.palletsAfter} >= 0`),
  ],
);

/** A stop as a route's plan keeps it: a route_stops row but its route and position (the plan's order). */
export type PlannedStop = Omit<typeof routeStops.$inferSelect, 'routeId' | 'seq'>;
/** A stored stop: its values by position, instants as epoch ms (both databases store this array). */
export type PlannedStopValues = [number, RouteStopAction, number, number, number, number, number, number, number];

export const planValues = (stops: PlannedStop[]): PlannedStopValues[] =>
  stops.map((s) => [s.requestId, s.action, s.lat, s.lng, s.arriveAt.getTime(), s.startAt.getTime(), s.departAt.getTime(), s.kgAfter, s.palletsAfter]);
export const stopsOfPlan = (values: PlannedStopValues[]): PlannedStop[] =>
  values.map(([requestId, action, lat, lng, arriveAt, startAt, departAt, kgAfter, palletsAfter]) => ({
    requestId,
    action,
    lat,
    lng,
    arriveAt: new Date(arriveAt),
    startAt: new Date(startAt),
    departAt: new Date(departAt),
    kgAfter,
    palletsAfter,
  }));

const plannedStops = customType<{ data: PlannedStop[]; driverData: string }>({
  dataType: () => 'text',
  toDriver: (stops) => JSON.stringify(planValues(stops)),
  fromDriver: (stored) => stopsOfPlan(JSON.parse(stored) as PlannedStopValues[]),
});

/**
 * The stops of a route not (yet) booked, as one JSON array on one row: most offered routes are never booked, and a
 * row per stop with its two indexes costs ~95 bytes a stop (route stops were the largest growth, 119 MB a year). Booking a route writes its stops as
 * route_stops rows (where the capacity trigger, insights and later rounds read them) and deletes its plan; retention
 * deletes the plans nobody booked (ROUTE_PLAN_RETENTION_DAYS), so this table stays a window's worth whose freed pages
 * later plans reuse, instead of growing with every offer ever made.
 */
export const routePlans = sqliteTable('route_plans', {
  routeId: integer('route_id')
    .primaryKey()
    .references(() => routes.id),
  stops: plannedStops('stops').notNull(),
});

const STORAGE_OFFER = codeOf(OFFER_KIND_CODES, 'STORAGE');

/**
 * A proposal to one supplier (the vehicle's carrier or the listing's owner) for one request. A TRANSPORT offer is
 * one request's share of a route (`routeId`; null only on offers made before routes existed): each shipper sees
 * its own share.
 */
export const offers = sqliteTable(
  'offers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id')
      .notNull()
      .references(() => matchingRounds.id),
    complexId: integer('complex_id')
      .notNull()
      .references(() => complexes.id),
    kind: offerKind('kind').notNull(),
    status: offerStatus('status').notNull().default(codeOf(OFFER_STATUS_CODES, 'PENDING')),
    requestId: integer('request_id')
      .notNull()
      .references(() => shipmentRequests.id),
    shipperOrgId: integer('shipper_org_id')
      .notNull()
      .references(() => organisations.id),
    /** Who must accept: the vehicle's carrier or the listing's owner. */
    supplierOrgId: integer('supplier_org_id')
      .notNull()
      .references(() => organisations.id),
    vehicleId: integer('vehicle_id').references(() => vehicles.id),
    listingId: integer('listing_id').references(() => warehouseListings.id),
    routeId: integer('route_id').references(() => routes.id),
    /** Set when the share is one leg of a request through the centre (null: all the way). */
    centreLeg: text('centre_leg', { enum: CENTRE_LEGS }).$type<CentreLeg>(),
    priceKrw: integer('price_krw').notNull(),
    baseKrw: integer('base_krw').notNull(),
    distanceKrw: integer('distance_krw').notNull(),
    storageKrw: integer('storage_krw').notNull(),
    handlingKrw: integer('handling_krw').notNull(),
    stopsKrw: integer('stops_krw').notNull().default(0),
    waitingKrw: integer('waiting_krw').notNull().default(0),
    /** A route share: what the request's cheapest truck of its own would have cost in the same round. */
    standaloneKrw: integer('standalone_krw'),
    deadheadKm: real('deadhead_km').notNull(),
    loadedKm: real('loaded_km').notNull(),
    co2Kg: real('co2_kg').notNull(),
    /**
     * Transport legs: the request carried alone (engine baseline.ts), so insights can report savings. Its truck
     * returns empty, so its empty km are its loaded km: not stored twice (migration 0019).
     */
    baselineKrw: integer('baseline_krw'),
    baselineCo2Kg: real('baseline_co2_kg'),
    baselineLoadedKm: real('baseline_loaded_km'),
    pickupAt: integer('pickup_at', { mode: 'timestamp_ms' }),
    deliverAt: integer('deliver_at', { mode: 'timestamp_ms' }),
    storagePallets: integer('storage_pallets'),
    /** Inclusive storage stay, `YYYY-MM-DD` (Asia/Seoul). */
    storageFromDay: text('storage_from_day'),
    storageToDay: text('storage_to_day'),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: createdAt(),
    respondedAt: integer('responded_at', { mode: 'timestamp_ms' }),
    responseReason: text('response_reason'),
    /**
     * Why it was withdrawn (null unless WITHDRAWN, and on offers withdrawn before it was kept). No CHECK on its codes:
     * adding one would rebuild SQLite's largest table; codedEnum refuses a code it does not know on reading.
     */
    withdrawalReason: offerWithdrawalReason('withdrawal_reason'),
  },
  (t) => [
    index('offers_request').on(t.requestId, t.status),
    // A party's list newest first, in id order (by status first, a page sorted the party's every offer); status for its filter.
    index('offers_supplier').on(t.supplierOrgId, t.id, t.status),
    index('offers_shipper').on(t.shipperOrgId, t.id, t.status),
    // None by vehicle or listing: no query reads offers by them, and neither is ever deleted (an index per year: ~4 MB).
    index('offers_round').on(t.roundId),
    index('offers_route').on(t.routeId),
    // An operator's list and its count, in id order; the status too, so a count by status reads no row but a pending one's.
    index('offers_complex').on(t.complexId, t.id, t.status),
    // Each round expires its complex's pending offers: the few still pending, not every offer ever made.
    index('offers_pending_expiry').on(t.complexId, t.expiresAt).where(PENDING_OFFER),
    // A round reads the cross-dock pallets its centre has promised from today on: the feeder legs, not every offer.
    index('offers_centre_feeders').on(t.complexId, t.deliverAt).where(sql`centre_leg = 'FEEDER'`),
    check('offers_kind', sql.raw(`kind in (${codeList(OFFER_KIND_CODES)})`)),
    check('offers_status', sql.raw(`status in (${codeList(OFFER_STATUS_CODES)})`)),
    check('offers_leg', sql`(${t.kind} = ${STORAGE_OFFER}) = (${t.listingId} is not null) and (${t.kind} = ${STORAGE_OFFER}) = (${t.vehicleId} is null)`),
    check('offers_route', sql`not (${t.kind} = ${STORAGE_OFFER} and ${t.routeId} is not null)`),
    check('offers_price', sql`${t.priceKrw} >= 0`),
  ],
);
