import { and, asc, eq, gte, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { bookings, logisticsCentres, offers, organisations, vehicles, warehouseListings, type BookingStatus, type OfferKind } from '../../db/schema';
import { pooledWithOtherShippers } from '../bookings/booking-record';
import type { Context } from '../context';
import { addDays, seoulDay, seoulMidnight } from '../supply/listings/seoul-day';
import { DAY_MS } from '../time';
import { deliveredAt } from '../tracking/delivered-at';
import { chargeOf, NO_CHARGE, sumCharges, type Charge } from './charge';

// Records are stamped in ms since 1970: no month before it can hold a line.
export const StatementMonth = z.string().regex(/^(19[7-9]\d|[2-9]\d{3})-(0[1-9]|1[0-2])$/, 'must be a calendar month written YYYY-MM (Asia/Seoul), from 1970-01');
export type StatementMonth = z.infer<typeof StatementMonth>;

/** A party of a tax invoice (전자세금계산서): 공급자 or 공급받는자, an organisation or a complex's logistics centre. */
export interface TaxParty {
  /** Null for a centre. */
  organisationId: number | null;
  /** The centre supplying its handling; null for an organisation. */
  centreId: number | null;
  name: string;
  /** 사업자등록번호, written 3-2-5 as on an invoice. */
  businessRegistrationNumber: string;
}

/** What a line supplies: a booking's transport or storage, or the centre's handling of a feeder leg's pallets. */
export type StatementLinePart = OfferKind | 'HANDLING';

/**
 * One tax-invoice line: the supplier supplies the buyer (the shipper). A booking is one line, but a feeder leg with
 * the centre's handling is two: its carrier's transport, and the centre's handling (the carrier supplied no handling).
 */
export interface StatementLine extends Charge {
  bookingId: number;
  requestId: number;
  kind: OfferKind;
  part: StatementLinePart;
  status: BookingStatus;
  /**
   * 공급일자 (Asia/Seoul): delivery (reported, else planned) for transport, the stay's last day for storage; a
   * feeder leg's hand-over at the centre for its transport and handling.
   */
  supplyDate: string;
  /** 품목. */
  item: string;
  pallets: number;
  weightKg: number;
  supplier: TaxParty;
  buyer: TaxParty;
  /** The part of the booked price this line supplies, also for a cancelled or given-back booking (which charges nothing). */
  bookedPriceKrw: number;
  /** Why a cancelled or given-back booking ended; null otherwise. */
  endReason: string | null;
  routeId: number | null;
  vehiclePlate: string | null;
}

export type StatementTotals = Charge & { chargedLines: number; endedLines: number };

/** The first and last days (YYYY-MM-DD) of an Asia/Seoul calendar month written YYYY-MM. */
export function monthDays(month: StatementMonth): { firstDay: string; lastDay: string } {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const firstDay = `${month}-01`;
  // Day 0 of the next month is this month's last; written so, 9999-12 needs no year 10000.
  return { firstDay, lastDay: addDays(firstDay, new Date(Date.UTC(year, monthNumber, 0)).getUTCDate() - 1) };
}

/** Ended bookings appear with their reason and no charge. */
const ENDED: readonly BookingStatus[] = ['CANCELLED', 'RETURNED'];
export const isEnded = (l: StatementLine) => ENDED.includes(l.status);
const KIND_ITEM: Record<OfferKind, string> = { TRANSPORT: '화물운송', STORAGE: '창고보관' };

const supplier = alias(organisations, 'supplier');
const buyer = alias(organisations, 'buyer');

/**
 * The tax-invoice lines of the bookings matching `where` whose date of supply falls in [firstDay, lastDay], by
 * supply date then booking (a feeder's transport before its handling). VAT per line: see `chargeOf`.
 */
export async function statementLines(ctx: Context, where: SQL | undefined, { firstDay, lastDay }: { firstDay: string; lastDay: string }): Promise<StatementLine[]> {
  // Transport is supplied when delivered: once reported, when it happened; the planned time before.
  const suppliedAt = sql<number>`coalesce(${deliveredAt()}, ${bookings.deliverAt}, ${bookings.bookedAt})`;
  const rows = await ctx.db
    .select({
      booking: bookings,
      suppliedAt: suppliedAt.mapWith(Number),
      supplier: { id: supplier.id, name: supplier.name, brn: supplier.businessRegistrationNumber },
      buyer: { id: buyer.id, name: buyer.name, brn: buyer.businessRegistrationNumber },
      // The centre's fee for a feeder leg's pallets, inside its booked price (matching prices it so).
      handlingKrw: offers.handlingKrw,
      centre: { id: logisticsCentres.id, nameKo: logisticsCentres.nameKo, businessRegistrationNumber: logisticsCentres.businessRegistrationNumber },
      vehiclePlate: vehicles.plateNumber,
      // As booked: the name the listing had then (kept on the booking once renamed), else its own.
      listingName: sql<string | null>`coalesce(${bookings.listingName}, ${warehouseListings.name})`,
      // The route's bookings, not its offers: a shipper joining by extension rides on a route offered to the others.
      pooled: pooledWithOtherShippers(),
    })
    .from(bookings)
    .innerJoin(supplier, eq(supplier.id, bookings.supplierOrgId))
    .innerJoin(buyer, eq(buyer.id, bookings.shipperOrgId))
    .innerJoin(offers, eq(offers.id, bookings.offerId))
    .innerJoin(logisticsCentres, eq(logisticsCentres.complexId, bookings.complexId))
    .leftJoin(vehicles, eq(vehicles.id, bookings.vehicleId))
    .leftJoin(warehouseListings, eq(warehouseListings.id, bookings.listingId))
    .where(
      and(
        where,
        or(
          and(eq(bookings.kind, 'STORAGE'), sql`${bookings.storageToDay} between ${firstDay} and ${lastDay}`),
          and(ne(bookings.kind, 'STORAGE'), gte(suppliedAt, seoulMidnight(firstDay).getTime()), lt(suppliedAt, seoulMidnight(lastDay).getTime() + DAY_MS)),
        ),
      ),
    )
    .orderBy(asc(bookings.id))
    .all();

  return rows
    .flatMap(({ booking: b, suppliedAt, supplier, buyer, handlingKrw, centre, vehiclePlate, listingName, pooled }): StatementLine[] => {
      const ended = ENDED.includes(b.status);
      const handling = b.centreLeg === 'FEEDER' ? handlingKrw : 0;
      const line = (part: StatementLinePart, from: TaxParty, item: string, priceKrw: number): StatementLine => ({
        bookingId: b.id,
        requestId: b.requestId,
        kind: b.kind,
        part,
        status: b.status,
        supplyDate: b.kind === 'STORAGE' ? b.storageToDay! : seoulDay(new Date(suppliedAt)),
        item,
        pallets: b.pallets,
        weightKg: b.weightKg,
        supplier: from,
        buyer: party(buyer),
        bookedPriceKrw: priceKrw,
        ...(ended ? NO_CHARGE : chargeOf(priceKrw)),
        endReason: ended ? b.endReason : null,
        routeId: b.routeId,
        vehiclePlate,
      });
      const own = line(b.kind, party(supplier), itemOf(b, listingName, pooled), b.priceKrw - handling);
      if (handling === 0) return [own];
      return [own, { ...line('HANDLING', centreParty(centre), `센터하역 ${b.pallets}팔레트`, handling), routeId: null, vehiclePlate: null }];
    })
    .sort((a, b) => a.supplyDate.localeCompare(b.supplyDate) || a.bookingId - b.bookingId);
}

/** A month's totals: the lines' charges added up, and how many charge and how many ended. */
export function totalsOf(lines: StatementLine[]): StatementTotals {
  return { ...sumCharges(lines), chargedLines: lines.filter((l) => !isEnded(l)).length, endedLines: lines.filter(isEnded).length };
}

/** Pallets on the lines that charge. */
export const chargedPallets = (lines: StatementLine[]) => lines.filter((l) => !isEnded(l)).reduce((sum, l) => sum + l.pallets, 0);

/** 품목 of a line, in Korean as on the invoice. */
function itemOf(b: typeof bookings.$inferSelect, listingName: string | null, pooled: boolean): string {
  if (b.kind === 'STORAGE') {
    const days = Math.round((Date.parse(b.storageToDay!) - Date.parse(b.storageFromDay!)) / 86_400_000) + 1;
    return `${KIND_ITEM.STORAGE} ${listingName} ${b.pallets}팔레트 × ${days}일 (${b.storageFromDay}~${b.storageToDay})`;
  }
  return `${KIND_ITEM[b.kind]}${pooled ? '(혼적)' : ''} ${b.pallets}팔레트 ${b.weightKg.toLocaleString('en-US')}kg`;
}

function party(org: { id: number; name: string; brn: string }): TaxParty {
  return { organisationId: org.id, centreId: null, name: org.name, businessRegistrationNumber: written(org.brn) };
}

/** A complex's logistics centre as the supplier of its handling, named in Korean. */
export function centreParty(centre: { id: number; nameKo: string; businessRegistrationNumber: string | null }): TaxParty {
  // loadProgramme gives every centre its number before the service serves.
  return { organisationId: null, centreId: centre.id, name: centre.nameKo, businessRegistrationNumber: written(centre.businessRegistrationNumber!) };
}

/** A business registration number as an invoice writes it: 123-45-67890. */
const written = (brn: string) => `${brn.slice(0, 3)}-${brn.slice(3, 5)}-${brn.slice(5)}`;
