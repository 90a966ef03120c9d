import { base, en, Faker, ko } from '@faker-js/faker';
import { count } from 'drizzle-orm';
import { complexes, organisations, type OrganisationRole } from '../../db/schema';
import { withCheckDigit } from '../auth/business-number';
import { loadProgramme } from '../complexes/load-programme';
import type { Context } from '../context';

export interface SeedDemoInput {
  /** Demo organisations per 1,000 tenant companies of each complex (at least one per role per complex). */
  scale: number;
  /** Faker seed: the same seed gives the same data. */
  seed: number;
}
export const DEFAULT_SEED: SeedDemoInput = { scale: 2, seed: 42 };

/** Share of each role among the generated organisations beyond the first of each role. */
const ROLE_MIX: [OrganisationRole, number][] = [
  ['MANUFACTURER', 0.65],
  ['CARRIER', 0.2],
  ['WAREHOUSE_OWNER', 0.15],
];

export interface SeedSummary {
  complexes: number;
  organisations: number;
}

/** True when the database holds no complexes yet (start-up seeds only then). */
export function isEmpty({ ctx }: { ctx: Pick<Context, 'db'> }): boolean {
  return ctx.db.select({ n: count() }).from(complexes).get()!.n === 0;
}

/** Loads the programme complexes (if missing), then faker-generated demo organisations in one transaction. */
export function seedDemo({ ctx, input }: { ctx: Pick<Context, 'db'>; input: SeedDemoInput }): SeedSummary {
  const faker = new Faker({ locale: [ko, en, base], seed: input.seed });
  loadProgramme({ ctx });
  return ctx.db.transaction((tx) => {
    let added = 0;
    for (const complex of tx.select().from(complexes).orderBy(complexes.id).all()) {
      const total = Math.max(4, Math.round((complex.tenantCompanies / 1000) * input.scale));
      const roles: OrganisationRole[] = ['OPERATOR', 'MANUFACTURER', 'CARRIER', 'WAREHOUSE_OWNER'];
      while (roles.length < total) roles.push(pickRole(faker.number.float()));
      for (const role of roles) {
        tx.insert(organisations)
          .values({
            complexId: complex.id,
            role,
            name: role === 'OPERATOR' ? `${complex.nameKo} 공동물류센터 운영사` : `${faker.company.name()} ${faker.string.alphanumeric(3).toUpperCase()}`,
            businessRegistrationNumber: withCheckDigit(faker.string.numeric(9)),
            contactName: faker.person.fullName(),
            contactPhone: faker.phone.number(),
          })
          .onConflictDoNothing()
          .run();
        added++;
      }
    }
    return { complexes: tx.select({ n: count() }).from(complexes).get()!.n, organisations: added };
  });
}

function pickRole(r: number): OrganisationRole {
  let acc = 0;
  for (const [role, share] of ROLE_MIX) if ((acc += share) >= r) return role;
  return 'MANUFACTURER';
}
