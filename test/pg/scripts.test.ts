import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import * as t from '../../db/pg/schema';
import { hashApiKey } from '../../src/auth/api-key-secret';
import { authenticate } from '../../src/auth/authenticate';
import pg from 'pg';
import { rowsOf } from '../helpers/sql';
import { clusterUrl, dropDatabase, freshDatabase, type TestDatabase } from './helpers/database';
import { seedMarket } from './helpers/market';

const TSX_LOADER = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;

// The scripts that open the database read DATABASE_URL as the service does (and leave DATABASE_PATH alone).
describe('npm run admin, db:migrate and seed on PostgreSQL', () => {
  let test: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'sandan-admin-'));
  const sqlitePath = join(dir, 'never.db');
  /** The admin CLI as `DATABASE_URL=… npm run admin -- …` runs it; DATABASE_PATH set too, to show it is not used. */
  const script = (url: string, file: string, ...args: string[]) => {
    const env = { ...process.env, DATABASE_URL: url, DATABASE_PATH: sqlitePath, DEMO_KEYS_PATH: join(dir, 'keys.json') };
    const run = spawnSync(process.execPath, ['--import', TSX_LOADER, file, ...args], { env, encoding: 'utf8' });
    return { code: run.status, output: run.stdout + run.stderr };
  };
  const admin = (...args: string[]) => script(test.url, 'scripts/admin.ts', ...args);

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

  it('creates an organisation and a key that opens the door on that database, revokes it and lists the keys', async () => {
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
    const revokedAt = /revoked API key \d+ at (\S+)/.exec(admin('key:revoke', '--key', keyId).output)![1]!;
    await expect(authenticate({ db, now: new Date() }, secret)).rejects.toThrow(/revoked/);
    // key:list: every key of the organisation, newest first, revoked ones marked, never a secret or its hash.
    // The last use set here: authenticate records it without waiting.
    await test.db.update(t.apiKeys).set({ lastUsedAt: new Date('2026-03-02T09:15:00.000Z') }).where(eq(t.apiKeys.id, Number(keyId)));
    const second = admin('key:create', '--org', String(orgId), '--name', 'backup');
    const secondId = /created API key (\d+)/.exec(second.output)![1]!;
    const keys = admin('key:list', '--org', String(orgId));
    const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    expect(keys.output).toMatch(new RegExp(`^${secondId}\tbackup\t${ISO}\t-\t-\n${keyId}\tdispatch\t${ISO}\t2026-03-02T09:15:00.000Z\t${revokedAt}\n$`));
    for (const secretOrHash of [secret, hashApiKey(secret), /(sdx_\S+)/.exec(second.output)![1]!]) expect(keys.output).not.toContain(secretOrHash);
    expect(admin('key:list', '--org', '999999')).toEqual({ code: 1, output: 'NOT_FOUND: Organisation not found\n' });
    // The seven complexes are built in (the CLI loads them when missing); any other code is unknown.
    expect(admin('org:list', '--complex', 'GUMI').code).toBe(0);
    expect(admin('org:create', '--complex', 'NOWHERE', '--role', 'CARRIER', '--name', '어딘가', '--brn', '2208162517')).toEqual({
      code: 2,
      output: 'VALIDATION: --complex: must be one of BANWOL_SIHWA, CHANGWON, NAMDONG, GUMI, GWANGJU_CHEOMDAN, YEOSU, DAEGU_SEONGSEO: got NOWHERE\n',
    });
    expect(existsSync(sqlitePath)).toBe(false);
  });

  it('db:migrate migrates and seed seeds the database at DATABASE_URL; --reset, for SQLite files, is refused', async () => {
    const name = `sandan_scripts_${process.pid}`;
    const admin = new pg.Client({ connectionString: clusterUrl() });
    await admin.connect();
    await admin.query(`create database ${name}`).finally(() => admin.end());
    const url = new URL(clusterUrl());
    url.pathname = `/${name}`;
    try {
      const migrated = script(url.href, 'scripts/migrate.ts');
      expect(migrated.code, migrated.output).toBe(0);
      expect(migrated.output).toContain(`migrated PostgreSQL ${url.host}/${name}`);
      const seeded = script(url.href, 'scripts/seed.ts', '--scale', '1');
      expect(seeded.code, seeded.output).toBe(0);
      const client = new pg.Client({ connectionString: url.href });
      await client.connect();
      const { rows } = await client.query<{ complexes: number; organisations: number }>('select (select count(*)::int from complexes) as complexes, (select count(*)::int from organisations) as organisations').finally(() => client.end());
      expect(rows[0]!.complexes).toBe(7);
      expect(rows[0]!.organisations).toBeGreaterThan(7 * 4);
      expect(JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8'))).toHaveLength(7 * 4 + 1);
      const reset = script(url.href, 'scripts/seed.ts', '--reset');
      expect(reset.code).toBe(2);
      expect(reset.output).toMatch(/on PostgreSQL drop and create the database/);
      expect(existsSync(sqlitePath)).toBe(false);
    } finally {
      await dropDatabase(name);
    }
    // Three script processes, each starting tsx: 32 s on this 2-core machine with another suite beside it.
  }, 120_000);

  it('bench:book in a shell set for PostgreSQL measures on a throwaway SQLite file, never in the service\'s database', async () => {
    const counts = () => rowsOf(test.db as unknown as Db, 'select (select count(*)::int from bookings) as bookings, (select count(*)::int from shipment_requests) as requests');
    const before = await counts();
    const env = { BENCH_BOOKINGS: '64', BENCH_HTTP_BOOKINGS: '64', BENCH_SUBSCRIBERS: '2' };
    const bench = spawnSync(process.execPath, ['--import', TSX_LOADER, 'scripts/bench-book.ts'], { env: { ...process.env, ...env, DATABASE_URL: test.url }, encoding: 'utf8' });
    expect(bench.status, bench.stdout + bench.stderr).toBe(0);
    expect(bench.stdout).toMatch(/^SQLite: bookings\/s, domain API, 1 process/m);
    expect(bench.stdout).not.toMatch(/^PostgreSQL:/m);
    expect(await counts()).toEqual(before);
  }, 120_000);

  it('a PostgreSQL that never answers, refuses or is down ends the start and the scripts in one line', async () => {
    // Accepts the connection and never says a word, as a wrong port behind a firewall or a paused host does.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    /** Asynchronous: the silent server above must go on accepting while the process runs. */
    const run = (env: Record<string, string>, ...args: string[]) =>
      new Promise<{ code: number | null; output: string; ms: number }>((resolve) => {
        const started = Date.now();
        const child = spawn(process.execPath, ['--import', TSX_LOADER, ...args], { env: { ...process.env, DATABASE_PATH: sqlitePath, DEMO_KEYS_PATH: join(dir, 'never-keys.json'), PORT: '0', ...env } });
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('exit', (code) => resolve({ code, output, ms: Date.now() - started }));
      });
    const npmStart = ['--import', './scripts/demo/seed-on-empty.ts', 'src/main.ts'];
    try {
      const url = `postgres://postgres@127.0.0.1:${port}/sandan?connect_timeout=1`;
      for (const args of [npmStart, ['scripts/migrate.ts'], ['scripts/admin.ts', 'org:list']]) {
        const started = await run({ DATABASE_URL: url }, ...args);
        expect([started.code, started.output.trim()], args.join(' ')).toEqual([1, `Cannot open the database (PostgreSQL 127.0.0.1:${port}/sandan): no answer within 1 s (connect_timeout in DATABASE_URL sets how long to wait)`]);
        expect(started.ms).toBeLessThan(15_000); // once, not once for the seeding and again for the service
      }
      const unreadable = await run({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/sandan?connect_timeout=soon` }, ...npmStart);
      expect([unreadable.code, unreadable.output.trim()]).toEqual([1, 'Invalid environment variable DATABASE_URL: its connect_timeout must be whole seconds (0 waits for ever)']);
    } finally {
      silent.close();
    }
    // Something at that address that takes the connection and closes it (a proxy, another service), or resets it: one
    // line too, the same whichever the client meets first (the end of the connection, or a reset while it writes).
    for (const close of [(socket: Socket) => socket.destroy(), (socket: Socket) => socket.resetAndDestroy()]) {
      const closing = createServer(close);
      await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
      const closingPort = (closing.address() as AddressInfo).port;
      try {
        const closed = await run({ DATABASE_URL: `postgres://postgres@127.0.0.1:${closingPort}/sandan` }, ...npmStart);
        expect([closed.code, closed.output.trim()]).toEqual([1, `Cannot open the database (PostgreSQL 127.0.0.1:${closingPort}/sandan): Connection terminated unexpectedly (is it PostgreSQL at that address?)`]);
      } finally {
        closing.close();
      }
    }
    // Nothing listens on the closed port: refused at once, in the same one line.
    const down = await run({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/sandan` }, ...npmStart);
    expect([down.code, down.output.trim()]).toEqual([1, `Cannot open the database (PostgreSQL 127.0.0.1:${port}/sandan): connect ECONNREFUSED 127.0.0.1:${port}`]);

    // PostgreSQL asking for a SCRAM password (the default for TCP on Debian's and PostgreSQL 14's own pg_hba.conf) while
    // the URL gives none: said so, not "is it PostgreSQL at that address?". Just enough of the protocol to ask.
    const asking = createServer((socket) => {
      let said = 0;
      socket.on('data', () => {
        const message = (code: number, body: Buffer) => Buffer.concat([Buffer.from('R'), Buffer.from([0, 0, 0, 8 + body.length]), Buffer.from([0, 0, 0, code]), body]);
        // AuthenticationSASL with its one mechanism, then AuthenticationSASLContinue after the client's first answer.
        socket.write(said++ === 0 ? message(10, Buffer.from('SCRAM-SHA-256\0\0')) : message(11, Buffer.from('r=nonce,s=c2FsdA==,i=4096')));
      });
    });
    await new Promise<void>((resolve) => asking.listen(0, '127.0.0.1', resolve));
    const askingPort = (asking.address() as AddressInfo).port;
    try {
      const noPassword = await run({ DATABASE_URL: `postgres://postgres@127.0.0.1:${askingPort}/sandan`, PGPASSFILE: join(dir, 'no-pgpass') }, ...npmStart);
      const asked = `Cannot open the database (PostgreSQL 127.0.0.1:${askingPort}/sandan): PostgreSQL asks user postgres for a password and DATABASE_URL gives none: write it in the URL (postgres://postgres:<password>@…, percent-encoded)`;
      expect([noPassword.code, noPassword.output.trim()]).toEqual([1, asked]);
      // The backup says so too, not pg_dump's `fe_sendauth: no password supplied`, and leaves no file.
      const target = join(dir, 'never-dumped.dump');
      const backup = await run({ DATABASE_URL: `postgres://postgres@127.0.0.1:${askingPort}/sandan`, PGPASSFILE: join(dir, 'no-pgpass') }, 'scripts/backup.ts', target);
      expect([backup.code, backup.output.trim(), existsSync(target)]).toEqual([1, asked, false]);
    } finally {
      asking.close();
    }
  });
});
