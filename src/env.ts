import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DIALECT, isPostgresUrl } from '../db/dialect';
import { connectTimeoutOf } from '../db/pg/client';
import { ruleOf } from './validation';

/** What is in the way of `path` being a `kind`: itself, of the other kind, or a file where a folder above it must be. */
export function pathIssue(path: string, kind: 'file' | 'folder'): string | null {
  if (existsSync(path)) return statSync(path).isDirectory() === (kind === 'folder') ? null : `must be a ${kind}: ${path} is a ${kind === 'file' ? 'folder' : 'file'}`;
  for (let above = dirname(path); ; above = dirname(above)) {
    if (existsSync(above)) return statSync(above).isDirectory() ? null : `must lie in a folder: ${above} is a file`;
    if (dirname(above) === above) return null;
  }
}

/**
 * Why the service could not write in folder `path` (made on first use): it, or the nearest folder above that is
 * there, refuses this process writing. Null when it can, as far as the system's permission check tells.
 */
export function unwritableIssue(path: string): string | null {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
    return null;
  } catch (error) {
    return `must be a folder the service can write: ${existing} refuses it (${(error as NodeJS.ErrnoException).code})`;
  }
}

/**
 * A file or folder setting, made absolute against the working directory at start-up: relative paths are
 * what users write, and some consumers (res.sendFile) refuse them. Refused when something else stands where it goes
 * (a folder for a file, a file for a folder or above it): found at start, not at the first write.
 */
const Path = (fallback: string, kind: 'file' | 'folder' | null, { writable = false } = {}) =>
  z
    .string()
    .min(1)
    .default(fallback)
    .transform((p) => (p === ':memory:' ? p : resolve(p)))
    .superRefine((p, ctx) => {
      const issue = p === ':memory:' || kind === null ? null : (pathIssue(p, kind) ?? (writable ? unwritableIssue(p) : null));
      if (issue) ctx.addIssue({ code: 'custom', message: issue });
    });

/**
 * A number setting, written in decimal digits: z.coerce.number() alone reads '' and ' ' as 0 (PORT= served on a
 * random port, MATCHING_INTERVAL_SECONDS= turned matching off), '1e3' as 1000 and '0x10' as 16.
 */
const decimal = (number: z.ZodNumber) =>
  z.preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    ctx.issues.push({ code: 'custom', input: value, message: `must be a number written in decimal digits, not ${JSON.stringify(value)}` });
    return z.NEVER;
  }, number);

/** Why one TRUST_PROXY entry is not an IP address or subnet, or null. */
function proxyIssue(entry: string): string | null {
  const [address = '', prefix, ...more] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || more.length > 0) return `must be IP addresses or subnets separated by commas (127.0.0.1,10.0.0.0/8,::1), not ${JSON.stringify(entry)}`;
  const most = version === 4 ? 32 : 128;
  if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= most)) return `${JSON.stringify(entry)}: a subnet's prefix length must be 0-${most}`;
  return null;
}

/**
 * The longest interval node's timers take, 2^31 - 1 ms (about 24.8 days): setInterval runs a longer one every
 * millisecond instead (TimeoutOverflowWarning), so a "monthly" RETENTION_INTERVAL_SECONDS=2592000 pruned some 600
 * times a second. An interval setting above it is refused at start.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;
const interval = (unit: 'seconds' | 'ms') => {
  const most = unit === 'ms' ? MAX_TIMER_MS : Math.floor(MAX_TIMER_MS / 1000);
  return z.number().int().min(0).max(most, `must be at most ${most} (about 24 days, the longest interval node's timers take; 0 turns it off)`);
};

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const Env = z.object({
  PORT: decimal(z.number().int().min(0).max(65_535)).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  // On PostgreSQL the SQLite file is unused: whatever stands there is no concern.
  DATABASE_PATH: Path('data/sandan.db', DIALECT === 'pg' ? null : 'file'),
  /**
   * `postgres://…`: run on PostgreSQL (README, "PostgreSQL") instead of SQLite at DATABASE_PATH. Read from the process's
   * environment when it starts (db/dialect.ts), before any module sees a table.
   */
  DATABASE_URL: z
    .string()
    .optional()
    .refine((url) => url === undefined || isPostgresUrl(url), 'must be a postgres:// or postgresql:// URL')
    .refine((url) => isPostgresUrl(url) === (DIALECT === 'pg'), 'must be set in the environment the process starts with (the dialect is chosen before anything else loads)')
    .refine((url) => url === undefined || connectTimeoutOf(url) !== null, 'its connect_timeout must be whole seconds (0 waits for ever)'),
  LOG_LEVEL: LogLevel.default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Load demo data at start-up when the database holds no organisations (the complexes are built in either way). */
  SEED_ON_EMPTY: z.stringbool().default(true),
  /** Where start-up seeding writes the demo API keys (one per role per complex). */
  DEMO_KEYS_PATH: Path('data/demo-keys.json', 'file'),
  /** Seconds between automatic matching rounds of each complex; 0 turns them off. */
  MATCHING_INTERVAL_SECONDS: decimal(interval('seconds')).default(300),
  /**
   * A request that would travel alone is offered only once its pickup window opens within this many minutes;
   * until then it waits, OPEN, for requests that may share its truck (0: offer at once).
   */
  MATCHING_HOLD_ALONE_MINUTES: decimal(z.number().int().min(0).max(24 * 60)).default(0),
  /** The same for a route several requests share: offered once its first pickup window opens within this many minutes (0: at once). */
  MATCHING_HOLD_POOLED_MINUTES: decimal(z.number().int().min(0).max(24 * 60)).default(0),
  /** The pooled search weighs each empty km at this x the truck's per-km rate on top of the price (offers priced as always; 0: none). */
  MATCHING_EMPTY_KM_WEIGHT: decimal(z.number().min(0).max(10)).default(0),
  /** Time budget of a round's pooled search, seconds: it stops then, or earlier at its iteration bound. */
  MATCHING_ROUND_SECONDS: decimal(z.number().min(0.1).max(120)).default(5),
  /** Road km = great-circle km x this (src/matching/engine/config.ts). */
  MATCHING_DETOUR_FACTOR: decimal(z.number().min(1).max(3)).default(1.3),
  /** Average road speed used for travel times, km/h. */
  MATCHING_AVERAGE_SPEED_KMH: decimal(z.number().min(5).max(120)).default(45),
  /**
   * Driver's limits on a planned route. Korean law caps continuous driving, not a day's: 화물자동차 운수사업법
   * 시행규칙 제21조 (운송사업자의 준수사항; amendment announced by 국토교통부 on 2016-09-13, in force from 2017) makes a
   * carrier give its driver at least 30 minutes' rest after 4 hours' continuous driving. A truck's driving in a
   * day, its booked routes' included, defaults to 13 hours, the longest working day 근로기준법 제59조 leaves an
   * employed driver (11 hours' rest between working days); the EU's 9 hours (Regulation (EC) 561/2006 art. 6(1))
   * would, at this service's door-to-door average speed, put Busan out of a day's reach from the capital region.
   */
  MATCHING_DAILY_DRIVING_HOURS: decimal(z.number().min(1).max(16)).default(13),
  MATCHING_BREAK_AFTER_DRIVING_MINUTES: decimal(z.number().int().min(30).max(12 * 60)).default(240),
  MATCHING_BREAK_MINUTES: decimal(z.number().int().min(0).max(4 * 60)).default(30),
  /** Most stops on one route, as places (pickups, drops, centre hand-overs in a row at one address are one): a day's multi-drop round in a complex. */
  MATCHING_MAX_STOPS: decimal(z.number().int().min(2).max(100)).default(12),
  /**
   * Minutes a truck may wait at a stop before its waiting fee (대기료) runs. The container safe rates allow 1-3
   * hours (화물자동차 안전운임 고시 별표 1), where a container's loading itself takes that long; palletised loads
   * take minutes (src/supply/loading-methods.ts), so half an hour here is an assumption.
   */
  MATCHING_FREE_WAITING_MINUTES: decimal(z.number().int().min(0).max(12 * 60)).default(30),
  /** Minutes an offer stays open before it expires and its request returns to the next round. */
  OFFER_TTL_MINUTES: decimal(z.number().int().min(1).max(7 * 24 * 60)).default(30),
  /** Folder where proof-of-delivery images are stored (metadata lives in the database). */
  // Written at every delivery: one it cannot write is refused at start, not found by a carrier's upload failing (500).
  POD_STORAGE_DIR: Path('data/pod', 'folder', { writable: true }),
  /** Largest proof-of-delivery image accepted, bytes. */
  POD_MAX_BYTES: decimal(z.number().int().min(1024).max(20 * 1024 * 1024)).default(5 * 1024 * 1024),
  /** With a value (at least 16 characters), GET /metrics on the service's port answers for `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** With a value, Prometheus metrics are served without a token at /metrics on this port (0: any free one) of METRICS_HOST. */
  METRICS_PORT: decimal(z.number().int().min(0).max(65_535)).optional(),
  /** Interface of the metrics listener: loopback unless the operator opens it. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Accept `http://` webhook URLs on loopback (127.0.0.0/8, ::1, localhost): for development and tests only. */
  WEBHOOK_ALLOW_HTTP_LOOPBACK: z.stringbool().default(false),
  /** Milliseconds between two runs of the webhook worker (fan-out, then due deliveries); 0 turns it off. */
  WEBHOOK_WORKER_INTERVAL_MS: decimal(interval('ms')).default(1000),
  /** How long one delivery attempt may take, connection to last byte read, ms. */
  WEBHOOK_TIMEOUT_MS: decimal(z.number().int().min(100).max(60_000)).default(10_000),
  /** Retry n waits a random time up to min(cap, base x 2^(n-1)) (full jitter), ms. */
  WEBHOOK_RETRY_BASE_MS: decimal(z.number().int().min(1)).default(30_000),
  WEBHOOK_RETRY_CAP_MS: decimal(z.number().int().min(1)).default(60 * 60_000),
  /** A delivery failing for this long after its first attempt fails for good and disables its endpoint, ms (24 h). */
  WEBHOOK_RETRY_WINDOW_MS: decimal(z.number().int().min(0)).default(24 * 60 * 60_000),
  /** Bytes of a receiver's response read at most (the rest is discarded). */
  WEBHOOK_MAX_RESPONSE_BYTES: decimal(z.number().int().min(0).max(1024 * 1024)).default(16 * 1024),
  /** Seconds between retention runs (src/retention/scheduler.ts); 0 turns pruning off. */
  RETENTION_INTERVAL_SECONDS: decimal(interval('seconds')).default(3600),
  /** Seconds between runs that roll up closed days for insights (one runs at start); 0 = off, insights then roll up on read. */
  INSIGHTS_ROLLUP_INTERVAL_SECONDS: decimal(interval('seconds')).default(600),
  /**
   * Days an idempotency key is kept. Clients retry within minutes (hours after an outage); a month is far
   * beyond any retry, so a retry never runs its mutation twice. Below a day it could: hence the minimum.
   */
  IDEMPOTENCY_RETENTION_DAYS: decimal(z.number().int().min(1)).default(30),
  /** Hours a scheduled matching round that offered nothing is kept (manual rounds and rounds with offers stay). */
  EMPTY_ROUND_RETENTION_HOURS: decimal(z.number().int().min(1)).default(24),
  /**
   * Days the stop list of a route nobody booked is kept after its round (its offers and price stay for good; a
   * booked route keeps its stops): a week to look back at what was offered, then its space goes to later plans.
   */
  ROUTE_PLAN_RETENTION_DAYS: decimal(z.number().int().min(1)).default(7),
  /** Days finished webhook deliveries (with their attempts) and their fanned-out events are kept. */
  WEBHOOK_RETENTION_DAYS: decimal(z.number().int().min(1)).default(30),
  /**
   * The reverse proxies in front of the service (addresses and subnets, comma-separated): a request from one is
   * counted against the client address its X-Forwarded-For names (src/http/client-address.ts), not the proxy's,
   * which every client behind it shares. Unset: the socket's peer, and the header is ignored (a client could write it).
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((entry) => entry.trim()).filter(Boolean))
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        const issue = proxyIssue(entry);
        if (issue) return void ctx.addIssue({ code: 'custom', message: issue });
      }
    }),
  /** Requests per minute allowed to one API key. */
  RATE_LIMIT_PER_KEY: decimal(z.number().int().positive()).default(600),
  /** Requests per minute allowed from one client address, with or without a key. */
  RATE_LIMIT_PER_ADDRESS: decimal(z.number().int().positive()).default(1200),
  /** WebSocket connections open at once on one instance per API key (per address for sockets without a key). */
  WS_MAX_CONNECTIONS_PER_KEY: decimal(z.number().int().positive()).default(20),
  /** Operations (subscriptions above all) running at once on one WebSocket connection. */
  WS_MAX_OPERATIONS_PER_CONNECTION: decimal(z.number().int().positive()).default(100),
}).superRefine((env, ctx) => {
  // One port cannot take both listeners: the metrics one, opened first, would leave PORT to fail.
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
    ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: `must differ from PORT (${env.PORT}): the metrics listener is a port of its own` });
  }
});
export type Env = z.infer<typeof Env>;

export class EnvError extends Error {}

/**
 * Settings that take no effect as set, one line each for the log at start: the service runs, and says so rather
 * than ignore them silently.
 */
export function ignoredSettings(env: Env): string[] {
  if (env.NODE_ENV !== 'production' || !env.WEBHOOK_ALLOW_HTTP_LOOPBACK) return [];
  // The address rules (src/webhooks/address-rules.ts) read it outside production only.
  return ["WEBHOOK_ALLOW_HTTP_LOOPBACK=true is ignored in production: webhooks go only to https URLs on public addresses, never to loopback, the service's own host"];
}

/**
 * Parses configuration from environment variables.
 * @throws EnvError with one line naming the variable and the rule it broke.
 */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = Env.safeParse(source, { error: ruleOf });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new EnvError(`Invalid environment variable ${issue.path.join('.')}: ${issue.message}`);
}
