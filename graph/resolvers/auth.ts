import { createApiKey } from '../../src/auth/create-api-key';
import { createOrganisation } from '../../src/auth/create-organisation';
import { getOrganisation } from '../../src/auth/get-organisation';
import { listApiKeys, mayListApiKeys } from '../../src/auth/list-api-keys';
import { revokeApiKey } from '../../src/auth/revoke-api-key';
import { getComplex } from '../../src/complexes/get-complex';
import { localIdOf, toGlobalId } from '../../src/global-id';
import type { Resolvers } from '../generated/resolvers-types';

export const authResolvers: Resolvers = {
  Query: {
    viewer: (_, __, ctx) => (ctx.viewer && ctx.viewer.organisationId > 0 ? getOrganisation({ ctx, input: { id: ctx.viewer.organisationId } }) : null),
  },
  Mutation: {
    organisationCreate: async (_, { input }, ctx) => ({ organisation: await createOrganisation({ ctx, input }) }),
    apiKeyCreate: (_, { input }, ctx) =>
      createApiKey({ ctx, input: { ...input, organisationId: localIdOf(input.organisationId, 'Organisation', 'input.organisationId') } }),
    apiKeyRevoke: async (_, { input }, ctx) => ({ apiKey: await revokeApiKey({ ctx, input: { apiKeyId: localIdOf(input.apiKeyId, 'ApiKey', 'input.apiKeyId') } }) }),
  },
  Organisation: {
    id: (o) => toGlobalId('Organisation', o.id),
    complex: (o, _, ctx) => (o.complexId ? getComplex({ ctx, input: { id: o.complexId } }) : null),
    apiKeys: (o, _, ctx) => (mayListApiKeys(ctx.viewer, o.id) ? listApiKeys({ ctx, input: { organisationId: o.id } }) : null),
  },
  ApiKey: {
    id: (k) => toGlobalId('ApiKey', k.id),
  },
};
