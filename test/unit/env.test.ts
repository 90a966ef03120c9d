import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIALECT } from '../../db/dialect';
import { EnvError, ignoredSettings, parseEnv } from '../../src/env';

describe('parseEnv', () => {
  it('applies the documented defaults', () => {
    expect(parseEnv({})).toMatchObject({ PORT: 4000, DATABASE_PATH: resolve('data/sandan.db'), POD_STORAGE_DIR: resolve('data/pod'), LOG_LEVEL: 'info', NODE_ENV: 'development', SEED_ON_EMPTY: true });
  });

  it('keeps idempotency keys 30 days and prunes hourly by default', () => {
    expect(parseEnv({})).toMatchObject({ IDEMPOTENCY_RETENTION_DAYS: 30, EMPTY_ROUND_RETENTION_HOURS: 24, WEBHOOK_RETENTION_DAYS: 30, RETENTION_INTERVAL_SECONDS: 3600 });
  });

  it('plans routes within the driver limits: 9 hours a day, a 30-minute break after 4 hours, 12 stops, 30 free minutes of waiting', () => {
    expect(parseEnv({})).toMatchObject({
      MATCHING_DAILY_DRIVING_HOURS: 13,
      MATCHING_BREAK_AFTER_DRIVING_MINUTES: 240,
      MATCHING_BREAK_MINUTES: 30,
      MATCHING_MAX_STOPS: 12,
      MATCHING_FREE_WAITING_MINUTES: 30,
    });
  });

  it('refuses a file setting where a folder stands, a folder setting where a file stands, and a file above either', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    try {
      const refusal = (settings: Record<string, string>) => {
        try {
          parseEnv(settings);
          return null;
        } catch (error) {
          return (error as Error).message;
        }
      };
      expect(refusal({ DEMO_KEYS_PATH: dir })).toBe(`Invalid environment variable DEMO_KEYS_PATH: must be a file: ${dir} is a folder`);
      expect(refusal({ POD_STORAGE_DIR: file })).toBe(`Invalid environment variable POD_STORAGE_DIR: must be a folder: ${file} is a file`);
      expect(refusal({ DEMO_KEYS_PATH: join(file, 'x', 'keys.json') })).toBe(`Invalid environment variable DEMO_KEYS_PATH: must lie in a folder: ${file} is a file`);
      // The SQLite file, when the service runs on SQLite; on PostgreSQL it is never opened, so never in the way.
      expect(refusal({ DATABASE_PATH: dir })).toBe(DIALECT === 'sqlite' ? `Invalid environment variable DATABASE_PATH: must be a file: ${dir} is a folder` : null);
      // Folders not there yet are made at start.
      expect(refusal({ DATABASE_PATH: join(dir, 'new', 'deeper', 'db.sqlite'), POD_STORAGE_DIR: join(dir, 'pod') })).toBeNull();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses a POD_STORAGE_DIR the service cannot write, found at start and not at a carrier\'s first upload', () => {
    // /proc/sys refuses writing to everyone, root included (a read-only mount or another user's folder, in production).
    expect(() => parseEnv({ POD_STORAGE_DIR: '/proc/sys/sandan-pod' })).toThrow(
      new EnvError('Invalid environment variable POD_STORAGE_DIR: must be a folder the service can write: /proc/sys refuses it (EACCES)'),
    );
    // A folder not there yet under one it can write is made at the first upload.
    const dir = mkdtempSync(join(tmpdir(), 'env-pod-'));
    try {
      expect(parseEnv({ POD_STORAGE_DIR: join(dir, 'not', 'yet') }).POD_STORAGE_DIR).toBe(join(dir, 'not', 'yet'));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("refuses METRICS_PORT on the service's own PORT, which would fail the start blaming PORT", () => {
    expect(() => parseEnv({ PORT: '4310', METRICS_PORT: '4310' })).toThrow(new EnvError('Invalid environment variable METRICS_PORT: must differ from PORT (4310): the metrics listener is a port of its own'));
    expect(() => parseEnv({ METRICS_PORT: '4000' })).toThrow(EnvError);
    // Port 0 is any free one, for each.
    expect(parseEnv({ PORT: '0', METRICS_PORT: '0' })).toMatchObject({ PORT: 0, METRICS_PORT: 0 });
  });

  it('reads TRUST_PROXY as addresses and subnets, and refuses anything else naming the entry', () => {
    expect(parseEnv({}).TRUST_PROXY).toEqual([]);
    expect(parseEnv({ TRUST_PROXY: ' 127.0.0.1, 10.0.0.0/8,::1 ,fd00::/8' }).TRUST_PROXY).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    expect(() => parseEnv({ TRUST_PROXY: '127.0.0.1,loopback' })).toThrow(
      new EnvError('Invalid environment variable TRUST_PROXY: must be IP addresses or subnets separated by commas (127.0.0.1,10.0.0.0/8,::1), not "loopback"'),
    );
    expect(() => parseEnv({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(new EnvError('Invalid environment variable TRUST_PROXY: "10.0.0.0/33": a subnet\'s prefix length must be 0-32'));
  });

  it("refuses an interval longer than node's timers take, which would run it every millisecond", () => {
    // A "monthly" retention run: 2,592,000,000 ms overflows setInterval's 32 bits, which then fires every millisecond.
    const rule = (most: number) => `must be at most ${most} (about 24 days, the longest interval node's timers take; 0 turns it off)`;
    for (const [name, value, most] of [
      ['RETENTION_INTERVAL_SECONDS', '2592000', 2_147_483],
      ['MATCHING_INTERVAL_SECONDS', '2147484', 2_147_483],
      ['INSIGHTS_ROLLUP_INTERVAL_SECONDS', '31536000', 2_147_483],
      ['WEBHOOK_WORKER_INTERVAL_MS', '2147483648', 2_147_483_647],
    ] as const) {
      expect(() => parseEnv({ [name]: value }), name).toThrow(new EnvError(`Invalid environment variable ${name}: ${rule(most)}`));
      expect(parseEnv({ [name]: String(most) })[name]).toBe(most);
    }
  });

  it('coerces and keeps valid values', () => {
    const env = parseEnv({ PORT: '8080', LOG_LEVEL: 'debug', NODE_ENV: 'production', DATABASE_PATH: '/tmp/x.db', SEED_ON_EMPTY: 'false' });
    expect(env).toMatchObject({ PORT: 8080, LOG_LEVEL: 'debug', NODE_ENV: 'production', DATABASE_PATH: '/tmp/x.db', SEED_ON_EMPTY: false });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '1.5'],
    // Empty, blank or not written in decimal: never 0 or some other number.
    ['PORT', ''],
    ['METRICS_PORT', ' '],
    ['MATCHING_INTERVAL_SECONDS', ''],
    ['PORT', '1e3'],
    ['PORT', '0x10E6'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['DATABASE_PATH', ''],
    ['SEED_ON_EMPTY', 'maybe'],
    // Idempotency keys kept less than a day could be gone before a client's retry.
    ['IDEMPOTENCY_RETENTION_DAYS', '0'],
    ['RETENTION_INTERVAL_SECONDS', '-1'],
    ['MATCHING_DAILY_DRIVING_HOURS', '0'],
    ['MATCHING_BREAK_AFTER_DRIVING_MINUTES', '4h'],
    ['MATCHING_BREAK_MINUTES', '-30'],
    // A route has at least a pickup and a drop.
    ['MATCHING_MAX_STOPS', '1'],
    ['MATCHING_FREE_WAITING_MINUTES', '2.5'],
  ])('rejects %s=%j with one line naming the variable', (name, value) => {
    let error: unknown;
    try {
      parseEnv({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as Error).message).toMatch(new RegExp(`^Invalid environment variable ${name}: .+`));
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('ignoredSettings', () => {
  it('names WEBHOOK_ALLOW_HTTP_LOOPBACK=true in production only, where the address rules never read it', () => {
    const lines = (env: Record<string, string>) => ignoredSettings(parseEnv(env));
    expect(lines({ NODE_ENV: 'production', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' })).toEqual([expect.stringMatching(/^WEBHOOK_ALLOW_HTTP_LOOPBACK=true is ignored in production: /)]);
    expect(lines({ NODE_ENV: 'production' })).toEqual([]);
    expect(lines({ NODE_ENV: 'development', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' })).toEqual([]);
  });
});
