import type { Viewer } from '../context';

// Viewer lives in context.ts (the core knows no domain folder); re-exported for the simulation, demo and scripts until they import it from there.
export type { Viewer };

/** The platform acting on its own behalf: the admin CLI and the seed script. */
export const SYSTEM_ADMIN: Viewer = { organisationId: 0, role: 'ADMIN', complexId: null, apiKeyId: null };
