import { and, asc, eq, gte, lt, ne, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { bookings, codeOf, organisations, TRACKING_EVENT_KIND_CODES, trackingEvents, vehicles, warehouseListings, type BookingStatus, type CentreLeg, type OfferKind } from '../../db/schema';
import type { OrganisationRecord } from '../auth/organisation-record';
import { getOrganisation } from '../auth/get-organisation';
import type { Context } from '../context';
import { ValidationError } from '../errors';
import { addDays, seoulDay, seoulMidnight } from '../supply/listings/seoul-day';
import { parseArgs } from '../validation';
import { chargeOf, NO_CHARGE, sumCharges, type Charge } from './charge';
import { pooledWithOtherShippers } from '../bookings/booking-record';
import { DAY_MS } from '../time';

export const GetStatementInput = z.object({
  organisationId: z.number().int().positive(),
  // Records are stamped in ms since 1970: no month before it can hold a line.
  month: z.string().regex(/^(19[7-9]\d|[2-9]\d{3})-(0[1-9]|1[0-2])$/, 'must be a calendar month written YYYY-MM (Asia/Seoul), from 1970-01'),
});
export type GetStatementInput = z.infer<typeof GetStatementInput>;

/** A party of a tax invoice (전자세금계산서): 공급자 or 공급받는자. */
export interface TaxParty {
  organisationId: number;
  name: string;
  /** 사업자등록번호, written 3-2-5 as on an invoice. */
  businessRegistrationNumber: string;
}

/** One booking as one tax-invoice line: the supplier (carrier or warehouse owner) supplies the buyer (shipper). */
export interface StatementLine extends Charge {
  bookingId: number;
  requestId: number;
  kind: OfferKind;
  status: BookingStatus;
  /** 공급일자 (Asia/Seoul): delivery (reported, else planned) for transport, the stay's last day for storage. */
  supplyDate: string;
  /** 품목. */
  item: string;
  pallets: number;
  weightKg: number;
  supplier: TaxParty;
  buyer: TaxParty;
  /** The price booked, also for a cancelled or given-back booking (which charges nothing). */
  bookedPriceKrw: number;
  /** Why a cancelled or given-back booking ended; null otherwise. */
  endReason: string | null;
  routeId: number | null;
  vehiclePlate: string | null;
}

/** A carrier's trip: a single transport booking, or every share of a consolidated load, with its earnings. */
export interface StatementTrip extends Charge {
  routeId: number | null;
  bookingIds: number[];
  vehiclePlate: string | null;
  /** The latest supply date of its lines. */
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
  totals: Charge & { chargedLines: number; endedLines: number };
}

/** Ended bookings appear with their reason and no charge. */
const ENDED: readonly BookingStatus[] = ['CANCELLED', 'RETURNED'];
const KIND_ITEM: Record<OfferKind, string> = { TRANSPORT: '화물운송', STORAGE: '창고보관' };

const supplier = alias(organisations, 'supplier');
const buyer = alias(organisations, 'buyer');

/**
 * The organisation's settlement statement for one Asia/Seoul calendar month: every booking it bought
 * (shipper) or supplied (carrier, warehouse owner) whose date of supply falls in the month, each as a
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
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const firstDay = `${month}-01`;
  // Day 0 of the next month is this month's last; written so, 9999-12 needs no year 10000.
  const lastDay = addDays(firstDay, new Date(Date.UTC(year, monthNumber, 0)).getUTCDate() - 1);

  // Transport is supplied when delivered: the DELIVERED event's time once reported (a feeder leg's AT_CENTRE, the
  // hand-over that completes it), the planned time before.
  const feederLeg: CentreLeg = 'FEEDER';
  const deliveredAt = sql<number | null>`(select min(${trackingEvents.occurredAt}) from ${trackingEvents}
    where ${trackingEvents.bookingId} = ${bookings.id} and (${trackingEvents.kind} = ${codeOf(TRACKING_EVENT_KIND_CODES, 'DELIVERED')}
      or (${trackingEvents.kind} = ${codeOf(TRACKING_EVENT_KIND_CODES, 'AT_CENTRE')} and ${bookings.centreLeg} = ${feederLeg})))`;
  const suppliedAt = sql<number>`coalesce(${deliveredAt}, ${bookings.deliverAt}, ${bookings.bookedAt})`;
  const rows = await ctx.db
    .select({
      booking: bookings,
      suppliedAt: suppliedAt.mapWith(Number),
      supplier: { id: supplier.id, name: supplier.name, brn: supplier.businessRegistrationNumber },
      buyer: { id: buyer.id, name: buyer.name, brn: buyer.businessRegistrationNumber },
      vehiclePlate: vehicles.plateNumber,
      // As booked: the name the listing had then (kept on the booking once renamed), else its own.
      listingName: sql<string | null>`coalesce(${bookings.listingName}, ${warehouseListings.name})`,
      // The route's bookings, not its offers: a shipper joining by extension rides on a route offered to the others.
      pooled: pooledWithOtherShippers(),
    })
    .from(bookings)
    .innerJoin(supplier, eq(supplier.id, bookings.supplierOrgId))
    .innerJoin(buyer, eq(buyer.id, bookings.shipperOrgId))
    .leftJoin(vehicles, eq(vehicles.id, bookings.vehicleId))
    .leftJoin(warehouseListings, eq(warehouseListings.id, bookings.listingId))
    .where(
      and(
        or(eq(bookings.shipperOrgId, organisation.id), eq(bookings.supplierOrgId, organisation.id)),
        or(
          and(eq(bookings.kind, 'STORAGE'), sql`${bookings.storageToDay} between ${firstDay} and ${lastDay}`),
          and(ne(bookings.kind, 'STORAGE'), gte(suppliedAt, seoulMidnight(firstDay).getTime()), lt(suppliedAt, seoulMidnight(lastDay).getTime() + DAY_MS)),
        ),
      ),
    )
    .orderBy(asc(bookings.id))
    .all();

  const lines = rows
    .map(({ booking: b, suppliedAt, supplier, buyer, vehiclePlate, listingName, pooled }): StatementLine => {
      const ended = ENDED.includes(b.status);
      return {
        bookingId: b.id,
        requestId: b.requestId,
        kind: b.kind,
        status: b.status,
        supplyDate: b.kind === 'STORAGE' ? b.storageToDay! : seoulDay(new Date(suppliedAt)),
        item: itemOf(b, listingName, pooled),
        pallets: b.pallets,
        weightKg: b.weightKg,
        supplier: party(supplier),
        buyer: party(buyer),
        bookedPriceKrw: b.priceKrw,
        ...(ended ? NO_CHARGE : chargeOf(b.priceKrw)),
        endReason: ended ? b.endReason : null,
        routeId: b.routeId,
        vehiclePlate,
      };
    })
    .sort((a, b) => a.supplyDate.localeCompare(b.supplyDate) || a.bookingId - b.bookingId);

  return {
    organisation,
    month,
    firstDay,
    lastDay,
    lines,
    trips: tripsOf(lines.filter((l) => l.kind !== 'STORAGE' && l.supplier.organisationId === organisation.id)),
    totals: { ...sumCharges(lines), chargedLines: lines.filter((l) => !ENDED.includes(l.status)).length, endedLines: lines.filter((l) => ENDED.includes(l.status)).length },
  };
}

/** 품목 of a line, in Korean as on the invoice. */
function itemOf(b: typeof bookings.$inferSelect, listingName: string | null, pooled: boolean): string {
  if (b.kind === 'STORAGE') {
    const days = Math.round((Date.parse(b.storageToDay!) - Date.parse(b.storageFromDay!)) / 86_400_000) + 1;
    return `${KIND_ITEM.STORAGE} ${listingName} ${b.pallets}팔레트 × ${days}일 (${b.storageFromDay}~${b.storageToDay})`;
  }
  return `${KIND_ITEM[b.kind]}${pooled ? '(혼적)' : ''} ${b.pallets}팔레트 ${b.weightKg.toLocaleString('en-US')}kg`;
}

function party(org: { id: number; name: string; brn: string }): TaxParty {
  const brn = org.brn;
  return { organisationId: org.id, name: org.name, businessRegistrationNumber: `${brn.slice(0, 3)}-${brn.slice(3, 5)}-${brn.slice(5)}` };
}

/** Transport lines grouped by trip: a route's shares are one trip, a booking made before routes its own. */
function tripsOf(lines: StatementLine[]): StatementTrip[] {
  const trips = new Map<string, StatementLine[]>();
  for (const line of lines) {
    const key = line.routeId ? `route:${line.routeId}` : `booking:${line.bookingId}`;
    trips.set(key, [...(trips.get(key) ?? []), line]);
  }
  return [...trips.values()].map((shares) => ({
    routeId: shares[0]!.routeId,
    bookingIds: shares.map((s) => s.bookingId),
    vehiclePlate: shares[0]!.vehiclePlate,
    supplyDate: shares.map((s) => s.supplyDate).sort().at(-1)!,
    ...sumCharges(shares),
  }));
}
