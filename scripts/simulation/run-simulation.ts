/**
 * Runs the real service in-process on a simulated clock and drives it with a seeded population of a complex:
 * temp SQLite file, migrations, the programme's complexes, organisations and API keys created as the platform
 * admin, then every actor action as a GraphQL HTTP request. Ends by reading the complex's KPIs from the service
 * itself (complexInsights, as the operator).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openDatabase } from '../../db/client';
import { DIALECT } from '../../db/dialect';
import { createApiKey } from '../../src/auth/create-api-key';
import { createOrganisation } from '../../src/auth/create-organisation';
import { SYSTEM_ADMIN } from '../../src/auth/viewer';
import { loadProgramme } from '../../src/complexes/load-programme';
import { PROGRAMME_COMPLEXES, type ProgrammeComplex } from '../../src/complexes/programme';
import type { Context } from '../../src/context';
import { parseEnv } from '../../src/env';
import { BEHAVIOUR } from './scenario';
import { createLogger } from '../../src/logger';
import type { OrganisationRole } from '../../db/schema';
import { createInProcessPubSub } from '../../src/pubsub';
import { createApp } from '../../src/server';
import type { Counters, ObservedKm } from './actors';
import { seoulTimeOfDay, SimClock, SIMULATION_START } from './clock';
import { DAY_MS } from '../../src/time';
import { OPERATIONS, ServiceClient, type InsightsData } from './client';
import { planRequests } from './demand';
import { playMarket } from './play-market';
import { generatePopulation, seededFaker } from './population';
import { profileOf, type ScenarioProfile } from './scenario';

export interface SimulationOptions {
  complexCode: string;
  days: number;
  seed: number;
  /** Volumes and population relative to the profile (1 = as profiled). */
  scale: number;
  /** Keep the database at this path (it must not exist yet) instead of a temporary file. */
  keepDbPath?: string;
  onProgress?: (progress: Progress) => void;
}

export interface Progress {
  now: number;
  /** Share of the simulated period done, 0–1. */
  done: number;
  /** 1-based day of the simulated period (days + 1 while the last requests finish). */
  day: number;
  days: number;
  requests: number;
  bookings: number;
}

export interface PopulationSizes {
  manufacturers: number;
  carriers: number;
  vehicles: number;
  warehouseOwners: number;
  listingsAtStart: number;
  partnerSites: number;
}

export interface SimulationResult {
  options: Omit<SimulationOptions, 'onProgress'>;
  complex: ProgrammeComplex;
  profile: ScenarioProfile;
  /** The posting period [start, end) the KPIs cover (whole Asia/Seoul days); the clock runs on until its requests finish. */
  start: Date;
  end: Date;
  clockEnd: Date;
  sizes: PopulationSizes;
  counters: Counters;
  observed: ObservedKm;
  insights: InsightsData;
  httpRequests: number;
  wallMs: number;
}

/** The clock runs at most this long past the last posting day for the last requests to finish. */
const DRAIN_MS = 2 * DAY_MS;

/**
 * Runs one simulation and returns its KPIs.
 * @throws Error for an unknown complex, or when the service refuses an action the simulation expects to succeed.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const started = performance.now();
  const complex = PROGRAMME_COMPLEXES.find((c) => c.code === options.complexCode);
  if (!complex) throw new Error(`unknown complex ${options.complexCode}`);
  const profile = profileOf(complex.code);
  const population = generatePopulation(complex, profile, options.scale, options.seed);
  const start = SIMULATION_START.getTime();
  // KPIs cover whole Asia/Seoul days: from the first day's midnight, for `days` days.
  const periodStart = seoulTimeOfDay(start, 0);
  const end = periodStart + options.days * DAY_MS;
  const horizon = end + DRAIN_MS;

  if (DIALECT !== 'sqlite') throw new Error('the simulation plays on a SQLite file of its own: run it without DATABASE_URL (npm run simulate does)');
  const dir = mkdtempSync(join(tmpdir(), 'sandan-sim-'));
  const env = parseEnv({
    DATABASE_PATH: options.keepDbPath ?? join(dir, 'simulation.db'),
    LOG_LEVEL: 'silent',
    SEED_ON_EMPTY: 'false',
    MATCHING_INTERVAL_SECONDS: '0',
    MATCHING_HOLD_ALONE_MINUTES: String(BEHAVIOUR.holdAloneMinutes),
    MATCHING_HOLD_POOLED_MINUTES: String(BEHAVIOUR.holdPooledMinutes),
    MATCHING_EMPTY_KM_WEIGHT: String(BEHAVIOUR.emptyKmWeight),
    // Each round's search ends by its iteration bound, not the service's 5 s clock: on a loaded machine the clock cut
    // searches short and the same seed gave figures a point apart. The same seed now gives the same week.
    MATCHING_ROUND_SECONDS: '120',
    RATE_LIMIT_PER_KEY: '100000000',
    RATE_LIMIT_PER_ADDRESS: '100000000',
    POD_STORAGE_DIR: join(dir, 'pod'),
  });
  const db = openDatabase(env.DATABASE_PATH);
  migrateDatabase(db);
  const clock = new SimClock();
  const logger = createLogger(env.LOG_LEVEL);
  const pubsub = createInProcessPubSub();
  const app = await createApp({ env, db, logger, pubsub, now: () => clock.now() });
  try {
    const admin: Context = { db, pubsub, logger, env, now: () => clock.now(), viewer: SYSTEM_ADMIN };
    await loadProgramme({ ctx: admin });
    const keyFor = async (role: OrganisationRole, org: { name: string; businessRegistrationNumber: string }) => {
      const created = await createOrganisation({ ctx: admin, input: { complexCode: complex.code, role, ...org } });
      return (await createApiKey({ ctx: admin, input: { organisationId: created.id, name: 'simulation' } })).secret;
    };

    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = app.httpServer.address() as AddressInfo;
    const client = new ServiceClient(`http://127.0.0.1:${port}`);
    const plans = planRequests(profile, population, start, options.days, options.scale, seededFaker(options.seed + 2), `sim${options.seed}`);
    const lastPickup = Math.max(start, ...plans.map((p) => p.pickupUntil));
    const operatorKey = await keyFor('OPERATOR', population.operator);
    const { actors } = await playMarket({
      complex,
      profile,
      population,
      market: client,
      operator: operatorKey,
      cast: keyFor,
      plans,
      clock,
      start,
      days: options.days,
      until: horizon,
      horizon,
      seed: options.seed,
      detourFactor: env.MATCHING_DETOUR_FACTOR,
      onStep: (t, played) => {
        const day = Math.min(options.days + 1, Math.floor((t - periodStart) / DAY_MS) + 1);
        options.onProgress?.({ now: t, done: Math.min(1, (t - periodStart) / (end - periodStart)), day, days: options.days, requests: played.counters.requests, bookings: played.counters.bookings });
      },
      finished: (t, played) => t >= end && t > lastPickup && played.activeBookings === 0,
    });

    await client.call(operatorKey, OPERATIONS.requestBoard, { complexCode: complex.code });
    const { complexInsights } = await client.call<{ complexInsights: InsightsData }>(operatorKey, OPERATIONS.complexInsights, {
      complexCode: complex.code,
      from: new Date(periodStart).toISOString(),
      to: new Date(end).toISOString(),
    });
    const { onProgress: _, ...kept } = options;
    return {
      options: kept,
      complex,
      profile,
      start: new Date(periodStart),
      end: new Date(end),
      clockEnd: clock.now(),
      sizes: {
        manufacturers: population.manufacturers.length,
        carriers: population.carriers.length,
        vehicles: population.carriers.reduce((n, c) => n + c.vehicles.length, 0),
        warehouseOwners: population.owners.length,
        listingsAtStart: population.owners.reduce((n, o) => n + o.listings.length, 0),
        partnerSites: population.partnerSites.length,
      },
      counters: actors.counters,
      observed: actors.observed,
      insights: complexInsights,
      httpRequests: client.requests,
      wallMs: performance.now() - started,
    };
  } finally {
    await app.stop();
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
