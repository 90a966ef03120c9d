import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { transact } from '../../db/transaction';
import { complexes, organisations, ORGANISATION_ROLES, type OrganisationRole } from '../../db/schema';
import { getComplex, KnownComplexCode } from '../complexes/get-complex';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { ONE_LINE, OneLineText, parseInput } from '../validation';
import { requireRole } from './authorize';
import type { OrganisationRecord } from './organisation-record';
import { formatBusinessNumber, isValidBusinessNumber, normaliseBusinessNumber } from './business-number';

export const CreateOrganisationInput = z
  .object({
    complexCode: KnownComplexCode.nullish(),
    role: z.enum(ORGANISATION_ROLES),
    name: OneLineText.min(2).max(120).regex(...ONE_LINE),
    // Trimmed as names are: a number copied from a spreadsheet cell or a certificate's text brings spaces or a line break.
    businessRegistrationNumber: z
      .string()
      .trim()
      .refine(isValidBusinessNumber, 'must be a 10-digit business registration number (사업자등록번호), bare or hyphenated 3-2-5 (123-45-67890), with a valid check digit')
      .transform(normaliseBusinessNumber),
    contactName: OneLineText.min(1).max(80).regex(...ONE_LINE).nullish(),
    // Seven digits at least: seven blanks or dashes fit the characters, and would be shown as the firm's phone.
    contactPhone: z
      .string()
      .trim()
      .refine(
        // Dots too: Korean business cards and letterheads print 031.123.4567.
        (phone) => /^[0-9+\-(). ]{7,20}$/.test(phone) && phone.replace(/\D/g, '').length >= 7,
        'must be a phone number: 7 to 20 characters (digits, spaces, +, -, . and parentheses), at least 7 of them digits, such as 010-1234-5678',
      )
      .nullish(),
  })
  // Given or not: a malformed code ("") has its own issue above, not a second saying it is missing.
  .refine((o) => (o.role === 'ADMIN') === (o.complexCode == null), {
    path: ['complexCode'],
    message: 'is required for every role but ADMIN, and must be empty for ADMIN',
  });
export type CreateOrganisationInput = z.input<typeof CreateOrganisationInput>;

/**
 * ADMIN: registers an organisation in a complex with one role.
 * @throws ConflictError naming `input.businessRegistrationNumber` and the firm holding it when it is already registered.
 */
export async function createOrganisation({ ctx, input }: { ctx: Context; input: CreateOrganisationInput }): Promise<OrganisationRecord> {
  requireRole(ctx, 'ADMIN');
  const data = parseInput(CreateOrganisationInput, input);
  const complexId = data.complexCode ? getComplex({ ctx, input: { code: data.complexCode } }).id : null;
  const [row] = await transact(
    ctx.db,
    (tx) =>
      tx
        .insert(organisations)
        .values({
          complexId,
          role: data.role as OrganisationRole,
          name: data.name,
          businessRegistrationNumber: data.businessRegistrationNumber,
          contactName: data.contactName ?? null,
          contactPhone: data.contactPhone ?? null,
        })
        .onConflictDoNothing({ target: organisations.businessRegistrationNumber })
        .returning()
        .all(),
    { savepoint: false },
  );
  if (!row) {
    // Only admins get here: naming the holder tells them whether it is the same firm registered twice or a mistyped number.
    const holder = await ctx.db
      .select({ name: organisations.name, role: organisations.role, complex: complexes.code })
      .from(organisations)
      .leftJoin(complexes, eq(complexes.id, organisations.complexId))
      .where(eq(organisations.businessRegistrationNumber, data.businessRegistrationNumber))
      .get();
    const to = holder ? ` to ${holder.name} (${holder.role}${holder.complex ? ` in ${holder.complex}` : ''})` : '';
    const rule = `${formatBusinessNumber(data.businessRegistrationNumber)} is already registered${to}`;
    throw new ConflictError(`input.businessRegistrationNumber: ${rule}`, [{ field: 'input.businessRegistrationNumber', rule }]);
  }
  return row;
}
