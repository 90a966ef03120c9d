import { getCentre } from '../../src/complexes/get-centre';
import { getComplex } from '../../src/complexes/get-complex';
import { getOrganisation } from '../../src/auth/get-organisation';
import type { Context } from '../../src/context';
import { ForbiddenError, NotFoundError } from '../../src/errors';
import { fromGlobalId } from '../../src/global-id';
import type { NodeResolvers, Resolvers, ResolversInterfaceTypes } from '../generated/resolvers-types';

type NodeRecord = ResolversInterfaceTypes<Resolvers>['Node'];
/** The GraphQL types that implement Node, as codegen knows them. */
type NodeTypeName = NonNullable<Awaited<ReturnType<NodeResolvers['__resolveType']>>>;

/**
 * How each node type is fetched by its local id. Each fetcher is the same domain function the lists
 * use, so `node(id:)` applies the same access checks.
 */
const fetchers: Partial<Record<NodeTypeName, (ctx: Context, id: number) => NodeRecord>> = {
  Complex: (ctx, id) => getComplex({ ctx, input: { id } }),
  LogisticsCentre: (ctx, id) => getCentre({ ctx, input: { id } }),
  Organisation: (ctx, id) => getOrganisation({ ctx, input: { id } }),
};

export const nodeResolvers: Resolvers = {
  Query: {
    node: (_, { id }, ctx) => {
      const parsed = fromGlobalId(id);
      const fetch = parsed && fetchers[parsed.type as NodeTypeName];
      const localId = parsed ? Number(parsed.id) : NaN;
      if (!fetch || !Number.isSafeInteger(localId)) return null;
      try {
        return Object.assign(fetch(ctx, localId), { __typename: parsed.type });
      } catch (error) {
        // Unknown and forbidden look alike: a global ID must not reveal that a record exists.
        if (error instanceof NotFoundError || error instanceof ForbiddenError) return null;
        throw error;
      }
    },
  },
  Node: {
    __resolveType: (node) => (node as { __typename?: NodeTypeName }).__typename ?? null,
  },
};
