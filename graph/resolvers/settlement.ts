import { localIdOf, toGlobalId } from '../../src/global-id';
import { getStatement } from '../../src/settlement/get-statement';
import type { Resolvers } from '../generated/resolvers-types';

const loadIdOf = (routeId: number | null) => (routeId ? toGlobalId('Route', routeId) : null);

export const settlementResolvers: Resolvers = {
  Query: {
    statement: (_, { organisationId, month }, ctx) => getStatement({ ctx, input: { organisationId: localIdOf(organisationId, 'Organisation', 'organisationId'), month } }),
  },
  StatementLine: {
    bookingId: (l) => toGlobalId('Booking', l.bookingId),
    shipmentRequestId: (l) => toGlobalId('ShipmentRequest', l.requestId),
    routeId: (l) => loadIdOf(l.routeId),
  },
  StatementTrip: {
    routeId: (t) => loadIdOf(t.routeId),
    bookingIds: (t) => t.bookingIds.map((id) => toGlobalId('Booking', id)),
  },
  TaxInvoiceParty: {
    organisationId: (p) => toGlobalId('Organisation', p.organisationId),
  },
};
