import type { Db } from '../db/client';
import type { OrganisationRole } from '../db/schema';
import type { Env } from './env';
import type { Logger } from './logger';
import type { PubSub } from './pubsub';

/** Who is calling: the organisation behind the API key. Null in a context means an anonymous caller. */
export interface Viewer {
  organisationId: number;
  role: OrganisationRole;
  /** Null only for ADMIN, whose reach is the whole platform. */
  complexId: number | null;
  apiKeyId: number | null;
}

/** What every domain function gets besides its input: its dependencies and who is asking. */
export interface Context {
  db: Db;
  pubsub: PubSub;
  logger: Logger;
  env: Env;
  now: () => Date;
  /** The caller, or null when no API key was sent (public data only). */
  viewer: Viewer | null;
}
