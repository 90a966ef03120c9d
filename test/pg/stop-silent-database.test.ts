import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { gql } from '../helpers/clients';
import { spawnService, type ServiceProcess } from '../helpers/process';
import { tempDir } from '../helpers/server';
import { freshDatabase, type TestDatabase } from './helpers/database';

interface Relay {
  port: number;
  freeze: () => void;
  close: () => Promise<void>;
}

/**
 * A TCP relay to PostgreSQL that, once frozen, keeps every socket open and forwards nothing, a FIN included: PostgreSQL
 * as a paused host or a partition that drops packets shows it (accepts, never answers, never resets).
 */
async function freezableRelay(target: URL): Promise<Relay> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const relay: Server = createServer({ allowHalfOpen: true }, (client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client)).on('error', () => {});
    if (frozen) return; // taken, never answered
    const upstream = connect({ port: Number(target.port), host: target.hostname, allowHalfOpen: true });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream)).on('error', () => {});
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      from.on('data', (chunk) => frozen || to.write(chunk));
      from.on('end', () => frozen || to.end());
      from.on('close', () => frozen || to.destroy());
    }
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    freeze: () => (frozen = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    },
  };
}

const tmp = tempDir();
let database: TestDatabase | undefined;
const relays: Relay[] = [];
const services: ServiceProcess[] = [];

afterAll(async () => {
  for (const service of services) service.child.kill('SIGKILL');
  await Promise.all(services.map((service) => service.exited));
  await Promise.all(relays.map((relay) => relay.close()));
  await database?.drop();
  tmp.remove();
});

/**
 * The service on a database of the cluster through a relay; `connect_timeout` is the stop's bound. Its webhook worker
 * queries every 100 ms: a run of it is on its way at any moment, as a round or an attempt would be.
 */
async function serviceBehindRelay(connectTimeout: number): Promise<{ service: ServiceProcess; relay: Relay; label: string }> {
  database ??= await freshDatabase();
  const relay = await freezableRelay(new URL(database.url));
  relays.push(relay);
  const relayed = new URL(database.url);
  relayed.port = String(relay.port);
  relayed.searchParams.set('connect_timeout', String(connectTimeout));
  const service = await spawnService({
    DATABASE_URL: relayed.href,
    SEED_ON_EMPTY: 'false',
    DEMO_KEYS_PATH: join(tmp.dir, 'keys.json'),
    POD_STORAGE_DIR: join(tmp.dir, 'pod'),
    WEBHOOK_WORKER_INTERVAL_MS: '100',
  });
  services.push(service);
  return { service, relay, label: `PostgreSQL 127.0.0.1:${relay.port}${relayed.pathname}` };
}

const ask = (service: ServiceProcess) => gql(service.url, '{ complexes(first: 1) { totalCount } }');
/** The process's exit code, or 'still running' after a minute (before the bound a silent database held it for ever). */
const exitCode = (service: ServiceProcess) => Promise.race([service.exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 60_000))]);
/** The service's JSON log lines. */
const logLines = (service: ServiceProcess) => service.logs.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg: string });

it('a stop whose PostgreSQL stops answering gives up once a new connection gets no answer either, names the database, and exits 1', async () => {
  // The stop waits 2 s, then a new connection waits 2 s for an answer.
  const { service, relay, label } = await serviceBehindRelay(2);
  expect((await ask(service)).status).toBe(200);

  relay.freeze();
  // A request whose statements leave after the freeze: in flight when the stop begins, it never gets its answer.
  const inFlight = ask(service).catch((error: unknown) => error);
  await new Promise((resolve) => setTimeout(resolve, 300));
  service.child.kill('SIGTERM');
  expect(await exitCode(service)).toBe(1);
  expect(logLines(service)).toContainEqual(
    expect.objectContaining({
      level: 50,
      msg: `stopped without finishing: ${label} does not answer: no answer within 2 s (connect_timeout in DATABASE_URL sets how long to wait); work in flight on it dropped (nothing it acknowledged)`,
    }),
  );
  // The request in flight was not answered: its connection closed with the process.
  expect(await inFlight).toBeInstanceOf(Error);
}, 120_000);

it('a stop whose work in flight waits on a PostgreSQL that answers (a lock held past the bound) lets it finish, and exits 0', async () => {
  const { service } = await serviceBehindRelay(1);
  const locker = await database!.db.$client.connect();
  try {
    // The webhook worker's fan-out reads webhook_events first: its next run waits on this lock.
    await locker.query('begin');
    await locker.query('lock table webhook_events in access exclusive mode');
    await vi.waitFor(
      async () => {
        // Not on the locker: within a transaction pg_stat_activity is read once.
        const { rows } = await database!.db.$client.query("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%webhook_events%'");
        expect(rows[0].n).toBeGreaterThan(0);
      },
      { timeout: 10_000 },
    );
    service.child.kill('SIGTERM');
    // Several bounds pass, each with a new connection answered, while the stop waits for the worker's run.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await Promise.race([service.exited, 'still running'])).toBe('still running');
    await locker.query('commit');
  } finally {
    locker.release();
  }
  expect(await exitCode(service)).toBe(0);
  expect(logLines(service).map((line) => line.msg)).toContain('stopped');
}, 120_000);
