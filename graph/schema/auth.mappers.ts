// Domain records behind the GraphQL types of auth.graphql (picked up by scripts/codegen.ts).
import type { ApiKeyRecord } from '../../src/auth/create-api-key';
import type { OrganisationRecord } from '../../src/auth/create-organisation';

export type OrganisationMapper = OrganisationRecord;
export type ApiKeyMapper = ApiKeyRecord;
