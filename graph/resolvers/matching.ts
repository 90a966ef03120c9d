import { getComplex } from '../../src/complexes/get-complex';
import { localIdOf, optionalLocalIdOf, toGlobalId } from '../../src/global-id';
import { declineOffer } from '../../src/matching/decline-offer';
import { declineRoute } from '../../src/matching/decline-route';
import { listOffers } from '../../src/matching/list-offers';
import { breakdownOf, offerStatusAt } from '../../src/matching/offer-record';
import { listRounds } from '../../src/matching/list-rounds';
import { listRoutes } from '../../src/matching/list-routes';
import { runMatchingRound } from '../../src/matching/run-round';
import { placesInTurn } from '../../src/geo/same-place';
import { batched, routesById } from '../batched';
import type { Resolvers } from '../generated/resolvers-types';

const ROUTE_FIGURES_BEFORE_POOLING = {
  routes: 0,
  pooledRoutes: 0,
  pooledRequests: 0,
  requestsPerTrip: 0,
  stopsPerRoute: 0,
  loadFactorKgPeakPct: 0,
  loadFactorPalletsPeakPct: 0,
  loadFactorKgKmPct: 0,
  loadFactorPalletsKmPct: 0,
  assignmentCostKrw: 0,
  extensions: 0,
};

export const matchingResolvers: Resolvers = {
  Query: {
    offers: (_, { filter, first, after }, ctx) =>
      listOffers({
        ctx,
        input: {
          first,
          after,
          status: filter?.status,
          requestId: optionalLocalIdOf(filter?.requestId, 'ShipmentRequest', 'filter.requestId'),
          roundId: optionalLocalIdOf(filter?.roundId, 'MatchingRound', 'filter.roundId'),
        },
      }),
    routes: (_, { filter, first, after }, ctx) =>
      listRoutes({
        ctx,
        input: {
          first,
          after,
          filter: filter && {
            complexCode: filter.complexCode,
            vehicleId: optionalLocalIdOf(filter.vehicleId, 'Vehicle', 'filter.vehicleId'),
            roundId: optionalLocalIdOf(filter.roundId, 'MatchingRound', 'filter.roundId'),
          },
        },
      }),
    matchingRounds: (_, args, ctx) => listRounds({ ctx, input: args }),
  },
  Mutation: {
    matchingRunStart: async (_, { input }, ctx) => ({ round: await runMatchingRound({ ctx, input }) }),
    offerDecline: async (_, { input }, ctx) => ({ offer: await declineOffer({ ctx, input: { offerId: localIdOf(input.offerId, 'Offer', 'input.offerId'), reason: input.reason } }) }),
    routeDecline: async (_, { input }, ctx) => ({ route: await declineRoute({ ctx, input: { routeId: localIdOf(input.routeId, 'Route', 'input.routeId'), reason: input.reason } }) }),
  },
  Offer: {
    id: (o) => toGlobalId('Offer', o.id),
    status: (o, _, ctx) => offerStatusAt(o, ctx.now()),
    breakdown: breakdownOf,
    requestId: (o) => toGlobalId('ShipmentRequest', o.requestId),
    vehicleId: (o) => (o.vehicleId ? toGlobalId('Vehicle', o.vehicleId) : null),
    listingId: (o) => (o.listingId ? toGlobalId('WarehouseListing', o.listingId) : null),
    routeId: (o) => (o.routeId ? toGlobalId('Route', o.routeId) : null),
    route: (o, _, ctx) => (o.routeId ? batched(ctx, routesById, o.routeId) : null),
    roundId: (o) => toGlobalId('MatchingRound', o.roundId),
  },
  Route: {
    id: (r) => toGlobalId('Route', r.id),
    vehicleId: (r) => toGlobalId('Vehicle', r.vehicleId),
    roundId: (r) => toGlobalId('MatchingRound', r.roundId),
    extendsRouteId: (r) => (r.extendsRouteId ? toGlobalId('Route', r.extendsRouteId) : null),
    stopPlaces: (r) => placesInTurn(r.stops.map((s) => ({ lat: s.lat, lng: s.lng }))),
  },
  RouteStop: {
    requestId: (s) => toGlobalId('ShipmentRequest', s.requestId),
    location: (s) => ({ lat: s.lat, lng: s.lng }),
  },
  MatchingRound: {
    id: (r) => toGlobalId('MatchingRound', r.id),
    complex: (r, _, ctx) => getComplex({ ctx, input: { id: r.complexId } }),
    // Rounds from before pooled routing stored no route figures: they count as none.
    report: (r) => r.report && { ...ROUTE_FIGURES_BEFORE_POOLING, ...r.report },
  },
};
