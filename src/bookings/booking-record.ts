import { eq, type SQL } from 'drizzle-orm';
import { bookings } from '../../db/schema';
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
