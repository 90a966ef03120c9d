// Domain records behind the GraphQL types of auth.graphql (picked up by scripts/codegen.ts).
import type { ApiKeyRecord } from '../../src/auth/api-key-record';
import type { OrganisationRecord } from '../../src/auth/organisation-record';

export type OrganisationMapper = OrganisationRecord;
export type ApiKeyMapper = ApiKeyRecord;
