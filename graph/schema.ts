import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Resolvers } from './generated/resolvers-types';
import { authResolvers } from './resolvers/auth';
import { bookingResolvers } from './resolvers/bookings';
import { complexResolvers } from './resolvers/complexes';
import { demandResolvers } from './resolvers/demand';
import { insightsResolvers } from './resolvers/insights';
import { matchingResolvers } from './resolvers/matching';
import { nodeResolvers } from './resolvers/node';
import { scalarResolvers } from './resolvers/scalars';
import { settlementResolvers } from './resolvers/settlement';
import { supplyResolvers } from './resolvers/supply';
import { webhookResolvers } from './resolvers/webhooks';
import { loadTypeDefs } from './type-defs';

const resolvers: Resolvers[] = [scalarResolvers, nodeResolvers, complexResolvers, authResolvers, matchingResolvers, demandResolvers, supplyResolvers, bookingResolvers, insightsResolvers, settlementResolvers, webhookResolvers];

export function buildGraphSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
}
