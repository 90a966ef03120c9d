import { base, en, Faker, ko } from '@faker-js/faker';
import { count } from 'drizzle-orm';
import { apiKeys, complexes, organisations, type OrganisationRole } from '../../db/schema';
import { transact } from '../../db/transaction';
import { generateApiKey } from '../../src/auth/api-key-secret';
import { withCheckDigit } from '../../src/auth/business-number';
import { loadProgramme } from '../../src/complexes/load-programme';
import type { Context } from '../../src/context';
import { firmName, type FirmRole } from './firm-name';

/**
 * A contact's mobile number (010-XXXX-XXXX) from faker's ko number, which is none a dispatcher can call (07-03186-3033,
 * 008-3157-2600): its last eight digits, the first moved off 0 and 1, where no mobile number starts. Drawn as faker's
 * number, so that a seed plays the same demo history as before.
 */
function mobileOf(fakerNumber: string): string {
  const digits = fakerNumber.replace(/\D/g, '').padStart(8, '0').slice(-8);
  return `010-${Math.max(2, Number(digits[0]))}${digits.slice(1, 4)}-${digits.slice(4)}`;
}

export interface SeedDemoInput {
  /** Demo organisations per 1,000 tenant companies of each complex (at least one per role per complex, two manufacturers). */
  scale: number;
  /** Faker seed: the same seed gives the same data. */
  seed: number;
}
export const DEFAULT_SEED: SeedDemoInput = { scale: 2, seed: 42 };

/** Share of each role among the generated organisations beyond the first of each role. */
const ROLE_MIX: [FirmRole, number][] = [
  ['MANUFACTURER', 0.65],
  ['CARRIER', 0.2],
  ['WAREHOUSE_OWNER', 0.15],
];
const FIRST_OF_EACH: ('OPERATOR' | FirmRole)[] = ['OPERATOR', 'MANUFACTURER', 'CARRIER', 'WAREHOUSE_OWNER'];

/** A demo key as written to the demo keys file: everything a newcomer needs to act in one role. */
export interface DemoKey {
  complexCode: string | null;
  role: OrganisationRole;
  organisationId: number;
  organisationName: string;
  apiKey: string;
}

export interface SeedSummary {
  complexes: number;
  organisations: number;
  /** Keys for the first organisation of each role in each complex, plus the platform admin. */
  demoKeys: DemoKey[];
}


/**
 * Loads the programme complexes (if missing), then faker-generated demo organisations with one API key
 * for the first organisation of each role in each complex, in one transaction. `saveKeys` runs in it once the keys
 * exist (they are stored hashed only): when it throws, nothing is seeded, and a later start tries again.
 */
export async function seedDemo({ ctx, input, saveKeys }: { ctx: Pick<Context, 'db'>; input: SeedDemoInput; saveKeys?: (keys: DemoKey[]) => void }): Promise<SeedSummary> {
  const faker = new Faker({ locale: [ko, en, base], seed: input.seed });
  await loadProgramme({ ctx });
  return transact(ctx.db, async (tx) => {
    const demoKeys: DemoKey[] = [];
    let added = 0;
    const addOrganisation = async (complexId: number | null, role: OrganisationRole, name: string) => {
      const org = await tx
        .insert(organisations)
        .values({
          complexId,
          role,
          name,
          businessRegistrationNumber: withCheckDigit(faker.string.numeric(9)),
          contactName: faker.person.fullName(),
          contactPhone: mobileOf(faker.phone.number()),
        })
        .onConflictDoNothing()
        .returning()
        .get();
      if (org) added++;
      return org;
    };
    const issueKey = async (org: typeof organisations.$inferSelect, complexCode: string | null) => {
      const { key, prefix, hash } = generateApiKey();
      await tx.insert(apiKeys).values({ organisationId: org.id, name: 'demo', prefix, hash }).run();
      demoKeys.push({ complexCode, role: org.role, organisationId: org.id, organisationName: org.name, apiKey: key });
    };

    const names = new Set<string>();
    const admin = await addOrganisation(null, 'ADMIN', 'Sandan Exchange 플랫폼 관리');
    if (admin) await issueKey(admin, null);
    for (const complex of await tx.select().from(complexes).orderBy(complexes.id).all()) {
      const total = Math.max(FIRST_OF_EACH.length, Math.round((complex.tenantCompanies / 1000) * input.scale));
      const roles = [...FIRST_OF_EACH];
      while (roles.length < total) roles.push(pickRole(faker.number.float()));
      // Two shippers at least: with one, no truck could carry two shippers' loads (혼적), the product's point.
      if (roles.filter((role) => role === 'MANUFACTURER').length < 2) roles.push('MANUFACTURER');
      for (const [i, role] of roles.entries()) {
        const name = role === 'OPERATOR' ? `${complex.nameKo} 공동물류센터 운영사` : firmName(faker, role, names);
        const org = await addOrganisation(complex.id, role, name);
        if (org && i < FIRST_OF_EACH.length) await issueKey(org, complex.code);
      }
    }
    if (demoKeys.length > 0) saveKeys?.(demoKeys);
    return { complexes: (await tx.select({ n: count() }).from(complexes).get())!.n, organisations: added, demoKeys };
  });
}

function pickRole(r: number): FirmRole {
  let acc = 0;
  for (const [role, share] of ROLE_MIX) if ((acc += share) >= r) return role;
  return 'MANUFACTURER';
}
