import { and, asc, eq } from 'drizzle-orm';
import { complexes, organisations, type OrganisationRole } from '../../db/schema';
import type { Context } from '../context';
import { PROGRAMME_COMPLEXES } from '../complexes/programme';
import { createShipmentRequest } from '../demand/create-shipment-request';
import { DAY_MS, HOUR_MS } from '../simulation/clock';
import { planRequests } from '../simulation/demand';
import { generatePopulation, seededFaker } from '../simulation/population';
import { profileOf } from '../simulation/scenario';
import { createListing } from '../supply/listings/create-listing';
import { addDays, seoulDay } from '../supply/listings/seoul-day';
import { registerVehicle } from '../supply/vehicles/register-vehicle';

/** Per complex: enough to see on the map and to match, little enough to read. */
const VEHICLES_PER_COMPLEX = 12;
const LISTINGS_PER_COMPLEX = 4;
const REQUESTS_PER_COMPLEX = 10;
/** The simulation's population at this share of a complex's profiled volume. */
const POPULATION_SCALE = 0.1;

export interface SeedDemoMarketInput {
  seed: number;
}

export interface DemoMarketSummary {
  vehicles: number;
  listings: number;
  requests: number;
}

/**
 * A market to look at on a fresh start: for each complex, a fleet for its demo carrier, idle space for its demo
 * warehouse owner and the coming hours' requests of its demo manufacturer, generated as the simulation's
 * population is (industry mix, partner sites), and written through the domain verbs as those organisations.
 * Needs the demo organisations of seedDemo (the first of each role in each complex holds the demo key).
 */
export function seedDemoMarket({ ctx, input }: { ctx: Omit<Context, 'viewer'>; input: SeedDemoMarketInput }): DemoMarketSummary {
  const summary: DemoMarketSummary = { vehicles: 0, listings: 0, requests: 0 };
  const now = ctx.now().getTime();
  const today = seoulDay(ctx.now());
  PROGRAMME_COMPLEXES.forEach((complex, k) => {
    const complexId = ctx.db.select({ id: complexes.id }).from(complexes).where(eq(complexes.code, complex.code)).get()!.id;
    const as = (role: OrganisationRole): Context => {
      const org = ctx.db.select().from(organisations).where(and(eq(organisations.complexId, complexId), eq(organisations.role, role))).orderBy(asc(organisations.id)).get()!;
      return { ...ctx, viewer: { organisationId: org.id, role, complexId, apiKeyId: null } };
    };
    const profile = profileOf(complex.code);
    const population = generatePopulation(complex, profile, POPULATION_SCALE, input.seed + k);

    const carrier = as('CARRIER');
    for (const { plateNumber, tonnageClass, bodyType, hazmatCertified, location } of population.carriers.flatMap((c) => c.vehicles).slice(0, VEHICLES_PER_COMPLEX)) {
      const availability = [{ startsAt: new Date(now + 5 * 60_000), endsAt: new Date(now + 7 * DAY_MS) }];
      registerVehicle({ ctx: carrier, input: { plateNumber, tonnageClass, bodyType, hazmatCertified, location, availability } });
      summary.vehicles++;
    }

    const owner = as('WAREHOUSE_OWNER');
    for (const { idlePallets, ...listing } of population.owners.flatMap((o) => o.listings).slice(0, LISTINGS_PER_COMPLEX)) {
      createListing({ ctx: owner, input: { ...listing, opensAt: '08:00', closesAt: '20:00', availability: [{ from: today, to: addDays(today, 60), idlePallets }] } });
      summary.listings++;
    }

    const manufacturer = as('MANUFACTURER');
    const plans = planRequests(profile, population, now, 2, POPULATION_SCALE * 2, seededFaker(input.seed + k), `demo-${complex.code}`)
      .filter((p) => p.input.pickupWindow.from.getTime() > now + HOUR_MS)
      .slice(0, REQUESTS_PER_COMPLEX);
    for (const plan of plans) {
      createShipmentRequest({ ctx: manufacturer, input: plan.input });
      summary.requests++;
    }
  });
  return summary;
}
