import type { Db } from '../db/client';
import type { Viewer } from './auth/viewer';
import type { Env } from './env';
import type { Logger } from './logger';
import type { PubSub } from './pubsub';

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
