import type { Faker } from '@faker-js/faker';
import type { OrganisationRole } from '../../db/schema';

/** The roles of a complex's firms (its operator is named after the complex). */
export type FirmRole = Exclude<OrganisationRole, 'ADMIN' | 'OPERATOR'>;

/** The words firms of each role in an industrial complex end their names in. */
const ENDINGS: Record<FirmRole, readonly string[]> = {
  MANUFACTURER: ['정밀', '산업', '금속', '화학', '전자', '기계', '테크', '소재', '공업', '플라스틱', '케미칼', '엔지니어링'],
  CARRIER: ['운수', '물류', '통운', '로지스', '화물', '익스프레스'],
  WAREHOUSE_OWNER: ['창고', '로지스틱스', '물류센터', '보관'],
};
/** Attempts at a fresh name before numbering one: stems times endings give hundreds per role. */
const FRESH_ATTEMPTS = 20;

/**
 * A demo firm's name as Korean firms name themselves (`(주)다온정밀`, `라온운수`), none in `taken` (it is added
 * there). faker's Korean company names (`주완 증권`, `다온 게임즈`) named banks and game studios as manufacturers and
 * repeated within a complex, and the Latin letters that told them apart read oddly on a Korean screen.
 */
export function firmName(faker: Faker, role: FirmRole, taken: Set<string>): string {
  for (let attempt = 1; ; attempt++) {
    const legalForm = faker.datatype.boolean(0.4) ? '(주)' : '';
    const name = `${legalForm}${faker.person.firstName()}${faker.helpers.arrayElement(ENDINGS[role])}${attempt > FRESH_ATTEMPTS ? ` ${attempt - FRESH_ATTEMPTS + 1}` : ''}`;
    if (!taken.has(name)) return taken.add(name), name;
  }
}
