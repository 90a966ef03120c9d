import type { OrganisationRole } from '../../db/schema';

/** Who is calling: the organisation behind the API key. Null in a context means an anonymous caller. */
export interface Viewer {
  organisationId: number;
  role: OrganisationRole;
  /** Null only for ADMIN, whose reach is the whole platform. */
  complexId: number | null;
  apiKeyId: number | null;
}

/** The platform acting on its own behalf: the admin CLI and the seed script. */
export const SYSTEM_ADMIN: Viewer = { organisationId: 0, role: 'ADMIN', complexId: null, apiKeyId: null };
