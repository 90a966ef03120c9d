import type { Viewer } from '../context';

/** The platform acting on its own behalf: the admin CLI and the seed script. */
export const SYSTEM_ADMIN: Viewer = { organisationId: 0, role: 'ADMIN', complexId: null, apiKeyId: null };
