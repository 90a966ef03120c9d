import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../src/env';

describe('parseEnv', () => {
  it('applies the documented defaults', () => {
    expect(parseEnv({})).toMatchObject({ PORT: 4000, DATABASE_PATH: resolve('data/sandan.db'), POD_STORAGE_DIR: resolve('data/pod'), LOG_LEVEL: 'info', NODE_ENV: 'development', SEED_ON_EMPTY: true });
  });

  it('coerces and keeps valid values', () => {
    const env = parseEnv({ PORT: '8080', LOG_LEVEL: 'debug', NODE_ENV: 'production', DATABASE_PATH: '/tmp/x.db', SEED_ON_EMPTY: 'false' });
    expect(env).toMatchObject({ PORT: 8080, LOG_LEVEL: 'debug', NODE_ENV: 'production', DATABASE_PATH: '/tmp/x.db', SEED_ON_EMPTY: false });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '1.5'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['DATABASE_PATH', ''],
    ['SEED_ON_EMPTY', 'maybe'],
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
