/**
 * npm run bench:http
 * The serving path against Apollo's own floor, in one run on one machine: starts the service (`src/main.ts`,
 * NODE_ENV=production, rate limits raised, LOG_LEVEL info so every request writes its log line, to a file)
 * over a seeded database, and a bare Apollo Server of the same version answering `{ hello }`, each as its own
 * process on a free port of 127.0.0.1, so that autocannon (here) shares neither's event loop. Drives each
 * operation with CONNECTIONS connections for SECONDS seconds after a short warm-up, checks every response
 * cheaply and a sample in full (no errors, expected rows), and prints requests/s, p50 and p99; then one JSON
 * line whose ratios are each operation's requests/s over bare `{ hello }`'s (measured first and last, averaged).
 * BENCH_HTTP_SECONDS changes the duration; BENCH_HTTP_PROFILE=<dir> runs the service under `--cpu-prof`;
 * BENCH_HTTP_LOG_LEVEL=warn runs it without request lines (to price them); BENCH_HTTP_ONLY=<text> times only the operations whose name contains it (no JSON line then), e.g. to profile one.
 * With --pg, the same on PostgreSQL: this script again as a child with DATABASE_URL on a durable throwaway cluster (the
 * dialect is fixed per process), its JSON line marked "database":"pg".
 */
import { onOwnDatabase } from './own-database';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { and, asc, eq } from 'drizzle-orm';
import { closeDatabase, connectDatabase } from '../db/client';
import { DIALECT } from '../db/dialect';
import { startCluster } from './pg-cluster';
import { complexes, vehicles } from '../db/schema';
import type { Context } from '../src/context';
import { createShipmentRequest } from '../src/demand/create-shipment-request';
import { DEFAULT_SEED, seedDemo, type DemoKey } from './demo/seed-demo';
import { seedDemoHistory } from './demo/seed-demo-history';
import { parseEnv } from '../src/env';
import { toGlobalId } from '../src/global-id';
import { createLogger } from '../src/logger';
import { seededRandom } from '../src/routing/random';
import { createInProcessPubSub } from '../src/pubsub';
import { parseFlags } from './cli';

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const TIMEOUT_SECONDS = 30;
/** The service's default; BENCH_HTTP_LOG_LEVEL=warn measures what the per-request log line costs. */
const LOG_LEVEL = process.env.BENCH_HTTP_LOG_LEVEL ?? 'info';
const CONNECTIONS = 32;
/** Requests added to Banwol-Sihwa so that the operator's list has many pages and the board many loads. */
const EXTRA_REQUESTS = 3_000;
const PAGE = 20;
/** Every SAMPLE_EVERY-th response is parsed and checked in full; the rest only for an error-free data body. */
const SAMPLE_EVERY = 50;
const COMPLEX = { code: 'BANWOL_SIHWA', lat: 37.325, lng: 126.75 };
const BOARD_NEAR = { lat: 37.33, lng: 126.76, radiusKm: 3 };
const DAY = 86_400_000;

// --pg is its one flag (`bare` names the process it starts itself): a misspelt one is refused, not ignored.
const flags = parseFlags({ options: { pg: { type: 'boolean' } }, allowPositionals: true }).values;
if (process.argv[2] === 'bare') await bareApollo();
if (flags.pg && DIALECT !== 'pg') await onPostgres();

/** --pg: runs this bench again in a child on a durable throwaway cluster, its output passed through, and exits with its code. */
async function onPostgres(): Promise<never> {
  const cluster = await startCluster({ durable: true });
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-http.ts'], { env: onOwnDatabase(cluster.url), stdio: 'inherit' });
    process.exitCode = (await new Promise<number | null>((resolve) => child.once('exit', resolve))) ?? 1;
  } finally {
    cluster.stop();
  }
  process.exit();
}

/** Apollo Server alone, as its documentation starts it: the floor any GraphQL service over HTTP stands on. */
async function bareApollo(): Promise<never> {
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  const server = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
  await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
  return new Promise<never>(() => {});
}

interface Operation {
  name: string;
  url: () => string;
  /** The process serving it, for its CPU time. */
  pid: () => number;
  key: DemoKey | null;
  query: string;
  variables?: (connection: number) => Record<string, unknown>;
  /** Full check of one parsed response; returns what is wrong, or null. */
  check: (data: Record<string, unknown>) => string | null;
}

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  timeouts: number;
  /** CPU time the serving process spent per request (user + system), µs: robust to other load on the machine. */
  cpuUs: number;
  /** Of which in the kernel (system): mostly writing responses to the socket and reading requests. */
  sysUs: number;
}

/** CPU time of a process so far, ms, user and system (Linux /proc; NaN elsewhere). */
function cpuMs(pid: number): { user: number; system: number } {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { user: (Number(fields[11]) * 1000) / CLOCK_TICKS, system: (Number(fields[12]) * 1000) / CLOCK_TICKS };
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}
const CLOCK_TICKS = 100;


/** The demo data start-up loads, plus EXTRA_REQUESTS requests of the demo manufacturer, all through the domain verbs. */
async function seedDatabase(dbPath: string): Promise<{ demoKeys: DemoKey[]; vehicleIds: number[] }> {
  const db = await connectDatabase({ DATABASE_PATH: dbPath, DATABASE_URL: process.env.DATABASE_URL });
  if (DIALECT === 'sqlite') db.$client.pragma('synchronous = OFF'); // this connection only: seeding need not survive a crash
  const env = parseEnv({ NODE_ENV: 'production' });
  const base = { db, pubsub: createInProcessPubSub(), logger: createLogger('silent'), env, now: () => new Date() };
  const { demoKeys } = await seedDemo({ ctx: { db }, input: DEFAULT_SEED });
  await seedDemoHistory({ ctx: base, input: DEFAULT_SEED });
  const keyOf = (role: DemoKey['role']) => demoKeys.find((k) => k.role === role && k.complexCode === COMPLEX.code)!;
  const complexId = (await db.select({ id: complexes.id }).from(complexes).where(eq(complexes.code, COMPLEX.code)).get())!.id;
  const manufacturer = keyOf('MANUFACTURER');
  const ctx: Context = { ...base, viewer: { organisationId: manufacturer.organisationId, role: 'MANUFACTURER', complexId, apiKeyId: null } };
  const rand = seededRandom(42); // the same database every run
  const cities = [
    { lat: 35.1798, lng: 129.075 },
    { lat: 36.3504, lng: 127.3845 },
    { lat: 35.8714, lng: 128.6014 },
    { lat: 37.5665, lng: 126.978 },
  ];
  const now = Date.now();
  for (let i = 0; i < EXTRA_REQUESTS; i++) {
    // Origins over the complex's 5 km radius; pickups over the next two weeks.
    const r = 5 * Math.sqrt(rand());
    const angle = 2 * Math.PI * rand();
    const origin = { lat: COMPLEX.lat + (r / 111) * Math.sin(angle), lng: COMPLEX.lng + (r / 88.6) * Math.cos(angle) };
    const from = now + DAY + Math.floor(rand() * 14 * DAY);
    const pallets = 1 + Math.floor(rand() * 8);
    await createShipmentRequest({
      ctx,
      input: {
        idempotencyKey: `bench-http-${i}`,
        origin,
        destination: cities[i % cities.length]!,
        weightKg: pallets * 400,
        pallets,
        cargoClass: 'GENERAL',
        loadingAtOrigin: 'FORKLIFT',
        loadingAtDestination: 'FORKLIFT',
        pickupWindow: { from: new Date(from), until: new Date(from + 4 * 3_600_000) },
        deliverBy: new Date(from + 2 * DAY),
      },
    });
  }
  const carrier = keyOf('CARRIER');
  const vehicleIds = (await db
    .select({ id: vehicles.id })
    .from(vehicles)
    .where(and(eq(vehicles.carrierOrgId, carrier.organisationId), eq(vehicles.status, 'ACTIVE')))
    .orderBy(asc(vehicles.id))
    .all())
    .map((v) => v.id);
  await closeDatabase(db);
  return { demoKeys, vehicleIds };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];

/** Starts `args` under node (with tsx) on a free port and waits until `ready` answers 200. */
async function startProcess(args: string[], env: Record<string, string>, stdout: number | 'ignore', readyPath: string, init?: RequestInit): Promise<{ url: string; pid: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', stdout, 'inherit'] });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}${readyPath}`, init)).ok) return { url, pid: child.pid! };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${args.join(' ')} did not start`);
}

function bodyOf(op: Operation, connection: number): string {
  return JSON.stringify({ query: op.query, variables: op.variables?.(connection) });
}

function headersOf(op: Operation): Record<string, string> {
  return { 'content-type': 'application/json', ...(op.key ? { authorization: `Bearer ${op.key.apiKey}` } : {}) };
}

/** What is wrong with one response body, or null: parsed and checked in full when `full`. */
function verify(op: Operation, body: string, full: boolean): string | null {
  if (!full) return body.startsWith('{"data":{') && !body.includes('"errors"') ? null : `unexpected body ${body.slice(0, 300)}`;
  const parsed = JSON.parse(body) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (parsed.errors || !parsed.data) return `errors: ${JSON.stringify(parsed.errors).slice(0, 300)}`;
  return op.check(parsed.data);
}

async function run(op: Operation, seconds: number): Promise<Measured> {
  let connections = 0;
  let responses = 0;
  const failures: string[] = [];
  const cpuBefore = cpuMs(op.pid());
  const result = await autocannon({
    url: `${op.url()}/graphql`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    timeout: TIMEOUT_SECONDS,
    headers: headersOf(op),
    body: bodyOf(op, 0),
    // Each connection its own variables (e.g. its own vehicle), fixed for the run.
    setupClient: (client) => {
      client.setBody(bodyOf(op, connections++));
    },
    verifyBody: (body) => {
      const problem = verify(op, String(body), responses++ % SAMPLE_EVERY === 0);
      if (problem && failures.length < 3) failures.push(problem);
      return problem === null;
    },
  });
  const cpuAfter = cpuMs(op.pid());
  const system = cpuAfter.system - cpuBefore.system;
  const cpu = cpuAfter.user - cpuBefore.user + system;
  // A request still unanswered after TIMEOUT_SECONDS (a machine shared with other work) is reported, not wrong.
  const wrong = result.non2xx + (result.errors - result.timeouts) + result.mismatches;
  if (wrong > 0 || failures.length > 0) {
    throw new Error(`${op.name}: ${result.non2xx} non-2xx, ${result.errors - result.timeouts} connection errors, ${result.mismatches} wrong bodies; ${failures.join('; ')}`);
  }
  return { name: op.name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, timeouts: result.timeouts, cpuUs: (cpu * 1000) / result.requests.total, sysUs: (system * 1000) / result.requests.total };
}

/** One request by fetch, checked in full: the operation is right before it is timed. */
async function checkOnce(op: Operation): Promise<void> {
  const response = await fetch(`${op.url()}/graphql`, { method: 'POST', headers: headersOf(op), body: bodyOf(op, 0) });
  const problem = response.ok ? verify(op, await response.text(), true) : `HTTP ${response.status}: ${await response.text()}`;
  if (problem) throw new Error(`${op.name}: ${problem}`);
}

type Edges = { edges: { node: Record<string, unknown>; distanceKm?: number }[]; pageInfo?: { hasNextPage: boolean } };

const dir = mkdtempSync(join(tmpdir(), 'sandan-bench-http-'));
const dbPath = join(dir, 'bench.db');
const logPath = join(dir, 'service.log');
try {
  const seedStarted = performance.now();
  const { demoKeys, vehicleIds } = await seedDatabase(dbPath);
  console.log(`${DIALECT === 'pg' ? 'PostgreSQL' : 'SQLite'}: seeded demo data + ${EXTRA_REQUESTS} requests in ${COMPLEX.code} in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  const keyOf = (role: DemoKey['role']) => demoKeys.find((k) => k.role === role && k.complexCode === COMPLEX.code)!;
  const profile = process.env.BENCH_HTTP_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HTTP_PROFILE}`] : [];
  const raised = '1000000000';
  const [service, bare] = await Promise.all([
    startProcess(
      [...profile, 'scripts/start.mjs'], // as `npm start` runs it: compiled
      { NODE_ENV: 'production', HOST: '127.0.0.1', DATABASE_PATH: dbPath, SEED_ON_EMPTY: 'false', MATCHING_INTERVAL_SECONDS: '0', LOG_LEVEL: LOG_LEVEL, RATE_LIMIT_PER_KEY: raised, RATE_LIMIT_PER_ADDRESS: raised },
      openSync(logPath, 'a'),
      '/readyz',
    ),
    startProcess(['--import', 'tsx', 'scripts/bench-http.ts', 'bare'], { NODE_ENV: 'production' }, 'ignore', '/graphql?query=%7Bhello%7D', { headers: { 'apollo-require-preflight': 'true' } }),
  ]);

  const hello: Operation = { name: '{ hello } (bare Apollo)', url: () => bare.url, pid: () => bare.pid, key: null, query: '{ hello }', check: (d) => (d.hello === 'world' ? null : `hello: ${String(d.hello)}`) };
  const operations: Operation[] = [
    {
      name: 'public complexes(first: 7)',
      url: () => service.url,
      pid: () => service.pid,
      key: null,
      query: '{ complexes(first: 7) { edges { node { code nameKo } } } }',
      check: (d) => {
        const { edges } = d.complexes as Edges;
        return edges.length === 7 && edges.every((e) => typeof e.node.code === 'string' && typeof e.node.nameKo === 'string') ? null : `complexes: ${edges.length} edges`;
      },
    },
    {
      name: `operator shipmentRequests(first: ${PAGE})`,
      url: () => service.url,
      pid: () => service.pid,
      key: keyOf('OPERATOR'),
      query: `{ shipmentRequests(first: ${PAGE}) { pageInfo { hasNextPage endCursor } edges { cursor node { id status cargoClass weightKg pallets pickupWindow { from until } deliverBy origin { h3Cell } } } } }`,
      check: (d) => {
        const page = d.shipmentRequests as Edges;
        return page.edges.length === PAGE && page.pageInfo!.hasNextPage && page.edges.every((e) => e.node.status === 'OPEN') ? null : `shipmentRequests: ${page.edges.length} edges`;
      },
    },
    {
      name: `carrier openLoadBoard near ${BOARD_NEAR.radiusKm} km`,
      url: () => service.url,
      pid: () => service.pid,
      key: keyOf('CARRIER'),
      query: `query ($near: NearInput!) { openLoadBoard(complexCode: "${COMPLEX.code}", filter: { near: $near }, first: ${PAGE}) { edges { distanceKm node { id originArea { cell } weightKg pallets pickupWindow { from until } } } } }`,
      variables: () => ({ near: BOARD_NEAR }),
      check: (d) => {
        const { edges } = d.openLoadBoard as Edges;
        const ordered = edges.every((e, i) => e.distanceKm! <= BOARD_NEAR.radiusKm && (i === 0 || e.distanceKm! >= edges[i - 1]!.distanceKm!));
        return edges.length === PAGE && ordered ? null : `openLoadBoard: ${edges.length} edges, ordered by distance within the radius: ${ordered}`;
      },
    },
    {
      // A page of bookings with what a carrier's or operator's screen shows of each: the fields read per row.
      name: `operator bookings(first: ${PAGE}) with shipment, route, sides, tracking`,
      url: () => service.url,
      pid: () => service.pid,
      key: keyOf('OPERATOR'),
      query: `{ bookings(first: ${PAGE}) { edges { node { id status priceKrw handlingKrw vehiclePlate shipment { origin { h3Cell } destination { h3Cell } pickupWindow { from } } shipper { name contactPhone } supplier { name contactPhone } route { id priceKrw sharedBy stops { seq action arriveAt } } trackingEvents { kind occurredAt } } } } }`,
      check: (d) => {
        const { edges } = d.bookings as Edges;
        const complete = edges.every((e) => (e.node.shipper as { name?: string }).name && Array.isArray(e.node.trackingEvents) && (e.node.route === null || (e.node.route as { stops: unknown[] }).stops.length >= 2));
        return edges.length > 0 && edges.some((e) => e.node.route !== null) && complete ? null : `bookings: ${edges.length} edges, complete: ${complete}`;
      },
    },
    {
      name: 'carrier vehicleLocationUpdate',
      url: () => service.url,
      pid: () => service.pid,
      key: keyOf('CARRIER'),
      query: 'mutation ($input: VehicleLocationUpdateInput!) { vehicleLocationUpdate(input: $input) { location { vehicleId location { lat lng } h3Cell } } }',
      // Connection i reports vehicle i (mod the fleet) a little east of the centroid.
      variables: (i) => ({ input: { vehicleId: toGlobalId('Vehicle', vehicleIds[i % vehicleIds.length]!), location: { lat: COMPLEX.lat, lng: COMPLEX.lng + 0.001 * (i % 50) } } }),
      check: (d) => {
        const { location } = (d.vehicleLocationUpdate as { location: { vehicleId: string; h3Cell: string } });
        return vehicleIds.some((id) => toGlobalId('Vehicle', id) === location.vehicleId) && location.h3Cell.length === 15 ? null : `vehicleLocationUpdate: ${JSON.stringify(location)}`;
      },
    },
  ];

  for (const op of [hello, ...operations]) await checkOnce(op);
  const only = process.env.BENCH_HTTP_ONLY;
  const measured: Measured[] = [];
  const measure = async (op: Operation) => {
    await run(op, WARMUP_SECONDS);
    const m = await run(op, SECONDS);
    console.log(`  ${m.name}: ${Math.round(m.rps)}/s`);
    return m;
  };
  const helloFirst = await measure(hello);
  for (const op of operations) if (!only || op.name.includes(only)) measured.push(await measure(op));
  const helloLast = await measure(hello);
  const helloRps = (helloFirst.rps + helloLast.rps) / 2;

  // The log line of every request is still written, and without the caller's key.
  const log = readFileSync(logPath, 'utf8');
  const requestLines = log.split('\n').filter((l) => l.includes('"responseTime"')).length;
  const served = measured.reduce((n, m) => n + m.requests, 0);
  if (LOG_LEVEL === 'info' && requestLines < served) throw new Error(`only ${requestLines} request log lines for ${served} timed requests`);
  if (demoKeys.some((k) => log.includes(k.apiKey))) throw new Error('an API key appeared in the log');

  const rows = [helloFirst, ...measured, helloLast].map((m) => ({
    operation: m.name,
    'req/s': Math.round(m.rps),
    'p50 ms': m.p50,
    'p99 ms': m.p99,
    'CPU µs/req': Math.round(m.cpuUs),
    'of which kernel': Math.round(m.sysUs),
    timeouts: m.timeouts,
    'vs hello': m === helloFirst || m === helloLast ? '' : (m.rps / helloRps).toFixed(3),
  }));
  console.log(`\n${CONNECTIONS} connections, ${SECONDS} s each after ${WARMUP_SECONDS} s warm-up; service logs at ${LOG_LEVEL} (${requestLines} request lines written)`);
  console.table(rows);
  const ratio = (i: number) => Number((measured[i]!.rps / helloRps).toFixed(3));
  if (measured.length === operations.length) console.log(JSON.stringify({ bench: 'http', ...(DIALECT === 'pg' && { database: 'pg' }), helloRps: Math.round(helloRps), publicRatio: ratio(0), listRatio: ratio(1), boardRatio: ratio(2), bookingsRatio: ratio(3), locationRatio: ratio(4) }));
} finally {
  await Promise.all(
    children.map((child) =>
      child.exitCode !== null ? undefined : new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}
