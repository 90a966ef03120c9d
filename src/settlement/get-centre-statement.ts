import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { bookings, offers } from '../../db/schema';
import { requireOverseer } from '../auth/authorize';
import { getComplex, ComplexCode } from '../complexes/get-complex';
import type { CentreRecord, ComplexRecord } from '../complexes/complex-record';
import type { Context } from '../context';
import { parseArgs } from '../validation';
import { centreParty, chargedPallets, monthDays, StatementMonth, statementLines, totalsOf, type StatementLine, type StatementTotals, type TaxParty } from './statement-lines';

export const GetCentreStatementInput = z.object({ complexCode: ComplexCode, month: StatementMonth });
export type GetCentreStatementInput = z.infer<typeof GetCentreStatementInput>;

export interface CentreStatement {
  complex: ComplexRecord;
  centre: CentreRecord;
  /** The centre as its lines name it (공급자). */
  supplier: TaxParty;
  month: string;
  firstDay: string;
  lastDay: string;
  /** Its handling lines: one per feeder leg handed over in the month, by supply date. */
  lines: StatementLine[];
  totals: StatementTotals;
  /** Pallets cross-docked on the lines that charge. */
  crossDockedPallets: number;
}

/**
 * The month's statement of a complex's joint logistics centre: the handling it supplied to shippers, one tax-invoice
 * line per feeder leg with handling (supplied at the feeder's hand-over, as the feeder's transport line; cancelled
 * and given-back legs with their reason and no charge), totals and the pallets it cross-docked. For the complex's
 * operators and admins.
 * @throws ValidationError for a malformed code or month; NotFoundError for an unknown complex; ForbiddenError for others.
 */
export async function getCentreStatement({ ctx, input }: { ctx: Context; input: GetCentreStatementInput }): Promise<CentreStatement> {
  const { complexCode, month } = parseArgs(GetCentreStatementInput, input);
  const complex = getComplex({ ctx, input: { code: complexCode } });
  requireOverseer(ctx, complex);
  const days = monthDays(month);
  const handled = await statementLines(ctx, and(eq(bookings.complexId, complex.id), eq(bookings.centreLeg, 'FEEDER'), gt(offers.handlingKrw, 0)), days);
  const lines = handled.filter((l) => l.part === 'HANDLING');
  return {
    complex,
    centre: complex.centre,
    supplier: centreParty(complex.centre),
    month,
    ...days,
    lines,
    totals: totalsOf(lines),
    crossDockedPallets: chargedPallets(lines),
  };
}
