import { z } from 'zod';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_PATH: z.string().min(1).default('data/sandan.db'),
  LOG_LEVEL: LogLevel.default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Load demo data at start-up when the database holds no complexes. */
  SEED_ON_EMPTY: z.stringbool().default(true),
  /** Where start-up seeding writes the demo API keys (one per role per complex). */
  DEMO_KEYS_PATH: z.string().min(1).default('data/demo-keys.json'),
  /** Requests per minute allowed to one API key. */
  RATE_LIMIT_PER_KEY: z.coerce.number().int().positive().default(600),
  /** Requests per minute allowed from one client address, with or without a key. */
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().positive().default(1200),
});
export type Env = z.infer<typeof Env>;

export class EnvError extends Error {}

/**
 * Parses configuration from environment variables.
 * @throws EnvError with one line naming the variable and the rule it broke.
 */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = Env.safeParse(source);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new EnvError(`Invalid environment variable ${issue.path.join('.')}: ${issue.message}`);
}
