import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Resolvers } from './generated/resolvers-types';
import { authResolvers } from './resolvers/auth';
import { complexResolvers } from './resolvers/complexes';
import { nodeResolvers } from './resolvers/node';
import { scalarResolvers } from './resolvers/scalars';
import { loadTypeDefs } from './type-defs';

const resolvers: Resolvers[] = [scalarResolvers, nodeResolvers, complexResolvers, authResolvers];

export function buildGraphSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
}
