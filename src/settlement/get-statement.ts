import { eq, or } from 'drizzle-orm';
import { z } from 'zod';
import { bookings } from '../../db/schema';
import type { OrganisationRecord } from '../auth/organisation-record';
import { getOrganisation } from '../auth/get-organisation';
import type { Context } from '../context';
import { ValidationError } from '../errors';
import { groupBy } from '../group-by';
import { parseArgs } from '../validation';
import { sumCharges, type Charge } from './charge';
import { isEnded, monthDays, StatementMonth, statementLines, totalsOf, type StatementLine, type StatementTotals } from './statement-lines';

export const GetStatementInput = z.object({
  organisationId: z.number().int().positive(),
  month: StatementMonth,
});
export type GetStatementInput = z.infer<typeof GetStatementInput>;

/** A carrier's trip: a single transport booking, or every share of a consolidated load, with its earnings. */
export interface StatementTrip extends Charge {
  routeId: number | null;
  bookingIds: number[];
  vehiclePlate: string | null;
  /** The latest supply date of its lines that charge (of all its lines when every one ended). */
  supplyDate: string;
}

export interface Statement {
  organisation: OrganisationRecord;
  month: string;
  firstDay: string;
  lastDay: string;
  /** Supply date, then booking, order. */
  lines: StatementLine[];
  /** The trips the organisation drove (carriers; empty for others). */
  trips: StatementTrip[];
  totals: StatementTotals;
}

/**
 * The organisation's settlement statement for one Asia/Seoul calendar month: every line it bought (shipper) or
 * supplied (carrier, warehouse owner) whose date of supply falls in the month (a shipper's feeder leg through the
 * centre is two: its carrier's transport and the centre's handling, which its carrier does not supply), each as a
 * tax-invoice line (see `chargeOf` for VAT and rounding), a carrier's trips with their earnings, and totals.
 * For the organisation itself, the operators of its complex and admins.
 * @throws NotFoundError for an unknown organisation or one the caller may not see; ValidationError for a bad month or
 *   an organisation that never trades (operators, admins).
 */
export async function getStatement({ ctx, input }: { ctx: Context; input: GetStatementInput }): Promise<Statement> {
  const { organisationId, month } = parseArgs(GetStatementInput, input);
  const organisation = await getOrganisation({ ctx, input: { id: organisationId } });
  if (organisation.role === 'OPERATOR' || organisation.role === 'ADMIN') {
    throw new ValidationError([{ field: 'organisationId', rule: `must be an organisation that trades (a manufacturer, carrier or warehouse owner): ${organisation.role} organisations have no statement` }]);
  }
  const days = monthDays(month);
  const traded = await statementLines(ctx, or(eq(bookings.shipperOrgId, organisation.id), eq(bookings.supplierOrgId, organisation.id)), days);
  const lines = traded.filter((l) => l.buyer.organisationId === organisation.id || l.supplier.organisationId === organisation.id);
  return {
    organisation,
    month,
    ...days,
    lines,
    trips: tripsOf(lines.filter((l) => l.part === 'TRANSPORT' && l.supplier.organisationId === organisation.id)),
    totals: totalsOf(lines),
  };
}

/** Transport lines grouped by trip: a route's shares are one trip, a booking made before routes its own. */
function tripsOf(lines: StatementLine[]): StatementTrip[] {
  return [...groupBy(lines, (line) => (line.routeId ? `route:${line.routeId}` : `booking:${line.bookingId}`)).values()].map((shares) => ({
    routeId: shares[0]!.routeId,
    bookingIds: shares.map((s) => s.bookingId),
    vehiclePlate: shares[0]!.vehiclePlate,
    // A share given back or cancelled supplied nothing: its planned delivery does not date the trip.
    supplyDate: (shares.some((s) => !isEnded(s)) ? shares.filter((s) => !isEnded(s)) : shares).map((s) => s.supplyDate).sort().at(-1)!,
    ...sumCharges(shares),
  }));
}
