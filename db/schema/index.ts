// The tables the domain imports: db/schema's SQLite tables (tables.ts), or on PostgreSQL their twins in db/pg/schema,
// which store the same values in the same columns (test/unit/db/pg-schema-drift.test.ts), so every query is written
// once against the SQLite types. Everything else of the schema (value sets, record types) is exported as it is.
import * as pg from '../pg/schema';
import { perDialect } from '../dialect';
import * as sqlite from './tables';

export * from './tables';

const table = <K extends keyof typeof sqlite>(name: K): (typeof sqlite)[K] => perDialect({ sqlite: sqlite[name], pg: pg[name as keyof typeof pg] as unknown as (typeof sqlite)[K] });

export const apiKeys = table('apiKeys');
export const bookings = table('bookings');
export const complexes = table('complexes');
export const idempotencyKeys = table('idempotencyKeys');
export const insightsDays = table('insightsDays');
export const listingAvailability = table('listingAvailability');
export const listingReservations = table('listingReservations');
export const logisticsCentres = table('logisticsCentres');
export const matchingRounds = table('matchingRounds');
export const offers = table('offers');
export const organisations = table('organisations');
export const podImages = table('podImages');
export const proofsOfDelivery = table('proofsOfDelivery');
export const routePlans = table('routePlans');
export const routeStops = table('routeStops');
export const routes = table('routes');
export const shipmentRequests = table('shipmentRequests');
export const trackingEvents = table('trackingEvents');
export const users = table('users');
export const vehicleAvailability = table('vehicleAvailability');
export const vehicleReservations = table('vehicleReservations');
export const vehicles = table('vehicles');
export const warehouseListings = table('warehouseListings');
export const webhookAttempts = table('webhookAttempts');
export const webhookDeliveries = table('webhookDeliveries');
export const webhookEndpoints = table('webhookEndpoints');
export const webhookEvents = table('webhookEvents');

/** Conditions that read the stored round report, which PostgreSQL keeps as jsonb. */
export const reportField = perDialect({ sqlite: sqlite.reportField, pg: pg.reportField });
export const EMPTY_SCHEDULED_ROUND = perDialect({ sqlite: sqlite.EMPTY_SCHEDULED_ROUND, pg: pg.EMPTY_SCHEDULED_ROUND });
