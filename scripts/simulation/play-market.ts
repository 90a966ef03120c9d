/**
 * Plays a complex's market on a simulated clock through a Market (HTTP or in-process): the population joins
 * (vehicles, listings), manufacturers post their planned requests, owners list more space on weekdays, the
 * operator runs a round every 30 minutes, and carriers carry what they booked. Shared by `npm run simulate`
 * and the demo history that start-up plays into an empty database.
 */
import type { OrganisationRole } from '../../db/schema';
import type { ProgrammeComplex } from '../../src/complexes/programme';
import { Actors } from './actors';
import { Agenda } from './agenda';
import { seoulWeekday, type SimClock } from './clock';
import { DAY_MS, MINUTE_MS } from '../../src/time';
import type { RequestPlan } from './demand';
import type { Market } from './market';
import { listingSpec, seededFaker, type Population } from './population';
import { BEHAVIOUR, type ScenarioProfile } from './scenario';

export interface PlayMarketOptions<Who> {
  complex: ProgrammeComplex;
  profile: ScenarioProfile;
  population: Population;
  market: Market<Who>;
  /** Who runs the rounds. */
  operator: Who;
  /** Who acts for each supplier and manufacturer of the population, asked in the population's order. */
  cast: (role: Exclude<OrganisationRole, 'OPERATOR' | 'ADMIN'>, organisation: { name: string; businessRegistrationNumber: string }) => Who | Promise<Who>;
  /** Requests to post, in posting order (planRequests). */
  plans: RequestPlan[];
  clock: SimClock;
  /** The clock's start: the first planned day's 06:00, Asia/Seoul. */
  start: number;
  /** Days planned: owners may list more space on each weekday after the first. */
  days: number;
  /** The clock stops here at the latest; nothing runs at or after it. */
  until: number;
  /** Vehicles publish their shifts up to here. */
  horizon: number;
  seed: number;
  detourFactor: number;
  /** Minutes between the operator's rounds (default: the scenario's). */
  roundEveryMinutes?: number;
  /** See ActorsDeps. */
  skipIdleRounds?: boolean;
  /** Checked after each 15-minute step: true ends the play early. */
  finished?: (t: number, actors: Actors<Who>) => boolean;
  onStep?: (t: number, actors: Actors<Who>) => void;
}

export interface PlayedMarket<Who> {
  actors: Actors<Who>;
  /** Who acts for each of the population's manufacturers. */
  manufacturers: Who[];
}

/** Plays the market from `start` until `until` (or until `finished`). @throws ServiceError when the service refuses what it should accept. */
export async function playMarket<Who>(options: PlayMarketOptions<Who>): Promise<PlayedMarket<Who>> {
  const { complex, population, cast, clock, start, until } = options;
  const agenda = new Agenda();
  const actors = new Actors<Who>({
    market: options.market,
    clock,
    agenda,
    faker: seededFaker(options.seed + 1),
    complexCode: complex.code,
    operator: options.operator,
    horizon: options.horizon,
    detourFactor: options.detourFactor,
    skipIdleRounds: options.skipIdleRounds,
  });

  for (const carrier of population.carriers) {
    const who = await cast('CARRIER', carrier);
    actors.addSupplier({ who, role: 'CARRIER' });
    for (const vehicle of carrier.vehicles) await actors.registerVehicle(who, vehicle);
  }
  const owners: Who[] = [];
  for (const owner of population.owners) {
    const who = await cast('WAREHOUSE_OWNER', owner);
    owners.push(who);
    actors.addSupplier({ who, role: 'WAREHOUSE_OWNER' });
    for (const listing of owner.listings) await actors.createListing(who, listing);
  }
  const manufacturers: Who[] = [];
  for (const m of population.manufacturers) manufacturers.push(await cast('MANUFACTURER', m));

  for (const plan of options.plans) agenda.add(plan.postAt, () => actors.postRequest(manufacturers[plan.manufacturer]!, plan.input));
  scheduleNewListings(agenda, actors, owners, options);
  const round = async (): Promise<void> => {
    await actors.runRound();
    const next = clock.now().getTime() + (options.roundEveryMinutes ?? BEHAVIOUR.roundEveryMinutes) * MINUTE_MS;
    if (next < until) agenda.add(next, round);
  };
  agenda.add(start, round);

  const stepMs = BEHAVIOUR.stepMinutes * MINUTE_MS;
  for (let t = start; t < until; ) {
    const stepEnd = Math.min(t + stepMs, until);
    for (let event = agenda.takeBefore(stepEnd); event; event = agenda.takeBefore(stepEnd)) {
      clock.advanceTo(event.at);
      await event.run();
    }
    clock.advanceTo(stepEnd);
    t = stepEnd;
    options.onStep?.(t, actors);
    if (options.finished?.(t, actors)) break;
  }
  return { actors, manufacturers };
}

/** Warehouse owners list more space now and then on weekdays, at 09:00. */
function scheduleNewListings<Who>(agenda: Agenda, actors: Actors<Who>, owners: Who[], { complex, profile, seed, start, days }: PlayMarketOptions<Who>): void {
  const faker = seededFaker(seed + 3);
  for (let day = 1; day < days; day++) {
    if (BEHAVIOUR.dayFactors[seoulWeekday(start + day * DAY_MS)]! < 1) continue;
    for (const owner of owners) {
      if (!faker.datatype.boolean(BEHAVIOUR.newListingChancePerWeekday)) continue;
      const spec = listingSpec(faker, complex, profile);
      agenda.add(start + day * DAY_MS + 3 * 60 * MINUTE_MS, () => actors.createListing(owner, spec));
    }
  }
}
