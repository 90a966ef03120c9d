import { getCentre } from '../../src/complexes/get-centre';
import { getComplex } from '../../src/complexes/get-complex';
import type { Context } from '../../src/context';
import { NotFoundError } from '../../src/errors';
import { fromGlobalId } from '../../src/global-id';
import type { Resolvers, ResolversInterfaceTypes } from '../generated/resolvers-types';

type NodeRecord = ResolversInterfaceTypes<Resolvers>['Node'];

/**
 * How each node type is fetched by its local id. Each fetcher is the same domain function the lists
 * use, so `node(id:)` applies the same access checks.
 */
const fetchers: Record<string, (ctx: Context, id: number) => NodeRecord> = {
  Complex: (ctx, id) => getComplex({ ctx, input: { id } }),
  LogisticsCentre: (ctx, id) => getCentre({ ctx, input: { id } }),
};

export const nodeResolvers: Resolvers = {
  Query: {
    node: (_, { id }, ctx) => {
      const parsed = fromGlobalId(id);
      const fetch = parsed && fetchers[parsed.type];
      const localId = parsed ? Number(parsed.id) : NaN;
      if (!fetch || !Number.isSafeInteger(localId)) return null;
      try {
        return Object.assign(fetch(ctx, localId), { __typename: parsed.type });
      } catch (error) {
        // Unknown and forbidden look alike: a global ID must not reveal that a record exists.
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },
  },
  Node: {
    __resolveType: (node) => (node as { __typename?: string }).__typename as 'Complex' | 'LogisticsCentre',
  },
};
