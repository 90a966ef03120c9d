import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import * as t from '../../db/pg/schema';
import { authenticate } from '../../src/auth/authenticate';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { seedMarket } from './helpers/market';

const TSX_LOADER = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;

describe('npm run admin on PostgreSQL', () => {
  let test: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'sandan-admin-'));
  const sqlitePath = join(dir, 'never.db');
  /** The admin CLI as `DATABASE_URL=… npm run admin -- …` runs it; DATABASE_PATH set too, to show it is not used. */
  const admin = (...args: string[]) => {
    const run = spawnSync(process.execPath, ['--import', TSX_LOADER, 'scripts/admin.ts', ...args], { env: { ...process.env, DATABASE_URL: test.url, DATABASE_PATH: sqlitePath }, encoding: 'utf8' });
    return { code: run.status, output: run.stdout + run.stderr };
  };

  beforeAll(async () => {
    test = await freshDatabase();
    const { complex } = await seedMarket(test.db);
    const { centroidLat: lat, centroidLng: lng } = complex;
    await test.db.insert(t.logisticsCentres).values({ complexId: complex.id, nameKo: '공동물류센터', nameEn: 'Joint logistics centre', lat, lng, h3Cell: latLngToCell(lat, lng, 9), crossDockPalletsPerDay: 500, handlingFeePerPalletKrw: 3_000, opensAt: '06:00', closesAt: '22:00' });
  });
  afterAll(async () => {
    await test?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates an organisation and a key that opens the door on that database, and revokes it', async () => {
    const org = admin('org:create', '--complex', 'BANWOL_SIHWA', '--role', 'CARRIER', '--name', '(주)반월운송', '--brn', '220-81-62517');
    expect(org.code, org.output).toBe(0);
    const orgId = Number(/created organisation (\d+)/.exec(org.output)![1]);
    const key = admin('key:create', '--org', String(orgId), '--name', 'dispatch');
    expect(key.code, key.output).toBe(0);
    const secret = /(sdx_\S+)/.exec(key.output)![1]!;
    const keyId = /created API key (\d+)/.exec(key.output)![1]!;

    const db = test.db as unknown as Db;
    expect(await authenticate({ db, now: new Date() }, secret)).toMatchObject({ organisationId: orgId, role: 'CARRIER' });
    expect(admin('org:list', '--complex', 'BANWOL_SIHWA').output).toContain('(주)반월운송');
    expect(admin('key:revoke', '--key', keyId).code).toBe(0);
    await expect(authenticate({ db, now: new Date() }, secret)).rejects.toThrow(/revoked/);
    expect(admin('org:create', '--complex', 'GUMI', '--role', 'CARRIER', '--name', '구미', '--brn', '2208162517').output).toMatch(/NOT_FOUND: Complex GUMI/);
    expect(existsSync(sqlitePath)).toBe(false);
  });
});
