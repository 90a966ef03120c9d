import { localIdOf, toGlobalId } from '../../src/global-id';
import { getCentreStatement } from '../../src/settlement/get-centre-statement';
import { getStatement } from '../../src/settlement/get-statement';
import type { Resolvers } from '../generated/resolvers-types';

const loadIdOf = (routeId: number | null) => (routeId ? toGlobalId('Route', routeId) : null);

export const settlementResolvers: Resolvers = {
  Query: {
    statement: (_, { organisationId, month }, ctx) => getStatement({ ctx, input: { organisationId: localIdOf(organisationId, 'Organisation', 'organisationId'), month } }),
    centreStatement: (_, { complexCode, month }, ctx) => getCentreStatement({ ctx, input: { complexCode, month } }),
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
    organisationId: (p) => (p.organisationId ? toGlobalId('Organisation', p.organisationId) : null),
    centreId: (p) => (p.centreId ? toGlobalId('LogisticsCentre', p.centreId) : null),
  },
};
