import { eq, sql, type SQL } from 'drizzle-orm';
import { bookings, HOLDING_BOOKING_CODES } from '../../db/schema';
import type { Viewer } from '../context';

export type BookingRecord = typeof bookings.$inferSelect;

/** Which bookings a caller may see: its shipments' (shipper), its own (supplier), its complex's (operator), all (admin). */
export function bookingScope(viewer: Viewer): SQL | undefined {
  switch (viewer.role) {
    case 'MANUFACTURER':
      return eq(bookings.shipperOrgId, viewer.organisationId);
    case 'CARRIER':
    case 'WAREHOUSE_OWNER':
      return eq(bookings.supplierOrgId, viewer.organisationId);
    case 'OPERATOR':
      return eq(bookings.complexId, viewer.complexId!);
    case 'ADMIN':
      return undefined;
  }
}

/** Transport kinds book the request's transport leg; STORAGE books part of its storage need. */
export const isTransport = (b: Pick<BookingRecord, 'kind'>) => b.kind !== 'STORAGE';

/**
 * A booking travels pooled (혼적): its route holds another shipper's booking (one that joined by extension too). One
 * definition for what statements invoice as pooled and what insights count as consolidated; two loads of one shipper
 * on one truck are not 혼적.
 */
export const pooledWithOtherShippers = () =>
  sql<number>`exists (select 1 from ${bookings} b2 where b2.route_id = ${bookings.routeId} and b2.shipper_org_id <> ${bookings.shipperOrgId}
    and b2.status in (${HOLDING_BOOKING_CODES}))`.mapWith(Boolean);
