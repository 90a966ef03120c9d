import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ROUND_STATUS_CODES } from '../../db/schema';
import { hashApiKey } from '../../src/auth/api-key-secret';
import { gql } from '../helpers/clients';
import { groupAlive, runScript, spawnNpmStart, spawnService, spawnServiceUntil, type ServiceProcess } from '../helpers/process';
import { tempDir } from '../helpers/server';

const COUNT = '{ complexes { totalCount edges { node { code } } } }';
/** The service's own process in `npm start`'s group (npm runs it as `node scripts/start.mjs`). */
const serviceOf = (npmPid: number) =>
  Number(/^\s*(\d+) node scripts\/start\.mjs/m.exec(execFileSync('ps', ['-o', 'pid=,args=', '-g', String(npmPid)], { encoding: 'utf8' }))![1]);

describe('the service as a process', { timeout: 90_000 }, () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('migrates and seeds an empty database, drains on SIGTERM, and keeps its data across a restart', async () => {
    const dbPath = join(tmp.dir, 'nested', 'folder', 'sandan.db');
    const first = await spawnService({ DATABASE_PATH: dbPath, DEMO_KEYS_PATH: join(tmp.dir, 'restart-keys.json') });
    const before = await gql<{ complexes: { totalCount: number } }>(first.url, COUNT);
    expect(before.body.data!.complexes.totalCount).toBe(7);
    expect(first.logs.join('\n')).toMatch(/loaded demo data/);
    // It holds webhook signing secrets: its owner's only, as the demo keys, WAL included.
    for (const file of [dbPath, `${dbPath}-wal`]) expect((statSync(file).mode & 0o777).toString(8), file).toBe('600');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.logs.join('\n')).toMatch(/draining connections[\s\S]*stopped/);

    const organisationsBefore = new Database(dbPath, { readonly: true }).prepare('select count(*) as n from organisations').get() as { n: number };
    const second = await spawnService({ DATABASE_PATH: dbPath, DEMO_KEYS_PATH: join(tmp.dir, 'restart-keys.json') });
    try {
      const after = await gql<{ complexes: { totalCount: number } }>(second.url, COUNT);
      expect(after.body.data).toEqual(before.body.data);
      expect(second.logs.join('\n')).not.toMatch(/loaded demo data/);
      const organisationsAfter = new Database(dbPath, { readonly: true }).prepare('select count(*) as n from organisations').get() as { n: number };
      expect(organisationsAfter.n).toBe(organisationsBefore.n);
    } finally {
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);
    }
  });

  // A process manager signals `npm start`, which forwards it; a terminal's Ctrl-C signals the whole group, so the
  // service hears it twice: from the terminal and forwarded by npm (the kernel merges the two only when the second
  // comes before the first is handled, so the test sends the service a second one 100 ms on, unless it has exited by
  // then; not the group: npm, its child stopped and its handlers gone, would die of it). One request to stop.
  it.each([
    ['one SIGTERM to `npm start`', 'SIGTERM', (pid: number) => [pid]],
    ['Ctrl-C (SIGINT to its process group, heard twice)', 'SIGINT', (pid: number) => [-pid, serviceOf(pid)]],
  ] as const)('%s drains HTTP and WebSocket, closes the database and leaves no process within 10 s', async (name, signal, targets) => {
    const dbPath = join(tmp.dir, `npm-start-${signal}.db`);
    const service = await spawnNpmStart({ DATABASE_PATH: dbPath, DEMO_KEYS_PATH: join(tmp.dir, `npm-start-keys-${signal}.json`), POD_STORAGE_DIR: join(tmp.dir, 'npm-pod'), MATCHING_INTERVAL_SECONDS: '1' });
    const socketClosed = new Promise<number>((resolve) => {
      // Not lazy: the socket stays open with nothing running, as a dashboard's between events.
      createClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, onNonLazyError: () => {}, on: { closed: (event) => resolve((event as { code: number }).code) } });
    });
    expect((await gql<{ complexes: { totalCount: number } }>(service.url, COUNT)).body.data!.complexes.totalCount).toBe(7);
    expect(existsSync(`${dbPath}-wal`)).toBe(true);
    // The compiled service, not TypeScript through tsx.
    const commands = execFileSync('ps', ['-o', 'args=', '-g', String(service.child.pid)], { encoding: 'utf8' });
    expect(commands).toMatch(/node scripts\/start\.mjs/);
    expect(commands).not.toMatch(/tsx/);
    // Its scheduled rounds search on the compiled matching thread (dist/round-worker.js).
    for (const since = Date.now(); !/scheduled matching round completed/.test(service.logs.join('\n')) && Date.now() - since < 30_000; ) await new Promise((r) => setTimeout(r, 100));
    expect(service.logs.join('\n')).toMatch(/scheduled matching round completed/);

    const signalledAt = Date.now();
    for (const [i, target] of targets(service.child.pid!).entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      try {
        if (groupAlive(service.child.pid!)) process.kill(target, signal);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // exited meanwhile
      }
    }
    while (groupAlive(service.child.pid!) && Date.now() - signalledAt < 10_000) await new Promise((r) => setTimeout(r, 100));
    expect(groupAlive(service.child.pid!)).toBe(false);
    await service.exited;
    const logs = service.logs.join('\n');
    expect(logs, name).toMatch(/draining connections[\s\S]*"stopped"/);
    expect(logs).not.toMatch(/second signal/);
    expect(await service.exited).toBe(0);
    expect(await socketClosed).toBe(1001);
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
  });

  describe('a stop while a round searches with a 120 s budget', () => {
    const BUDGET = { MATCHING_ROUND_SECONDS: '120', RATE_LIMIT_PER_KEY: '100000' };
    const HOUR = 3_600_000;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const seeded = join(tmp.dir, 'busy-round.db');
    const keysPath = join(tmp.dir, 'busy-round-keys.json');
    const keyOf = (role: string) => (JSON.parse(readFileSync(keysPath, 'utf8')) as { role: string; complexCode: string | null; apiKey: string }[]).find((k) => k.role === role && k.complexCode === 'BANWOL_SIHWA')!.apiKey;
    /**
     * The demo plus 80 trucks and 720 loads around Banwol-Sihwa: uncut, its round searched about 115 s on a shared
     * 2-core machine (360 loads: 37 s, to the iteration bound), longer than these tests wait for the stop.
     */
    const seedBusyMarket = async () => {
      const service = await spawnService({ DATABASE_PATH: seeded, DEMO_KEYS_PATH: keysPath, MATCHING_INTERVAL_SECONDS: '0', ...BUDGET });
      try {
        const send = async (role: string, query: string, input: Record<string, unknown>) => expect((await gql(service.url, query, { input: { ...input, idempotencyKey: randomUUID() } }, { apiKey: keyOf(role) })).body.errors).toBeUndefined();
        for (let i = 0; i < 80; i++)
          await send('CARRIER', 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
            plateNumber: `경기${10 + i}바${1000 + i}`, tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.3 + (i % 10) * 0.005, lng: 126.72 + (i % 6) * 0.01 }, availability: [{ startsAt: at(HOUR), endsAt: at(72 * HOUR) }],
          });
        for (let batch = 0; batch < 720; batch += 12)
          await Promise.all(
            Array.from({ length: 12 }, (_, j) => batch + j).map((i) =>
              send('MANUFACTURER', 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', {
                origin: { lat: 37.28 + (i % 7) * 0.01, lng: 126.7 + (i % 5) * 0.015 }, destination: { lat: 37.2 + (i % 9) * 0.05, lng: 126.85 + (i % 11) * 0.03 },
                weightKg: 300 + 50 * (i % 5), pallets: 1 + (i % 3), cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
                pickupWindow: { from: at(2 * HOUR + (i % 4) * HOUR), until: at(6 * HOUR + (i % 4) * HOUR) }, deliverBy: at(14 * HOUR),
              }),
            ),
          );
      } finally {
        service.child.kill('SIGTERM');
        expect(await service.exited).toBe(0);
      }
    };
    /** Banwol-Sihwa's running round, once the service has one (the file is read as any reader would, beside the service). */
    const runningRound = async (dbPath: string) => {
      const db = new Database(dbPath, { readonly: true });
      try {
        for (;;) {
          const row = db.prepare("select r.id from matching_rounds r join complexes c on c.id = r.complex_id where c.code = 'BANWOL_SIHWA' and r.status = ?").get(ROUND_STATUS_CODES.RUNNING) as { id: number } | undefined;
          if (row) return row.id;
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        db.close();
      }
    };
    const recorded = (dbPath: string, roundId: number) => {
      const db = new Database(dbPath, { readonly: true });
      try {
        const { status } = db.prepare('select status from matching_rounds where id = ?').get(roundId) as { status: number };
        const { n } = db.prepare('select count(*) as n from offers where round_id = ?').get(roundId) as { n: number };
        return { completed: status === ROUND_STATUS_CODES.COMPLETED, offers: n };
      } finally {
        db.close();
      }
    };

    beforeAll(seedBusyMarket, 120_000);
    // A test that fails waiting leaves its service searching: not beyond this file.
    const started: ServiceProcess[] = [];
    afterAll(() => started.forEach((s) => s.child.exitCode === null && s.child.kill('SIGKILL')));

    // The stop ends the search early with its best plan so far: the round writes its offers, and the process exits
    // within these tests' timeout, far inside the search's 120 s (before, the scheduler's stop waited for all of it).
    it('a scheduled round: the stop cuts its search, the round completes with offers, and the process exits 0', async () => {
      const dbPath = join(tmp.dir, 'busy-scheduled.db');
      copyFileSync(seeded, dbPath);
      const service = await spawnService({ DATABASE_PATH: dbPath, DEMO_KEYS_PATH: keysPath, MATCHING_INTERVAL_SECONDS: '1', ...BUDGET });
      started.push(service);
      const roundId = await runningRound(dbPath);
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      const logs = service.logs.join('\n');
      expect(logs).toMatch(new RegExp(String.raw`"complex":"BANWOL_SIHWA","roundId":${roundId},[^\n]*scheduled matching round completed[\s\S]*"stopped"`));
      const { completed, offers } = recorded(dbPath, roundId);
      expect(completed).toBe(true);
      expect(offers).toBeGreaterThan(0);
    }, 60_000);

    it('a round an operator started: the stop cuts its search and the caller gets its completed round', async () => {
      const dbPath = join(tmp.dir, 'busy-operator.db');
      copyFileSync(seeded, dbPath);
      const service = await spawnService({ DATABASE_PATH: dbPath, DEMO_KEYS_PATH: keysPath, MATCHING_INTERVAL_SECONDS: '0', ...BUDGET });
      started.push(service);
      const answer = gql<{ matchingRunStart: { round: { status: string; report: { servedCount: number } } } }>(
        service.url,
        'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status report { servedCount } } } }',
        {},
        { apiKey: keyOf('OPERATOR') },
      );
      const roundId = await runningRound(dbPath);
      service.child.kill('SIGTERM');
      const { body } = await answer;
      expect(body.errors).toBeUndefined();
      expect(body.data!.matchingRunStart.round.status).toBe('COMPLETED');
      expect(body.data!.matchingRunStart.round.report.servedCount).toBeGreaterThan(0);
      expect(await service.exited).toBe(0);
      const { completed, offers } = recorded(dbPath, roundId);
      expect(completed).toBe(true);
      expect(offers).toBeGreaterThan(0);
    }, 60_000);
  });

  it('Ctrl-C while the first start loads the demo stops it once loaded, not half-way, so that every complex has its days', async () => {
    const env = { DATABASE_PATH: join(tmp.dir, 'interrupted.db'), DEMO_KEYS_PATH: join(tmp.dir, 'interrupted-keys.json'), MATCHING_INTERVAL_SECONDS: '0' };
    const loading = await spawnServiceUntil(/playing the recent days/, env);
    // A terminal's Ctrl-C, heard twice (from the terminal and forwarded by npm): one request to stop.
    loading.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    loading.child.kill('SIGINT');
    expect(await loading.exited).toBe(0);
    const logs = loading.logs.join('\n');
    expect(logs).toMatch(/stopping once the demo data is loaded[\s\S]*loaded demo data[\s\S]*"stopped"/);
    expect(logs).not.toMatch(/ready at/);
    const requestsByComplex = new Database(env.DATABASE_PATH, { readonly: true })
      .prepare('select c.code, count(r.id) as n from complexes c left join shipment_requests r on r.complex_id = c.id group by c.code')
      .all() as { code: string; n: number }[];
    expect(requestsByComplex).toHaveLength(7);
    expect(requestsByComplex.filter((c) => c.n === 0)).toEqual([]);

    const again = await spawnService(env);
    try {
      expect(again.logs.join('\n')).not.toMatch(/loaded demo data/);
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
  });

  it('drains on a SIGTERM sent the moment it says ready, as a process manager may', async () => {
    const env = { DATABASE_PATH: join(tmp.dir, 'ready-stop.db'), DEMO_KEYS_PATH: join(tmp.dir, 'ready-stop-keys.json'), MATCHING_INTERVAL_SECONDS: '0' };
    // The window was a few statements wide: on the demo's database, a killed start showed in some tries out of six.
    for (let start = 0; start < 6; start++) {
      const service = await spawnService(env);
      service.child.kill('SIGTERM');
      expect(await service.exited, service.logs.join('\n')).toBe(0);
      expect(service.logs.join('\n')).toMatch(/draining connections[\s\S]*"stopped"/);
    }
  });

  it('without demo data (SEED_ON_EMPTY=false) serves the seven built-in complexes, where the admin CLI creates organisations', async () => {
    const env = { DATABASE_PATH: join(tmp.dir, 'no-demo.db'), DEMO_KEYS_PATH: join(tmp.dir, 'no-demo-keys.json'), SEED_ON_EMPTY: 'false', MATCHING_INTERVAL_SECONDS: '0' };
    const service = await spawnService(env);
    try {
      expect((await gql<{ complexes: { totalCount: number } }>(service.url, COUNT)).body.data!.complexes.totalCount).toBe(7);
      expect(existsSync(env.DEMO_KEYS_PATH)).toBe(false);
      const created = await runScript(['scripts/admin.ts', 'org:create', '--complex', 'GUMI', '--role', 'CARRIER', '--name', '(주)구미운송', '--brn', '220-81-62517'], env);
      expect(created, created.output).toMatchObject({ code: 0, output: expect.stringMatching(/^created organisation \d+: \(주\)구미운송 \(CARRIER\)/) });
    } finally {
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    }
  });

  it('says at start, in one warn line, that WEBHOOK_ALLOW_HTTP_LOOPBACK is ignored in production, rather than ignore it silently', async () => {
    const env = { DATABASE_PATH: join(tmp.dir, 'prod-loopback.db'), DEMO_KEYS_PATH: join(tmp.dir, 'prod-loopback-keys.json'), SEED_ON_EMPTY: 'false', MATCHING_INTERVAL_SECONDS: '0', NODE_ENV: 'production', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' };
    const service = await spawnService(env);
    try {
      const warned = service.logs.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40);
      expect(warned.map((line) => line.msg)).toEqual([expect.stringMatching(/^WEBHOOK_ALLOW_HTTP_LOOPBACK=true is ignored in production: /)]);
    } finally {
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    }
  });

  it('refuses to start on an invalid variable with one line naming it', async () => {
    const { code, output } = await runScript(['src/main.ts'], { PORT: 'eighty', DATABASE_PATH: join(tmp.dir, 'never.db') });
    expect(code).toBe(1);
    expect(output.trim()).toBe('Invalid environment variable PORT: must be a number written in decimal digits, not "eighty"');
    // A database URL the service cannot run on is refused rather than ignored: it would serve from SQLite without saying so.
    const onMysql = await runScript(['src/main.ts'], { DATABASE_URL: 'mysql://localhost/sandan', DATABASE_PATH: join(tmp.dir, 'never.db') });
    expect(onMysql.code).toBe(1);
    expect(onMysql.output.trim()).toBe('Invalid environment variable DATABASE_URL: must be a postgres:// or postgresql:// URL');
    // A file that is not a SQLite database: one line, through npm start's own steps (the seeding leaves it to the service).
    const notes = join(tmp.dir, 'notes.txt');
    writeFileSync(notes, 'not a database, just some notes\n'.repeat(200));
    const notDatabase = await runScript(['--import', './scripts/demo/seed-on-empty.ts', 'src/main.ts'], { DATABASE_PATH: notes, DEMO_KEYS_PATH: join(tmp.dir, 'never-keys.json'), PORT: '0' });
    expect(notDatabase.code).toBe(1);
    expect(notDatabase.output.trim()).toBe(`Cannot open the database (${notes}): file is not a database`);
    // The scripts that open it say the same.
    for (const script of [['scripts/migrate.ts'], ['scripts/admin.ts', 'org:list']]) {
      const refused = await runScript(script, { DATABASE_PATH: notes });
      expect([refused.code, refused.output.trim()], script[0]).toEqual([1, `Cannot open the database (${notes}): file is not a database`]);
    }
  });

  it('the scripts refuse an invalid variable with the service\'s one line naming it and exit code 2, not a stack', async () => {
    // One environment file serves the service and its scripts: a value the service refuses is refused by them alike.
    const env = { PORT: 'eighty', DATABASE_PATH: join(tmp.dir, 'never-scripts.db') };
    const answers = await Promise.all(
      [['scripts/admin.ts', 'org:list'], ['scripts/backup.ts', join(tmp.dir, 'never-backup.db')], ['scripts/migrate.ts'], ['scripts/seed.ts']].map((script) => runScript(script, env)),
    );
    for (const { code, output } of answers) {
      expect([code, output.trim()]).toEqual([2, 'Invalid environment variable PORT: must be a number written in decimal digits, not "eighty"']);
    }
    expect(existsSync(env.DATABASE_PATH)).toBe(false);
  });

  it('refuses a database a newer version migrated, in one line, rather than serve 500s while /readyz says ready', async () => {
    // An upgrade's start migrated it; the sources were then rolled back to the previous release.
    const dbPath = join(tmp.dir, 'migrated-by-newer.db');
    expect((await runScript(['scripts/migrate.ts'], { DATABASE_PATH: dbPath })).code).toBe(0);
    const db = new Database(dbPath);
    const known = (db.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
    db.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run('a-newer-versions-migration', Date.now());
    db.close();
    const line = `Cannot open the database (${dbPath}): it holds ${known + 1} migrations and this version of the service knows ${known}: a newer version migrated it. Run that version, or restore the backup taken before the upgrade`;
    const started = await runScript(['src/main.ts'], { DATABASE_PATH: dbPath, PORT: '0' }, 30_000); // a service that serves is stopped
    expect([started.code, started.output.trim()]).toEqual([1, line]);
    const admin = await runScript(['scripts/admin.ts', 'org:list'], { DATABASE_PATH: dbPath });
    expect([admin.code, admin.output.trim()]).toEqual([1, line]);
  });

  it('refuses to start on a port already taken with one line naming the setting, and exits', async () => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      for (const [setting, env] of [
        ['PORT', { PORT: String(port), HOST: '127.0.0.1' }],
        ['METRICS_PORT', { PORT: '0', METRICS_PORT: String(port) }],
      ] as const) {
        const { code, output } = await runScript(['src/main.ts'], { ...env, DATABASE_PATH: join(tmp.dir, 'port-taken.db') });
        expect(code).toBe(1);
        expect(output).toContain(`Cannot serve on ${setting}=${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
        expect(output).not.toMatch(/Internal error|ready at/);
      }
    } finally {
      taken.close();
    }
  });

  it('refuses to start on an interface it cannot have with one line naming HOST or METRICS_HOST, not the port, before saying ready', async () => {
    const dbPath = join(tmp.dir, 'bad-host.db');
    for (const [setting, env] of [
      ['HOST=192.0.2.1', { HOST: '192.0.2.1', PORT: '0' }], // a documentation address, no interface of this host
      ['HOST=host.invalid', { HOST: 'host.invalid', PORT: '0' }], // a name that never resolves (RFC 2606)
      ['METRICS_HOST=192.0.2.1', { PORT: '0', METRICS_PORT: '0', METRICS_HOST: '192.0.2.1' }],
    ] as const) {
      const { code, output } = await runScript(['src/main.ts'], { ...env, DATABASE_PATH: dbPath });
      expect(code, output).toBe(1);
      expect(output).toMatch(new RegExp(`^Cannot serve on ${setting.replaceAll('.', '\\.')}: (listen|getaddrinfo) E[A-Z_]+`, 'm'));
      expect(output).not.toMatch(/ready at|Cannot serve on (METRICS_)?PORT/);
    }
  });

  it('npm run backup writes a consistent copy of the live database, owner-only, and never over a file', async () => {
    const dbPath = join(tmp.dir, 'live.db');
    const service = await spawnService({ DATABASE_PATH: dbPath, DEMO_KEYS_PATH: join(tmp.dir, 'live-keys.json') });
    try {
      const target = join(tmp.dir, 'backups', 'copy.db');
      const { code, output } = await runScript(['scripts/backup.ts', target], { DATABASE_PATH: dbPath });
      expect(code, output).toBe(0);
      // It holds the webhook signing secrets, as the database does: readable by its owner only, like the demo keys.
      expect((statSync(target).mode & 0o777).toString(8)).toBe('600');
      const copy = new Database(target, { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((copy.prepare('select count(*) as n from complexes').get() as { n: number }).n).toBe(7);
      copy.close();

      const [again, itself, itselfAgain] = await Promise.all([
        runScript(['scripts/backup.ts', target], { DATABASE_PATH: dbPath }),
        runScript(['scripts/backup.ts', dbPath], { DATABASE_PATH: dbPath }),
        runScript(['scripts/backup.ts', join(tmp.dir, 'backups', '..', 'live.db')], { DATABASE_PATH: dbPath }),
      ]);
      expect([again.code, again.output.trim()]).toEqual([2, `${target} exists: back up to a new file (or remove it first)`]);
      expect([itself.code, itself.output.trim()]).toEqual([2, `${dbPath} is the database itself (DATABASE_PATH=${dbPath}): back it up to another file`]);
      expect(itselfAgain.code, itselfAgain.output).toBe(2);
      const live = await gql<{ complexes: { totalCount: number } }>(service.url, COUNT);
      expect(live.body.data!.complexes.totalCount).toBe(7);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });

  it('a backup restored as README says serves the backup\'s data, even where a crash left the old database\'s WAL', async () => {
    const dbPath = join(tmp.dir, 'restored.db');
    const env = { DATABASE_PATH: dbPath, SEED_ON_EMPTY: 'false', MATCHING_INTERVAL_SECONDS: '0', RETENTION_INTERVAL_SECONDS: '0', INSIGHTS_ROLLUP_INTERVAL_SECONDS: '0' };
    const orgCreate = (name: string, brn: string) => runScript(['scripts/admin.ts', 'org:create', '--complex', 'GUMI', '--role', 'CARRIER', '--name', name, '--brn', brn], env);
    const orgNames = async () => (await runScript(['scripts/admin.ts', 'org:list', '--complex', 'GUMI'], env)).output.trim().split('\n').map((line) => line.split('\t')[3]);
    const backup = join(tmp.dir, 'restored-backup.db');
    const first = await spawnService(env);
    try {
      expect((await orgCreate('백업 전 운송', '220-81-62517')).code).toBe(0);
      expect((await runScript(['scripts/backup.ts', backup], env)).code).toBe(0);
      expect((await orgCreate('백업 후 운송', '1048137225')).code).toBe(0);
    } finally {
      first.child.kill('SIGKILL'); // a crash: the writes since the last checkpoint stay in the WAL
      await first.exited;
    }
    expect(existsSync(`${dbPath}-wal`)).toBe(true);

    // README, "Restoring a backup (SQLite)": the WAL and shared memory go, the backup takes the database's place.
    execFileSync('bash', ['-c', `rm -f "$1-wal" "$1-shm" && install -m 600 "$2" "$1"`, 'restore', dbPath, backup]);
    const second = await spawnService(env);
    try {
      expect((await gql<{ complexes: { totalCount: number } }>(second.url, COUNT)).body.data!.complexes.totalCount).toBe(7);
      // Without the rm, the crashed database's WAL is replayed into the backup: 백업 후 운송 would be back.
      expect(await orgNames()).toEqual(['백업 전 운송']);
      expect((statSync(dbPath).mode & 0o777).toString(8)).toBe('600');
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('npm run backup to a folder, or where no file can be made, is one line and exit code 2, not a stack', async () => {
    const dbPath = join(tmp.dir, 'to-back-up.db');
    new Database(dbPath).close();
    const folder = join(tmp.dir, 'backup-folder');
    mkdirSync(folder);
    const aFile = join(tmp.dir, 'a-file.txt');
    writeFileSync(aFile, 'not a folder\n');
    const backup = (target: string) => runScript(['scripts/backup.ts', target], { DATABASE_PATH: dbPath });
    const [named, slashed, underFile, unnamed] = await Promise.all([backup(folder), backup(`${folder}/`), backup(join(aFile, 'copy.db')), backup('')]);
    // A folder is not "removed first", as a file in the way would be: the backup goes into a file in it.
    expect([named.code, named.output.trim()]).toEqual([2, `${folder} is a folder: back up to a new file in it, e.g. ${join(folder, 'sandan.db')}`]);
    expect([slashed.code, slashed.output.trim()]).toEqual([2, `${folder}/ is a folder: back up to a new file in it, e.g. ${join(folder, 'sandan.db')}`]);
    expect(underFile.code, underFile.output).toBe(2);
    expect(underFile.output.trim()).toMatch(new RegExp(`^cannot create ${join(aFile, 'copy.db')}: E\\w+: `));
    expect(underFile.output.trim().split('\n')).toHaveLength(1);
    // An empty name (an unset shell variable in quotes) names no file: the usage, not ENOENT of open('').
    expect([unnamed.code, unnamed.output.trim()]).toEqual([2, 'usage: npm run backup -- <file>   (a new file; the database at DATABASE_URL, else DATABASE_PATH)']);
  });

  it('npm run seed --reset rebuilds the database and --scale sets how many organisations', async () => {
    const dbPath = join(tmp.dir, 'seeded.db');
    const small = await runScript(['scripts/seed.ts', '--scale', '1'], { DATABASE_PATH: dbPath, DEMO_KEYS_PATH: join(tmp.dir, 'seed-keys.json') });
    expect(small.code, small.output).toBe(0);
    const countOrgs = () => {
      const db = new Database(dbPath, { readonly: true });
      const n = (db.prepare('select count(*) as n from organisations').get() as { n: number }).n;
      db.close();
      return n;
    };
    const smallCount = countOrgs();
    const large = await runScript(['scripts/seed.ts', '--reset', '--scale', '4'], { DATABASE_PATH: dbPath, DEMO_KEYS_PATH: join(tmp.dir, 'seed-keys.json') });
    expect(large.code, large.output).toBe(0);
    expect(countOrgs()).toBeGreaterThan(smallCount * 1.5);
    const bad = await runScript(['scripts/seed.ts', '--scale=-1'], { DATABASE_PATH: dbPath });
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/--scale must be a positive number/);
    const unknown = await runScript(['scripts/seed.ts', '--bogus'], { DATABASE_PATH: join(tmp.dir, 'never-seeded.db') });
    expect([unknown.code, unknown.output.trim()]).toEqual([2, "Unknown option '--bogus'"]);
    expect(existsSync(join(tmp.dir, 'never-seeded.db'))).toBe(false);
  });

  it('npm run admin creates an organisation and a key that works, revokes it and lists the keys', async () => {
    const dbPath = join(tmp.dir, 'admin.db');
    const env = { DATABASE_PATH: dbPath, DEMO_KEYS_PATH: join(tmp.dir, 'admin-keys.json') };
    expect((await runScript(['scripts/seed.ts'], env)).code).toBe(0);
    const org = await runScript(['scripts/admin.ts', 'org:create', '--complex', 'GUMI', '--role', 'CARRIER', '--name', '(주)구미운송', '--brn', '220-81-62517'], env);
    expect(org.code, org.output).toBe(0);
    const orgId = /created organisation (\d+)/.exec(org.output)![1]!;
    const again = await runScript(['scripts/admin.ts', 'org:create', '--complex', 'GUMI', '--role', 'CARRIER', '--name', '복제', '--brn', '2208162517'], env);
    // Named as the admin typed it (the flag), with the firm holding the number.
    expect([again.code, again.output]).toEqual([1, 'CONFLICT: --brn: 220-81-62517 is already registered to (주)구미운송 (CARRIER in GUMI)\n']);
    const unknownComplex = await runScript(['scripts/admin.ts', 'org:create', '--complex', 'SIHWA', '--role', 'CARRIER', '--name', '시화운송', '--brn', '1348165493'], env);
    expect([unknownComplex.code, unknownComplex.output]).toEqual([2, 'VALIDATION: --complex: must be one of BANWOL_SIHWA, CHANGWON, NAMDONG, GUMI, GWANGJU_CHEOMDAN, YEOSU, DAEGU_SEONGSEO: got SIHWA\n']);
    const badBrn = await runScript(['scripts/admin.ts', 'org:create', '--complex', 'GUMI', '--role', 'CARRIER', '--name', '오류', '--brn', '2208162518'], env);
    expect(badBrn.code).toBe(2);
    expect(badBrn.output).toMatch(/^VALIDATION: --brn: .*check digit\n$/);
    // org:list checks the complex as org:create does: an unknown one is refused listing the seven, not listed as empty.
    const list = (complex: string) => runScript(['scripts/admin.ts', 'org:list', '--complex', complex], env);
    const [gumi, unknown, lowercase] = await Promise.all([list('GUMI'), list('NOPE'), list('gumi')]);
    expect(gumi.output).toContain(`${orgId}\tGUMI\tCARRIER\t(주)구미운송`);
    // Oldest first, the same on both databases (SQLite's index on the complex had listed them by role).
    const ids = gumi.output.trim().split('\n').map((line) => Number(line.split('\t')[0]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect([unknown.code, unknown.output.trim()]).toEqual([2, 'VALIDATION: --complex: must be one of BANWOL_SIHWA, CHANGWON, NAMDONG, GUMI, GWANGJU_CHEOMDAN, YEOSU, DAEGU_SEONGSEO: got NOPE']);
    expect([lowercase.code, lowercase.output.trim()]).toEqual([2, 'VALIDATION: --complex: must be a complex code such as BANWOL_SIHWA']);

    const key = await runScript(['scripts/admin.ts', 'key:create', '--org', orgId, '--name', 'dispatch'], env);
    expect(key.code, key.output).toBe(0);
    const secret = /(sdx_\S+)/.exec(key.output)![1]!;
    const keyId = /created API key (\d+)/.exec(key.output)![1]!;
    const service = await spawnService(env);
    let revokedAt: string;
    try {
      const viewer = await gql<{ viewer: { name: string } }>(service.url, '{ viewer { name } }', {}, { apiKey: secret });
      expect(viewer.body.data!.viewer.name).toBe('(주)구미운송');
      const revoke = await runScript(['scripts/admin.ts', 'key:revoke', '--key', keyId], env);
      expect(revoke.code, revoke.output).toBe(0);
      revokedAt = /revoked API key \d+ at (\S+)/.exec(revoke.output)![1]!;
      expect((await gql(service.url, '{ viewer { name } }', {}, { apiKey: secret })).status).toBe(401);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }

    // Revoking again changes nothing, and says so rather than claiming the first revocation as its own.
    const revokedAgain = await runScript(['scripts/admin.ts', 'key:revoke', '--key', keyId], env);
    expect([revokedAgain.code, revokedAgain.output]).toEqual([0, `API key ${keyId} was already revoked at ${revokedAt}\n`]);

    // key:list finds a key whose id scrolled away: every key of the organisation, revoked ones marked, newest first.
    const second = await runScript(['scripts/admin.ts', 'key:create', '--org', orgId, '--name', 'backup'], env);
    expect(second.code, second.output).toBe(0);
    const secondId = /created API key (\d+)/.exec(second.output)![1]!;
    const keys = await runScript(['scripts/admin.ts', 'key:list', '--org', orgId], env);
    expect(keys.code, keys.output).toBe(0);
    const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    expect(keys.output).toMatch(new RegExp(`^${secondId}\tbackup\t${ISO}\t-\t-\n${keyId}\tdispatch\t${ISO}\t${ISO}\t${revokedAt}\n$`));
    for (const secretOrHash of [secret, hashApiKey(secret), /(sdx_\S+)/.exec(second.output)![1]!]) expect(keys.output).not.toContain(secretOrHash);
    const unknownOrg = await runScript(['scripts/admin.ts', 'key:list', '--org', '999999'], env);
    expect([unknownOrg.code, unknownOrg.output.trim()]).toEqual([1, 'NOT_FOUND: Organisation not found']);
  });

  it('npm run admin answers a database another process keeps locked with one line and exit code 1, not a stack', async () => {
    // As a service back-filling years of insights roll-ups holds the write lock, day after day.
    const dbPath = join(tmp.dir, 'admin-locked.db');
    expect((await runScript(['scripts/migrate.ts'], { DATABASE_PATH: dbPath })).code).toBe(0);
    const holder = new Database(dbPath);
    holder.exec('begin immediate');
    try {
      const admin = await runScript(['scripts/admin.ts', 'org:create', '--complex', 'GUMI', '--role', 'CARRIER', '--name', '(주)구미운송', '--brn', '220-81-62517'], { DATABASE_PATH: dbPath });
      expect([admin.code, admin.output.trim()]).toEqual([1, `Cannot write to the database (${dbPath}): database is locked: another process (the service) held its write lock past the 5 s busy timeout; try again`]);
    } finally {
      holder.exec('rollback');
      holder.close();
    }
  });

  it('npm run admin answers a bad command line with one line naming the flag and exit code 2, before opening the database', async () => {
    const dbPath = join(tmp.dir, 'never-admin.db');
    const admin = (...args: string[]) => runScript(['scripts/admin.ts', ...args], { DATABASE_PATH: dbPath });
    const [extra, noValue, noKey, noOrg, notAnId, orgNotAnId, valueForgotten, twice, unknownCommand, help, listNoOrg, listOrgNotAnId] = await Promise.all([
      admin('org:create', '--complex', 'GUMI', '--extra', '1'),
      admin('org:create', '--name'),
      admin('key:revoke'),
      admin('key:create', '--name', 'x'),
      admin('key:revoke', '--key', 'abc'),
      admin('key:create', '--org', 'abc', '--name', 'x'),
      admin('org:create', '--role', 'CARRIER', '--name', '--brn', '2208162517'),
      admin('org:create', '--role', 'CARRIER', '--name', '(주)구미운송', '--name', '(주)구미물류', '--brn', '2208162517'),
      admin('org:delete'),
      admin('--help'),
      admin('key:list'),
      admin('key:list', '--org', '0'),
    ]);
    const answer = ({ code, output }: { code: number | null; output: string }) => [code, output.trim()];
    expect(answer(extra)).toEqual([2, "Unknown option '--extra'"]);
    expect(answer(noValue)).toEqual([2, "Option '--name <value>' argument missing"]);
    expect(answer(noKey)).toEqual([2, "--key: required: the API key's id as key:create prints it (created API key ID …)"]);
    expect(answer(notAnId)).toEqual([2, "--key: must be the API key's id as key:create prints it (created API key ID …)"]);
    expect(answer(noOrg)).toEqual([2, "--org: required: the organisation's id as org:list prints it (first column)"]);
    expect(answer(orgNotAnId)).toEqual([2, "--org: must be the organisation's id as org:list prints it (first column)"]);
    expect(answer(listNoOrg)).toEqual([2, "--org: required: the organisation's id as org:list prints it (first column)"]);
    expect(answer(listOrgNotAnId)).toEqual([2, "--org: must be the organisation's id as org:list prints it (first column)"]);
    // node's own three lines, as one.
    expect(answer(valueForgotten)).toEqual([2, "Option '--name' argument is ambiguous. Did you forget to specify the option argument for '--name'? To specify an option argument starting with a dash use '--name=-XYZ'."]);
    // Taken last, the second name would have registered an organisation the caller did not mean.
    expect(answer(twice)).toEqual([2, '--name: given twice; give it once']);
    expect(answer(unknownCommand)).toEqual([2, "Unknown command 'org:delete': one of org:create, org:list, key:create, key:list, key:revoke (npm run admin -- help)"]);
    expect(help.code).toBe(0);
    for (const usage of ['org:create [--complex CODE] --role ROLE --name NAME --brn NUMBER', 'org:list [--complex CODE]', 'key:create --org ID --name NAME', 'key:list --org ID', 'key:revoke --key ID']) {
      expect(help.output).toContain(usage);
    }
    expect(existsSync(dbPath)).toBe(false);
  });

  it('the benchmarks answer a bad command line with one line naming the flag and exit code 2, not a stack', async () => {
    const set = join(tmp.dir, 'pdptw-set');
    mkdirSync(set);
    writeFileSync(join(set, 'lc101.txt'), '');
    const answers = await Promise.all(
      [
        ['scripts/bench-pdptw.ts', '--seconds', 'abc'],
        ['scripts/bench-pdptw.ts', '--clock', 'cpus'],
        ['scripts/bench-pdptw.ts', '--set', join(tmp.dir, 'no-such-set')],
        // A misspelt instance solved nothing and reported 0 instances, exit code 0.
        ['scripts/bench-pdptw.ts', '--set', set, '--only', 'lc101,lc1O2'],
        ['scripts/bench-pdptw.ts', '--secs', '2'],
        ['scripts/bench-start.ts', '--runs', 'abc'],
        ['scripts/bench-start.ts', '--runs', '0'],
        ['scripts/bench-growth.ts', '--week', '1'],
        // Numbers as written in decimal digits: `--seed=` ran seed 0, `0x10` 16 runs, `1e2` 100 runs.
        ['scripts/bench-pdptw.ts', '--seed='],
        ['scripts/bench-start.ts', '--runs', '0x10'],
        ['scripts/bench-growth.ts', '--runs', '1e2'],
        // Those without flags ran their whole measurement (minutes) with one ignored, and --pg misspelt ran SQLite only.
        ['scripts/bench-near.ts', '--size', '500'],
        ['scripts/bench-match.ts', '500'],
        ['scripts/bench-webhooks.ts', '--events', '10'],
        ['scripts/bench-book.ts', '--pgg'],
        ['scripts/bench-http.ts', '--pgg'],
        // --sizes measures the SQLite files: with --pg it had measured them and ignored --pg.
        ['scripts/bench-growth.ts', '--pg', '--sizes'],
        // A refusal takes a second; one that is not would run the benchmark: stopped (code null) after 60 s.
      ].map((args) => runScript(args, {}, 60_000)),
    );
    expect(answers.map(({ code, output }) => [code, output.trim()])).toEqual([
      [2, '--seconds: must be a number of seconds above 0'],
      [2, '--clock: must be wall or cpu'],
      [2, '--set: must be a folder of instances, e.g. ../shared/data/pdptw/li-lim-100'],
      [2, `--only: no instance lc1O2 in ${set}`],
      [2, "Unknown option '--secs'"],
      [2, '--runs: must be a whole number from 1'],
      [2, '--runs: must be a whole number from 1'],
      [2, "Unknown option '--week'"],
      [2, '--seed: must be a whole number'],
      [2, '--runs: must be a whole number from 1'],
      [2, '--runs: must be a whole number from 3 to 1000'],
      [2, "Unknown option '--size'"],
      [2, "Unexpected argument '500'. This command does not take positional arguments"],
      [2, "Unknown option '--events'"],
      ...Array(2).fill([2, `Unknown option '--pgg'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "--pgg"`]),
      [2, '--pg: times the service on PostgreSQL; --sizes measures the SQLite files, without it'],
    ]);
  });

  it('npm run admin on a SQLite file that is not there refuses, and creates no database the service never sees', async () => {
    // The shell lacks the service's DATABASE_PATH, or it is mistyped: an organisation and a key made there would not work.
    const dbPath = join(tmp.dir, 'mistyped', 'sandan.db');
    const answers = await Promise.all(
      [
        ['org:create', '--complex', 'GUMI', '--role', 'CARRIER', '--name', '(주)구미운송', '--brn', '220-81-62517'],
        ['org:list'],
        ['key:create', '--org', '1', '--name', 'dispatch'],
      ].map((args) => runScript(['scripts/admin.ts', ...args], { DATABASE_PATH: dbPath })),
    );
    for (const { code, output } of answers) {
      expect([code, output.trim()]).toEqual([2, `no database at ${dbPath} (DATABASE_PATH): set it as the service has it (npm start, or npm run db:migrate, creates one)`]);
    }
    expect(existsSync(dbPath)).toBe(false);
  });

  it('start-up seeding writes one working demo key per role per complex to the demo keys file', async () => {
    const keysPath = join(tmp.dir, 'keys', 'demo-keys.json');
    const service = await spawnService({ DATABASE_PATH: join(tmp.dir, 'demo.db'), DEMO_KEYS_PATH: keysPath });
    try {
      const keys = JSON.parse(readFileSync(keysPath, 'utf8')) as { complexCode: string | null; role: string; apiKey: string }[];
      expect(keys).toHaveLength(7 * 4 + 1);
      expect((statSync(keysPath).mode & 0o777).toString(8)).toBe('600');
      const operator = keys.find((k) => k.role === 'OPERATOR' && k.complexCode === 'YEOSU')!;
      const viewer = await gql<{ viewer: { role: string; complex: { code: string } } }>(service.url, '{ viewer { role complex { code } } }', {}, { apiKey: operator.apiKey });
      expect(viewer.body.data!.viewer).toEqual({ role: 'OPERATOR', complex: { code: 'YEOSU' } });
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }

    // Another empty database with the same keys file: the first database's keys, shown nowhere else, are kept beside.
    const first = readFileSync(keysPath, 'utf8');
    const other = await spawnService({ DATABASE_PATH: join(tmp.dir, 'other.db'), DEMO_KEYS_PATH: keysPath, MATCHING_INTERVAL_SECONDS: '0' });
    other.child.kill('SIGTERM');
    await other.exited;
    expect(readFileSync(`${keysPath}.previous`, 'utf8')).toBe(first);
    expect(readFileSync(keysPath, 'utf8')).not.toBe(first);
    expect(other.logs.join('\n')).toContain(`kept at ${keysPath}.previous`);

    // A keys file that cannot be written stops the start in one line and seeds nothing (procfs takes no new files;
    // a folder in its place is refused before, with the other settings).
    const unwritable = await runScript(['--import', './scripts/demo/seed-on-empty.ts', 'src/main.ts'], { DATABASE_PATH: join(tmp.dir, 'unseeded.db'), DEMO_KEYS_PATH: '/proc/self/demo-keys.json', PORT: '0', HOST: '127.0.0.1' });
    expect(unwritable.code).toBe(1);
    expect(unwritable.output.trim()).toMatch(/^Cannot write the demo keys to DEMO_KEYS_PATH=\/proc\/self\/demo-keys.json: ENOENT[^\n]*$/);
    expect(new Database(join(tmp.dir, 'unseeded.db'), { readonly: true }).prepare('select count(*) as n from organisations').get()).toEqual({ n: 0 });
  });

});
