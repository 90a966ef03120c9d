import { getComplex } from '../../src/complexes/get-complex';
import { listComplexes } from '../../src/complexes/list-complexes';
import { recentComplexActivity } from '../../src/complexes/recent-activity';
import { subscribeComplexActivity } from '../../src/complexes/subscribe-activity';
import { SERVICE_AREA_RESOLUTION } from '../../src/geo/h3';
import { toGlobalId } from '../../src/global-id';
import { getCentreCrossDock } from '../../src/matching/get-centre-cross-dock';
import type { ComplexActivityEvent } from '../../src/pubsub';
import type { Resolvers } from '../generated/resolvers-types';

export const complexResolvers: Resolvers = {
  Query: {
    complexes: (_, args, ctx) => listComplexes({ ctx, input: args }),
    complex: (_, { code }, ctx) => getComplex({ ctx, input: { code } }),
    centreCrossDock: (_, args, ctx) => getCentreCrossDock({ ctx, input: args }),
  },
  Subscription: {
    complexActivity: {
      subscribe: (_, args, ctx) => subscribeComplexActivity({ ctx, input: args }),
      resolve: (event: ComplexActivityEvent) => event,
    },
  },
  Complex: {
    id: (c) => toGlobalId('Complex', c.id),
    centroid: (c) => ({ lat: c.centroidLat, lng: c.centroidLng }),
    serviceAreaResolution: () => SERVICE_AREA_RESOLUTION,
    recentActivity: (c, { first }, ctx) => recentComplexActivity({ ctx, input: { code: c.code, first } }),
  },
  LogisticsCentre: {
    id: (c) => toGlobalId('LogisticsCentre', c.id),
    location: (c) => ({ lat: c.lat, lng: c.lng }),
    complex: (c, _, ctx) => getComplex({ ctx, input: { id: c.complexId } }),
  },
};
