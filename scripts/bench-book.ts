/**
 * npm run bench:book [-- --pg]
 * Bookings per second on one SQLite file (WAL, synchronous=FULL; each booking resolved only once durable):
 * - perSec1 / perSec4: the booking domain API (acceptOffer, the function the offerAccept resolver calls, with
 *   its group commit) from one process, and from four processes at once, CONCURRENCY bookings in flight each;
 * - perSec1Http / perSecHttp2: the same bookings end to end through offerAccept over HTTP against one server
 *   process, and against two (CONCURRENCY connections in all, shared between them), driven by autocannon;
 * then the fan-out of one booking event (shipmentUpdated) to 1,000 graphql-ws subscribers of a server
 * process: p50 and p99 from sending the accept to each subscriber's receipt. Servers log at `warn`.
 * With --pg, the same again on PostgreSQL, in a child process (the dialect is fixed per process by DATABASE_URL) on a
 * throwaway cluster with durability on (fsync, synchronous_commit): there the fan-out crosses instances, the
 * subscribers on one server process and the accepts through the other (LISTEN/NOTIFY).
 * On PostgreSQL it also counts the statements a booking sends (each a round trip) and times one round trip, the
 * figures that bound its rate on a given machine. Through two servers it takes the CPU a booking costs every process on
 * the machine (and the servers', from their /metrics, and PostgreSQL's, from /proc when it runs here): with the cores busy,
 * cores ÷ that cost bounds the rate.
 * Prints a table, then one JSON line for CI.
 */
import { onOwnDatabase } from './own-database';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { closeDatabase, connectDatabase, pgPoolOf, type Db } from '../db/client';
import { DIALECT } from '../db/dialect';
import { count, eq, inArray } from 'drizzle-orm';
import { bookings, complexes, matchingRounds, offers, shipmentRequests, vehicles } from '../db/schema';
import { transact } from '../db/transaction';
import { startCluster } from './pg-cluster';
import { acceptOffer } from '../src/bookings/accept-offer';
import { loadComplexes } from '../src/complexes/complex-record';
import type { Context } from '../src/context';
import { originCellColumns } from '../src/demand/request-record';
import { DEFAULT_SEED, seedDemo, type DemoKey } from './demo/seed-demo';
import { parseEnv } from '../src/env';
import { cellsOf } from '../src/geo/h3';
import { toGlobalId } from '../src/global-id';
import { createLogger } from '../src/logger';
import { createInProcessPubSub } from '../src/pubsub';
import { locationColumns } from '../src/supply/location-input';
import { parseFlags } from './cli';

const BOOKINGS_PER_RUN = Number(process.env.BENCH_BOOKINGS ?? 3_000);
const HTTP_BOOKINGS = Number(process.env.BENCH_HTTP_BOOKINGS ?? 1_500);
const CONCURRENCY = 64;
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000);
const FANOUT_BOOKINGS = 5;
const HOUR = 3_600_000;
/** The servers' /metrics answer for it: their own CPU time, `process_cpu_seconds_total`. */
const METRICS_TOKEN = randomUUID();
const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { bookings { id } } }';

/** The bench's database: a SQLite file in `dir`, or the PostgreSQL database at DATABASE_URL (the --pg child). */
function databaseOf(dbPath: string) {
  return connectDatabase({ DATABASE_PATH: dbPath, DATABASE_URL: process.env.DATABASE_URL });
}
async function banwolId(db: Db): Promise<number> {
  return (await db.select({ id: complexes.id }).from(complexes).where(eq(complexes.code, 'BANWOL_SIHWA')).get())!.id;
}

// --pg is its one flag (`worker` and `pg` name the processes it starts itself): a misspelt one is refused, not ignored.
const flags = parseFlags({ options: { pg: { type: 'boolean' } }, allowPositionals: true }).values;
if (process.argv[2] === 'worker') await worker();


/**
 * One bench process: waits for the shared start time, accepts its offers through the domain API with
 * CONCURRENCY in flight, and prints how many it booked and when it finished.
 */
async function worker(): Promise<never> {
  const db = await databaseOf(process.env.BENCH_DB!);
  const offerIds = process.env.BENCH_OFFERS!.split(',').map(Number);
  const carrierOrgId = Number(process.env.BENCH_CARRIER);
  const complexId = await banwolId(db);
  await loadComplexes(db); // read once per process, as the service does at start (the booking's events name its complex)
  const env = parseEnv({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const ctx: Context = { db, pubsub: createInProcessPubSub(), logger: createLogger('silent'), env, now: () => new Date(), viewer: { organisationId: carrierOrgId, role: 'CARRIER', complexId, apiKeyId: null } };
  await new Promise((r) => setTimeout(r, Number(process.env.BENCH_START_AT) - Date.now()));
  const roundTrips = countRoundTrips();
  const cpu = process.cpuUsage();
  let next = 0;
  let booked = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < offerIds.length) {
        await acceptOffer({ ctx, input: { offerId: offerIds[next++]!, idempotencyKey: randomUUID() } });
        booked++;
      }
    }),
  );
  const { user, system } = process.cpuUsage(cpu);
  console.log(JSON.stringify({ booked, endedAt: Date.now(), roundTrips: roundTrips(), cpuUs: user + system }));
  await closeDatabase(db);
  process.exit(0);
}

/**
 * Counts the round trips this process makes to PostgreSQL from now on: the statements it sends while no other of their
 * connection is in flight (node-postgres waits for each answer; on a pipelining connection a statement sent behind
 * another rides with it, as a transaction's first statement does with its BEGIN). Reads node-postgres' own queues.
 */
function countRoundTrips(): () => number {
  let trips = 0;
  const query = pg.Client.prototype.query;
  type InFlight = { pipeline: boolean; _activeQuery: unknown; _sentQueryQueue: unknown[] };
  pg.Client.prototype.query = function (this: pg.Client & InFlight, ...args: unknown[]) {
    if (!this.pipeline || (!this._activeQuery && this._sentQueryQueue.length === 0)) trips++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return () => trips;
}

/**
 * What one round trip to PostgreSQL costs this machine: 3,000 one-row statements in turn on one connection (named, so
 * planned once), as wall µs and this process's CPU µs each. A booking's round trips times this bounds its rate.
 */
async function roundTripCost(): Promise<{ wallUs: number; cpuUs: number }> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const runs = 3_000;
  const [started, cpu] = [performance.now(), process.cpuUsage()];
  for (let i = 0; i < runs; i++) await client.query({ name: 'round-trip', text: 'select $1::int as n', values: [i] });
  const { user, system } = process.cpuUsage(cpu);
  const wallUs = ((performance.now() - started) * 1000) / runs;
  await client.end();
  return { wallUs: Math.round(wallUs), cpuUs: Math.round((user + system) / runs) };
}

const dir = mkdtempSync(join(tmpdir(), 'sandan-bench-book-'));
const dbPath = join(dir, 'bench.db');
const db = await databaseOf(dbPath);
const { demoKeys } = await seedDemo({ ctx: { db }, input: DEFAULT_SEED });
const keyOf = (role: DemoKey['role']) => demoKeys.find((k) => k.role === role && k.complexCode === 'BANWOL_SIHWA')!;
const [shipper, carrier] = [keyOf('MANUFACTURER'), keyOf('CARRIER')];
const children: ChildProcess[] = [];

/** What a domain bench run measured: bookings a second, and per booking its round trips to PostgreSQL (0 on SQLite) and µs of the bench processes' CPU. */
interface DomainRun {
  perSec: number;
  roundTrips: number;
  cpuUs: number;
}

/** Bookings per second of `processes` bench processes started together, each accepting its share of `offerIds`. */
async function domainBookingsPerSecond(processes: number, offerIds: number[]): Promise<DomainRun> {
  const startAt = Date.now() + 4_000;
  const share = Math.ceil(offerIds.length / processes);
  const results = await Promise.all(
    Array.from({ length: processes }, (_, i) => {
      const child = spawn('node_modules/.bin/tsx', ['scripts/bench-book.ts', 'worker'], {
        env: { ...process.env, BENCH_DB: dbPath, BENCH_OFFERS: offerIds.slice(i * share, (i + 1) * share).join(','), BENCH_CARRIER: String(carrier.organisationId), BENCH_START_AT: String(startAt) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      return new Promise<{ booked: number; endedAt: number; roundTrips: number; cpuUs: number }>((resolve, reject) =>
        child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output.trim().split('\n').at(-1)!) as { booked: number; endedAt: number; roundTrips: number; cpuUs: number }) : reject(new Error(`bench worker exited with ${code}`)))),
      );
    }),
  );
  const booked = results.reduce((n, r) => n + r.booked, 0);
  if (booked !== offerIds.length) throw new Error(`booked ${booked} of ${offerIds.length}`);
  const perSec = booked / ((Math.max(...results.map((r) => r.endedAt)) - startAt) / 1000);
  return { perSec, roundTrips: results.reduce((n, r) => n + r.roundTrips, 0) / booked, cpuUs: results.reduce((n, r) => n + r.cpuUs, 0) / booked };
}

let plates = 0;

/** `count` OFFERED requests, each offered to a vehicle of its own: every accept books, none conflicts. */
async function offersToAccept(count: number): Promise<number[]> {
  const origin = { lat: 37.33, lng: 126.76 };
  const cells = cellsOf(origin);
  const destination = cellsOf({ lat: 35.1798, lng: 129.075 });
  const now = Date.now();
  const complexId = await banwolId(db);
  const offerIds = await transact(db, async (tx) => {
    const roundId = (await tx.insert(matchingRounds).values({ complexId, trigger: 'MANUAL', startedAt: new Date(now), status: 'COMPLETED' }).returning().get())!.id;
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const vehicleId = (await tx
        .insert(vehicles)
        .values({ carrierOrgId: carrier.organisationId, complexId, plateNumber: `${100 + Math.floor(plates / 9000)}가${1000 + (plates++ % 9000)}`, tonnageClass: 'T5', payloadKg: 5_000, palletSlots: 10, bodyType: 'WING', baseFeeKrw: 80_000, perKmKrw: 1_500, locationUpdatedAt: new Date(now), ...locationColumns(origin) })
        .returning({ id: vehicles.id })
        .get())!.id;
      const requestId = (await tx
        .insert(shipmentRequests)
        .values({
          shipperOrgId: shipper.organisationId, complexId, status: 'OFFERED', originLat: origin.lat, originLng: origin.lng,
          ...originCellColumns(cells),
          destinationLat: 35.1798, destinationLng: 129.075, destinationH3R9: destination.r9, weightKg: 1_200, pallets: 3,
          cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
          pickupFrom: new Date(now + 2 * HOUR), pickupUntil: new Date(now + 6 * HOUR), deliverBy: new Date(now + 30 * HOUR),
        })
        .returning({ id: shipmentRequests.id })
        .get())!.id;
      ids.push((await tx
        .insert(offers)
        .values({
          roundId, complexId, kind: 'TRANSPORT', requestId, shipperOrgId: shipper.organisationId, supplierOrgId: carrier.organisationId, vehicleId,
          priceKrw: 500_000, baseKrw: 80_000, distanceKrw: 420_000, storageKrw: 0, handlingKrw: 0, deadheadKm: 3, loadedKm: 320, co2Kg: 150,
          pickupAt: new Date(now + 3 * HOUR), deliverAt: new Date(now + 12 * HOUR), expiresAt: new Date(now + 24 * HOUR),
        })
        .returning({ id: offers.id })
        .get())!.id);
    }
    return ids;
  });
  // The backlog appeared in one transaction and is booked at once. In service, rows come over time and autovacuum's
  // ANALYZE keeps the statistics current; here the tables were last analysed near empty, and the booking's generic plans
  // found its request and rivals through the status index (every OFFERED row, 728 read for 1) instead of by id.
  if (DIALECT === 'pg') await pgPoolOf(db).query('analyze vehicles, shipment_requests, offers');
  return offerIds;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `npm start`'s entry point on a free port and waits until it answers (on PostgreSQL, DATABASE_URL is inherited). */
async function startServer(): Promise<string> {
  const port = await freePort();
  const child = spawn('node_modules/.bin/tsx', ['src/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_PATH: dbPath, SEED_ON_EMPTY: 'false', MATCHING_INTERVAL_SECONDS: '0', METRICS_TOKEN, RATE_LIMIT_PER_KEY: '100000000', RATE_LIMIT_PER_ADDRESS: '100000000', WS_MAX_CONNECTIONS_PER_KEY: String(SUBSCRIBERS) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return `${url}/graphql`;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

const acceptBody = (offerId: number) => JSON.stringify({ query: ACCEPT, variables: { id: toGlobalId('Offer', offerId), key: randomUUID() } });
const acceptHeaders = () => ({ 'content-type': 'application/json', authorization: `Bearer ${carrier.apiKey}` });

async function accept(url: string, offerId: number): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: acceptHeaders(), body: acceptBody(offerId) });
  const body = (await response.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(`accept failed: ${JSON.stringify(body.errors)}`);
}

/** A server process's CPU seconds so far, as its /metrics reports them. */
async function serverCpuSeconds(graphqlUrl: string): Promise<number> {
  const metrics = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return Number(/^process_cpu_seconds_total (\S+)$/m.exec(metrics)![1]);
}

/**
 * The machine's busy CPU time so far in ms, every process's. On Linux from /proc/stat, with softirq (loopback TCP's
 * packets, which processes' own times may also count) and steal (the hypervisor running another machine while a
 * process here wanted the core, which its own time counts as running); elsewhere os.cpus(), which has neither.
 */
function machineBusyMs(): number {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) * 10; // USER_HZ: 100 a second
  } catch {
    return cpus().reduce((ms, { times: t }) => ms + t.user + t.nice + t.sys + t.irq, 0);
  }
}

/**
 * The pid of the PostgreSQL server at DATABASE_URL when it runs on this machine (its data folder readable here), else
 * null: a server elsewhere, or SQLite.
 */
async function postmasterPid(): Promise<number | null> {
  if (DIALECT !== 'pg') return null;
  try {
    const { rows } = await pgPoolOf(db).query<{ data_directory: string }>('show data_directory');
    const pid = Number(readFileSync(join(rows[0]!.data_directory, 'postmaster.pid'), 'utf8').split('\n', 1)[0]);
    readFileSync(`/proc/${pid}/stat`);
    return pid;
  } catch {
    return null;
  }
}

/**
 * PostgreSQL's CPU so far in ms, every process of the server: the postmaster and its children (backends, WAL writer,
 * checkpointer, autovacuum), with those that have exited (the postmaster's cutime and cstime). From /proc (Linux).
 */
function postgresCpuMs(postmaster: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // The fields after the command's name: state, ppid, then utime, stime, cutime, cstime 11 to 14 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    if (Number(entry) === postmaster) ticks += fields[11]! + fields[12]! + fields[13]! + fields[14]!;
    else if (fields[1] === postmaster) ticks += fields[11]! + fields[12]!;
  }
  return ticks * 10; // USER_HZ: 100 a second
}

/** What an HTTP phase cost: bookings/s and µs of CPU a booking, the client's, the servers', PostgreSQL's, and the whole machine's. */
interface HttpRun {
  perSec: number;
  clientCpuUs: number;
  serverCpuUs: number;
  /** PostgreSQL's processes, when the server runs on this machine; else null. */
  postgresCpuUs: number | null;
  /** Every process on the machine: the client, the servers, PostgreSQL's backends, anything else running. */
  machineCpuUs: number;
  /** The share of the machine's cores busy over the phase, 0..1: near 1, the rate is bound by CPU. */
  machineBusy: number;
}

/**
 * Accepts every offer over HTTP, CONCURRENCY connections in all, shared among `urls`, each offer once; returns bookings
 * per second and the µs of this process's CPU a booking (the client's share of the machine). Driven by autocannon
 * (as bench:http is), whose requests cost the client a fraction of fetch's: the servers share these cores with it.
 */
async function httpBookingsPerSecond(urls: string[], offerIds: number[]): Promise<HttpRun> {
  let next = 0;
  const failures: string[] = [];
  const serversBefore = await Promise.all(urls.map(serverCpuSeconds));
  const postmaster = await postmasterPid();
  const postgresBefore = postmaster ? postgresCpuMs(postmaster) : 0;
  const machineBefore = machineBusyMs();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let lastAnswer = started;
  // The machine's CPU every 50 ms, to read it at the last answer: autocannon returns on its next one-second tick.
  const machineSamples: { at: number; busyMs: number }[] = [];
  const sampler = setInterval(() => machineSamples.push({ at: performance.now(), busyMs: machineBusyMs() }), 50);
  const results = await Promise.all(
    urls.map((url, i) =>
      autocannon({
        url,
        method: 'POST',
        connections: CONCURRENCY / urls.length,
        amount: Math.floor(offerIds.length / urls.length) + (i < offerIds.length % urls.length ? 1 : 0),
        timeout: 60,
        headers: acceptHeaders(),
        requests: [{ setupRequest: (request) => ({ ...request, body: acceptBody(offerIds[next++]!) }) }],
        verifyBody: (body) => {
          lastAnswer = performance.now();
          const ok = String(body).startsWith('{"data":{"offerAccept":');
          if (!ok && failures.length < 3) failures.push(String(body).slice(0, 300));
          return ok;
        },
      }),
    ),
  );
  // Until the last answer: autocannon notices it is done on its next one-second tick.
  const seconds = (lastAnswer - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  const machineEnd = machineSamples.find((s) => s.at >= lastAnswer) ?? { at: performance.now(), busyMs: machineBusyMs() };
  const machineMs = machineEnd.busyMs - machineBefore;
  const serverSeconds = (await Promise.all(urls.map(serverCpuSeconds))).reduce((n, s, i) => n + s - serversBefore[i]!, 0);
  // Read after autocannon's closing tick: its idle backends add nothing meanwhile.
  const postgresMs = postmaster ? postgresCpuMs(postmaster) - postgresBefore : null;
  const wrong = results.reduce((n, r) => n + r.non2xx + r.errors + r.mismatches, 0);
  if (wrong > 0 || next !== offerIds.length) throw new Error(`accepts over HTTP: ${wrong} failed of ${next} sent for ${offerIds.length} offers; ${failures.join('; ')}`);
  const booked = await db.select({ n: count() }).from(bookings).where(inArray(bookings.offerId, offerIds)).get();
  if (booked!.n !== offerIds.length) throw new Error(`accepts over HTTP: ${booked!.n} bookings for ${offerIds.length} offers`);
  const perBooking = (us: number) => us / offerIds.length;
  return {
    perSec: offerIds.length / seconds,
    clientCpuUs: perBooking(used.user + used.system),
    serverCpuUs: perBooking(serverSeconds * 1e6),
    postgresCpuUs: postgresMs === null ? null : perBooking(postgresMs * 1e3),
    machineCpuUs: perBooking(machineMs * 1e3),
    machineBusy: machineMs / ((machineEnd.at - started) * cpus().length),
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * SUBSCRIBERS graphql-ws clients of the shipper on `subscribeUrl`; accepts through `acceptUrl` (the same server, or
 * another instance); each booking's latency is measured from sending its accept.
 */
async function fanOut(subscribeUrl: string, acceptUrl: string): Promise<number[]> {
  const clients: Client[] = [];
  /** Per subscriber: when each shipment request's update arrived. */
  const arrivals = Array.from({ length: SUBSCRIBERS }, () => new Map<string, number>());
  let waiters: (() => void)[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const client = createClient({ url: subscribeUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { apiKey: shipper.apiKey }, retryAttempts: 0 });
    clients.push(client);
    client.subscribe<{ shipmentUpdated: { shipmentRequestId: string } }>(
      { query: 'subscription { shipmentUpdated { shipmentRequestId status } }' },
      {
        next: ({ data }) => {
          arrivals[i]!.set(data!.shipmentUpdated.shipmentRequestId, performance.now());
          for (const wake of waiters) wake();
        },
        error: (e) => console.error('subscription error', e),
        complete: () => {},
      },
    );
  }
  const until = (done: () => boolean, ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      const check = () => done() && (clearTimeout(timer), resolve(true));
      waiters.push(check);
      check();
    });
  const requestOf = async (offerId: number) => toGlobalId('ShipmentRequest', (await db.select({ id: offers.requestId }).from(offers).where(eq(offers.id, offerId)).get())!.id);
  // Subscriptions register some time after the clients send them: book until every subscriber hears one.
  for (const offerId of await offersToAccept(40)) {
    await accept(acceptUrl, offerId);
    if (await until(() => arrivals.every((a) => a.size > 0), 500)) break;
  }
  waiters = [];
  const latencies: number[] = [];
  for (const offerId of await offersToAccept(FANOUT_BOOKINGS)) {
    const requestId = await requestOf(offerId);
    const sent = performance.now();
    await accept(acceptUrl, offerId);
    if (!(await until(() => arrivals.every((a) => a.has(requestId)), 10_000))) throw new Error('some subscribers never received the update');
    waiters = [];
    for (const a of arrivals) latencies.push(a.get(requestId)! - sent);
  }
  await Promise.all(clients.map((c) => c.dispose()));
  return latencies.sort((a, b) => a - b);
}

interface Figures {
  perSec1: number;
  perSec4: number;
  perSec1Http: number;
  perSecHttp2: number;
  fanoutP50Ms: number;
  fanoutP99Ms: number;
  /** µs of node's CPU a booking through the domain API, 1 process: what a booking costs the service itself, whatever else runs on the machine. */
  cpuUsPerBooking: number;
  /** µs of CPU a booking through two server processes over HTTP: every process on the machine, and the servers' share. */
  machineCpuUsHttp2: number;
  serverCpuUsHttp2: number;
  /** PostgreSQL's processes' share of it, when the server runs on this machine. */
  postgresCpuUsHttp2?: number;
  /** The share of the machine's cores busy meanwhile (near 1: the rate is bound by CPU). */
  busyHttp2: number;
  /** PostgreSQL: statements (each a round trip) per booking through the domain API, and one round trip's cost. */
  roundTripsPerBooking?: number;
  roundTripUs?: number;
  roundTripCpuUs?: number;
}

/** Every measurement on this process's database (DIALECT); each step's figure printed as it comes. */
async function measure(): Promise<Figures> {
  const on = DIALECT === 'pg' ? 'PostgreSQL' : 'SQLite';
  const { perSec: perSec1, roundTrips, cpuUs } = await domainBookingsPerSecond(1, await offersToAccept(BOOKINGS_PER_RUN));
  console.log(`${on}: bookings/s, domain API, 1 process (${BOOKINGS_PER_RUN} accepts, ${CONCURRENCY} in flight): ${Math.round(perSec1)}, ${Math.round(cpuUs)} µs of node's CPU a booking`);
  const roundTrip = DIALECT === 'pg' ? await roundTripCost() : null;
  if (roundTrip) console.log(`${on}: ${roundTrips.toFixed(1)} round trips a booking (domain API); one round trip ${roundTrip.wallUs} µs, ${roundTrip.cpuUs} µs of node's CPU`);
  const { perSec: perSec4 } = await domainBookingsPerSecond(4, await offersToAccept(BOOKINGS_PER_RUN));
  console.log(`${on}: bookings/s, domain API, 4 processes on one database (${BOOKINGS_PER_RUN} accepts in all): ${Math.round(perSec4)}`);
  const [a, b] = await Promise.all([startServer(), startServer()]);
  const http1 = await httpBookingsPerSecond([a], await offersToAccept(HTTP_BOOKINGS));
  const perSec1Http = http1.perSec;
  console.log(`${on}: bookings/s, offerAccept over HTTP, 1 server process (${HTTP_BOOKINGS} accepts, ${CONCURRENCY} in flight): ${Math.round(perSec1Http)}; the client ${Math.round(http1.clientCpuUs)} µs of CPU a booking`);
  const http2 = await httpBookingsPerSecond([a, b], await offersToAccept(HTTP_BOOKINGS));
  const perSecHttp2 = http2.perSec;
  console.log(`${on}: bookings/s, offerAccept over HTTP, 2 server processes (${HTTP_BOOKINGS} accepts, ${CONCURRENCY} in flight in all): ${Math.round(perSecHttp2)}; the client ${Math.round(http2.clientCpuUs)} µs of CPU a booking`);
  const { machineCpuUs, serverCpuUs, clientCpuUs, postgresCpuUs } = http2;
  const restUs = machineCpuUs - serverCpuUs - clientCpuUs - (postgresCpuUs ?? 0);
  console.log(
    `${on}: CPU a booking through 2 server processes, every process on this machine: ${Math.round(machineCpuUs)} µs (servers ${Math.round(serverCpuUs)}, client ${Math.round(clientCpuUs)}, ` +
      `${postgresCpuUs === null ? '' : `PostgreSQL ${Math.round(postgresCpuUs)}, `}the rest ${Math.round(restUs)}: anything else running); ${Math.round(http2.machineBusy * 100)} % of ${cpus().length} cores busy, ` +
      `so 1,000 bookings/s at this cost needs ${(machineCpuUs / 1000).toFixed(1)} cores` +
      (postgresCpuUs === null ? '' : `; PostgreSQL's share alone caps ${cpus().length} cores at ${Math.round((cpus().length * 1e6) / postgresCpuUs)} bookings/s, were the service free`),
  );
  // Publications cross processes on PostgreSQL only (LISTEN/NOTIFY); SQLite's stay in the process that booked.
  const latencies = await fanOut(a, DIALECT === 'pg' ? b : a);
  const figures = {
    perSec1: Math.round(perSec1),
    perSec4: Math.round(perSec4),
    perSec1Http: Math.round(perSec1Http),
    perSecHttp2: Math.round(perSecHttp2),
    fanoutP50Ms: Number(quantile(latencies, 0.5).toFixed(1)),
    fanoutP99Ms: Number(quantile(latencies, 0.99).toFixed(1)),
    cpuUsPerBooking: Math.round(cpuUs),
    machineCpuUsHttp2: Math.round(http2.machineCpuUs),
    serverCpuUsHttp2: Math.round(http2.serverCpuUs),
    busyHttp2: Number(http2.machineBusy.toFixed(2)),
    ...(postgresCpuUs !== null && { postgresCpuUsHttp2: Math.round(postgresCpuUs) }),
    ...(roundTrip && { roundTripsPerBooking: Number(roundTrips.toFixed(1)), roundTripUs: roundTrip.wallUs, roundTripCpuUs: roundTrip.cpuUs }),
  };
  console.log(`${on}: fan-out to ${SUBSCRIBERS} subscribers (${FANOUT_BOOKINGS} bookings${DIALECT === 'pg' ? ', accepted through the other instance' : ''}): p50 ${figures.fanoutP50Ms} ms, p99 ${figures.fanoutP99Ms} ms`);
  return figures;
}

/** The --pg half: this script again, as a child with DATABASE_URL on a durable throwaway cluster; its figures. */
async function measureOnPostgres(): Promise<Figures> {
  const cluster = await startCluster({ durable: true });
  try {
    const child = spawn('node_modules/.bin/tsx', ['scripts/bench-book.ts', 'pg'], { env: onOwnDatabase(cluster.url), stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => {
      output += d;
      process.stdout.write(d);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the PostgreSQL bench exited with ${code}`);
    return JSON.parse(output.trim().split('\n').at(-1)!) as Figures;
  } finally {
    cluster.stop();
  }
}

try {
  if (process.argv[2] === 'pg') {
    console.log(JSON.stringify(await measure()));
  } else {
    const sqlite = await measure();
    for (const child of children.splice(0)) child.kill('SIGTERM');
    const pg = flags.pg ? await measureOnPostgres() : null;
    const rows: [string, keyof Figures][] = [
      ['bookings/s, domain API, 1 process', 'perSec1'],
      ['bookings/s, domain API, 4 processes', 'perSec4'],
      ['bookings/s, HTTP, 1 server process', 'perSec1Http'],
      ['bookings/s, HTTP, 2 server processes', 'perSecHttp2'],
      ['fan-out p50 ms (PostgreSQL: across instances)', 'fanoutP50Ms'],
      ['fan-out p99 ms (PostgreSQL: across instances)', 'fanoutP99Ms'],
      ['µs of node CPU a booking (domain API, 1 process)', 'cpuUsPerBooking'],
      ['µs of CPU a booking, HTTP through 2, every process on the machine', 'machineCpuUsHttp2'],
      ['µs of CPU a booking, HTTP through 2, the server processes', 'serverCpuUsHttp2'],
      ["µs of CPU a booking, HTTP through 2, PostgreSQL's processes", 'postgresCpuUsHttp2'],
      ['share of the cores busy, HTTP through 2', 'busyHttp2'],
      ['round trips to the database a booking (domain API)', 'roundTripsPerBooking'],
      ['one round trip, µs', 'roundTripUs'],
      ['one round trip, µs of node CPU', 'roundTripCpuUs'],
    ];
    console.log(`\n| measure | SQLite |${pg ? ' PostgreSQL |' : ''}\n| --- | --- |${pg ? ' --- |' : ''}`);
    for (const [label, key] of rows) console.log(`| ${label} | ${sqlite[key] ?? '—'} |${pg ? ` ${pg[key] ?? '—'} |` : ''}`);
    const { perSec1, perSec4, fanoutP50Ms, fanoutP99Ms, perSec1Http, perSecHttp2, cpuUsPerBooking, machineCpuUsHttp2, serverCpuUsHttp2, busyHttp2 } = sqlite;
    console.log(JSON.stringify({ bench: 'book', perSec1, perSec4, fanoutP50Ms, fanoutP99Ms, perSec1Http, perSecHttp2, cpuUsPerBooking, machineCpuUsHttp2, serverCpuUsHttp2, busyHttp2, ...(pg && { pg }) }));
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
}
