import { asc, eq } from 'drizzle-orm';
import { complexes, organisations, type OrganisationRole } from '../../db/schema';
import type { Viewer } from '../../src/context';
import type { Context } from '../../src/context';
import { PROGRAMME_COMPLEXES } from '../../src/complexes/programme';
import { seoulTimeOfDay, seoulWeekday, SimClock } from '../simulation/clock';
import { DAY_MS, HOUR_MS } from '../../src/time';
import { planRequests } from '../simulation/demand';
import { DomainMarket } from '../simulation/in-process';
import { playMarket } from '../simulation/play-market';
import { generatePopulation, seededFaker } from '../simulation/population';
import { profileOf } from '../simulation/scenario';
import { DIALECT } from '../../db/dialect';

/** Requests a complex posts on a weekday in the history: the simulation's population and volumes scaled to this. */
const REQUESTS_PER_WEEKDAY = 14;
/** The operator's rounds: fewer than the simulation's (start-up time), and none while nothing is open. */
const ROUND_EVERY_MINUTES = 120;
/** The next requests each complex's manufacturers would post after now, posted at the end for the next rounds. */
const COMING_REQUESTS = 3;
/** Vehicles publish their shifts this far ahead of now. */
const SHIFTS_AHEAD_MS = 7 * DAY_MS;

export interface SeedDemoHistoryInput {
  /** The simulation's seed: the same seed at the same start time gives the same history. */
  seed: number;
}

export interface DemoHistorySummary {
  requests: number;
  bookings: number;
  deliveries: number;
  vehicles: number;
  listings: number;
  /** Requests posted at the end, waiting for the next rounds (included in `requests`). */
  comingRequests: number;
}

/**
 * A recent history for every complex, so that a fresh start shows a working market: the simulation's population
 * of each complex (npm run simulate), scaled down, plays from 06:00 of the last finished weekday up to now through
 * the domain verbs in-process on a simulated clock, acted by the demo organisations of seedDemo (the first of each
 * role holds the demo key); then the next few requests are posted for the scheduled rounds and the load board.
 * Needs seedDemo's organisations. Deterministic for the seed and the start time.
 * @throws ServiceError when the service refuses what the simulation expects it to accept.
 */
export async function seedDemoHistory({ ctx, input }: { ctx: Omit<Context, 'viewer'>; input: SeedDemoHistoryInput }): Promise<DemoHistorySummary> {
  const summary: DemoHistorySummary = { requests: 0, bookings: 0, deliveries: 0, vehicles: 0, listings: 0, comingRequests: 0 };
  const now = ctx.now().getTime();
  const start = historyStart(now);
  // Days from the start's to today's, and tomorrow's: its pickups are posted the afternoon before.
  const days = Math.round((seoulTimeOfDay(now, 6) - start) / DAY_MS) + 2;
  // Thousands of small commits, each without an fsync: WAL keeps the file consistent, and nobody was promised these writes.
  const sqlite = DIALECT === 'sqlite' ? ctx.db.$client : null;
  const synchronous = sqlite?.pragma('synchronous', { simple: true });
  sqlite?.pragma('synchronous = NORMAL');
  try {
    for (const [k, complex] of PROGRAMME_COMPLEXES.entries()) {
      // On SQLite every await settles at once, so signals (a second Ctrl-C) would wait for the whole history: let
      // the event loop turn between complexes.
      await new Promise((resolve) => setImmediate(resolve));
      const seed = input.seed + 10 * k;
      const profile = profileOf(complex.code);
      const scale = REQUESTS_PER_WEEKDAY / profile.requestsPerWeekday;
      const population = generatePopulation(complex, profile, scale, seed);
      const clock = new SimClock(new Date(start));
      const cast = await demoCast(ctx, complex.code);
      const plans = planRequests(profile, population, start, days, scale, seededFaker(seed + 2), `demo-${complex.code}`);
      const { actors, manufacturers } = await playMarket({
        complex,
        profile,
        population,
        market: new DomainMarket({ ...ctx, now: () => clock.now() }),
        operator: cast('OPERATOR'),
        cast,
        plans,
        clock,
        start,
        days,
        until: now,
        horizon: now + SHIFTS_AHEAD_MS,
        seed,
        detourFactor: ctx.env.MATCHING_DETOUR_FACTOR,
        roundEveryMinutes: ROUND_EVERY_MINUTES,
        skipIdleRounds: true,
      });
      for (const plan of plans.filter((p) => p.postAt >= now).slice(0, COMING_REQUESTS)) {
        await actors.postRequest(manufacturers[plan.manufacturer]!, plan.input);
        summary.comingRequests++;
      }
      summary.requests += actors.counters.requests;
      summary.bookings += actors.counters.bookings;
      summary.deliveries += actors.counters.deliveries;
      summary.listings += actors.counters.listings;
      summary.vehicles += actors.vehicles.size;
    }
  } finally {
    sqlite?.pragma(`synchronous = ${synchronous}`);
  }
  return summary;
}

/** The demo organisations of a complex as the population's actors: each role's in turn, by ID (the first holds the demo key). */
async function demoCast(ctx: Pick<Context, 'db'>, complexCode: string): Promise<(role: OrganisationRole) => Viewer> {
  const complexId = (await ctx.db.select({ id: complexes.id }).from(complexes).where(eq(complexes.code, complexCode)).get())!.id;
  const organisationsOf = await ctx.db.select({ id: organisations.id, role: organisations.role }).from(organisations).where(eq(organisations.complexId, complexId)).orderBy(asc(organisations.id)).all();
  const turns = new Map<OrganisationRole, number>();
  return (role) => {
    const ids = organisationsOf.filter((o) => o.role === role);
    const turn = turns.get(role) ?? 0;
    turns.set(role, turn + 1);
    return { organisationId: ids[turn % ids.length]!.id, role, complexId, apiKeyId: null };
  };
}

/** 06:00 (Asia/Seoul) of the last weekday whose working day (until 18:00) is over: the history holds at least one. */
function historyStart(now: number): number {
  let start = seoulTimeOfDay(now - 18 * HOUR_MS, 0) + 6 * HOUR_MS;
  while (seoulWeekday(start) > 4) start -= DAY_MS;
  return start;
}
