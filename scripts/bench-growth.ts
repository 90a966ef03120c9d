/**
 * npm run bench:growth -- [--weeks 1,13,52,156] [--runs 15] [--sizes | --pg]
 *
 * Is every read and round as fast at three years of history as at one week? Builds grown databases the way the
 * service would have written them: one simulated week of Banwol-Sihwa played through the real service
 * (scripts/simulation, as `npm run simulate`), then replicated per complex and week with new ids and dates shifted by
 * whole weeks, through plain SQL inserts into the migrated schema with foreign keys and triggers on. Organisations,
 * vehicles and their availability are copied once per complex (a stable fleet whose bookings and reservations pile
 * up), every other row once per complex and week; an earlier week's listing windows end with that week and the stays
 * booked on them (so that the listings on offer now are one week's, as in a real complex, not eight copies' 60-day
 * windows); idempotency keys only within IDEMPOTENCY_RETENTION_DAYS of now, as
 * retention keeps them (see simulatedTime); retention runs after each week's copies as of that week's end, as the
 * service would have run it all along, so later weeks' rows reuse the pages it frees. Grown databases
 * are cached in the temp folder, keyed by a hash of the migrations and of the code that copies.
 *
 * On a copy of each, the bench adds fresh shifts for Banwol-Sihwa's fleet and 5,000 open requests (through the
 * domain verb), starts the real compiled service on each (scripts/start.mjs, as `npm start`, all at once) and times
 * over HTTP, one request at a time, each run of an operation on every database in turn (so that the machine's load
 * weighs on all alike): the operator's and a manufacturer's request lists (first and a deep page), the load board
 * with `near`, complexInsights over 7, 30 and 366 days, both heatmaps, the dashboard's recent activity (50 lines), a
 * node lookup, an idle round (Changwon,
 * nothing open) and a round with the 5,000 open requests (its offers removed again after each run). Prints median
 * (p95) ms per operation and week count, the live size of each database, and one JSON line. With --sizes, only
 * the grown databases' MB per year (by table, and the JSON line's mbPerYear), no service and no timing: sizes are
 * the same run after run, timings need a quiet machine and most of an hour.
 *
 * With --pg, the same timings on PostgreSQL instead: the grown SQLite files (built or taken from the cache as above),
 * then this script again as a child on a throwaway durable cluster (scripts/pg-cluster.ts; the dialect is fixed per
 * process by DATABASE_URL), which loads each file into a freshly migrated database of its own (scripts/sqlite-to-pg.ts:
 * every row as it is, triggers off for the load, then ANALYZE), adds the same shifts and open requests through the
 * same domain verb (and analyses again), and starts the compiled service on each with DATABASE_URL. Nothing is cached
 * on PostgreSQL: the cluster goes with the run. The size printed is each database's as loaded (pg_database_size), and
 * mbPerYear their difference.
 */
import { onOwnDatabase } from './own-database';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { closeDatabase, connectDatabase, MIGRATIONS_FOLDER, migrateDatabase, openDatabase, pgPoolOf, type Db } from '../db/client';
import { DIALECT } from '../db/dialect';
import * as schema from '../db/schema';
import * as sqliteTables from '../db/schema/tables';
import { createApiKey } from '../src/auth/create-api-key';
import { SYSTEM_ADMIN } from '../src/auth/viewer';
import { loadComplexes } from '../src/complexes/complex-record';
import { loadProgramme } from '../src/complexes/load-programme';
import { PROGRAMME_COMPLEXES } from '../src/complexes/programme';
import type { Context } from '../src/context';
import { createShipmentRequest } from '../src/demand/create-shipment-request';
import { parseEnv } from '../src/env';
import { rollUpClosedDays } from '../src/insights/scheduler';
import { runRetention } from '../src/retention/scheduler';
import { toGlobalId } from '../src/global-id';
import { createLogger } from '../src/logger';
import { cursorTag, encodeCursor } from '../src/pagination';
import { createInProcessPubSub } from '../src/pubsub';
import { seededRandom } from '../src/routing/random';
import { seoulDay } from '../src/supply/listings/seoul-day';
import { checkFlags, fail, numberFlag, parseFlags, WHOLE } from './cli';
import { startCluster } from './pg-cluster';
import { loadSqliteIntoPg } from './sqlite-to-pg';
import { runSimulation } from './simulation/run-simulation';

const Args = z.object({
  weeks: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be week counts separated by commas, e.g. 1,13,52,156')
    .transform((s) => [...new Set(s.split(',').map(Number))].sort((a, b) => a - b))
    .refine((w) => w.every((n) => n >= 1 && n <= 520), 'each must be from 1 to 520'),
  runs: numberFlag(WHOLE, (n) => n >= 3 && n <= 1000, 'must be a whole number from 3 to 1000'),
  sizes: z.boolean(),
  pg: z.boolean(),
});
const args = checkFlags(Args, parseFlags({ options: { weeks: { type: 'string', default: '1,13,52,156' }, runs: { type: 'string', default: '15' }, sizes: { type: 'boolean', default: false }, pg: { type: 'boolean', default: false } } }).values);
if (args.pg && args.sizes) fail('--pg: times the service on PostgreSQL; --sizes measures the SQLite files, without it');

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const TEMPLATE_COMPLEX = 'BANWOL_SIHWA';
const IDLE_COMPLEX = 'CHANGWON';
const OPEN_REQUESTS = 5_000;
const SEED = 42;
const BOARD_NEAR = { lat: 37.33, lng: 126.76, radiusKm: 3 };
const env = parseEnv({});

const hash = (...texts: string[]) => createHash('sha256').update(texts.join('\n')).digest('hex').slice(0, 12);
const migrations = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(MIGRATIONS_FOLDER, f), 'utf8'));
/** The template depends on the schema; grown databases also on how this script copies it (grownDir, below). */
const cacheDir = join(tmpdir(), `sandan-bench-growth-${hash(...migrations)}`);

/** One simulated week of Banwol-Sihwa, every row written by the real service over HTTP. */
async function templatePath(): Promise<string> {
  const path = join(cacheDir, 'template.db');
  if (existsSync(path)) return path;
  const started = performance.now();
  const building = `${path}.building`;
  rmSync(building, { force: true });
  const result = await runSimulation({ complexCode: TEMPLATE_COMPLEX, days: 7, seed: SEED, scale: 1, keepDbPath: building });
  const db = openDatabase(building);
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
  renameSync(building, path);
  console.log(`template: one simulated week of ${TEMPLATE_COMPLEX}, ${result.counters.requests} requests, in ${seconds(started)} s`);
  return path;
}

type Scope = 'complex' | 'copy';
/** Written by migrations and loadProgramme, or not needed (keys are made for the bench's callers). */
const NOT_COPIED = new Set(['__drizzle_migrations', 'complexes', 'logistics_centres', 'api_keys', 'users', 'sqlite_sequence']);
/**
 * Copied once per complex, with the latest week: the stable fleet, and its availability, which a carrier can only
 * replace (updateVehicleAvailability), never pile up. The rest is copied per complex and week.
 */
const PER_COMPLEX = new Set(['organisations', 'vehicles', 'vehicle_availability']);
/** Unique text columns: each copy's value made distinct (`k` complex index, `c` copy index). */
const DISTINCT: Record<string, (column: string, k: number, c: number) => string> = {
  'organisations.business_registration_number': (col, k) => `char(${65 + k}) || substr(${col}, 2)`, // a letter: never a real number
  'vehicles.plate_number': (col, k) => `${col} || '#' || ${k}`,
  'pod_images.file_name': (col, _k, c) => `${col} || '#' || ${c}`,
  'idempotency_keys.key': (col, _k, c) => `${col} || '#' || ${c}`,
};

/** Timestamp columns (epoch ms) by table, from the SQLite schema (the --pg child too): the ones shifted with the copy's week. */
const TIMESTAMPS = new Map<string, Set<string>>();
for (const table of Object.values(sqliteTables)) {
  if (!table || typeof table !== 'object' || !(Symbol.for('drizzle:IsDrizzleTable') in table)) continue;
  const config = getTableConfig(table as SQLiteTable);
  TIMESTAMPS.set(config.name, new Set(config.columns.filter((c) => c.columnType === 'SQLiteTimestamp').map((c) => c.name)));
}
/** `YYYY-MM-DD` columns (Asia/Seoul days), shifted by whole days. */
const isDayColumn = (name: string) => /(^|_)day$/.test(name);

interface TableCopy {
  name: string;
  scope: Scope;
  columns: string[];
  fks: Map<string, string>;
  maxId: number;
}

/** Rows a trigger checks, not a foreign key: a DELIVERED event needs its proof of delivery (tracking_events_delivered_needs_proof). */
const AFTER: Record<string, string[]> = { tracking_events: ['proofs_of_delivery'] };

/** Tables in an order that inserts every referenced row first (AFTER included), else in creation order. */
function copyPlan(db: Db): TableCopy[] {
  const client = db.$client;
  const names = (client.prepare("select name from t.sqlite_master where type = 'table' order by rowid").all() as { name: string }[]).map((r) => r.name).filter((n) => !NOT_COPIED.has(n) && !n.startsWith('sqlite_'));
  const tables = names.map((name): TableCopy => {
    const columns = (client.prepare(`select name from pragma_table_info('${name}')`).all() as { name: string }[]).map((c) => c.name);
    const fks = new Map((client.prepare(`select "from", "table" from pragma_foreign_key_list('${name}')`).all() as { from: string; table: string }[]).map((f) => [f.from, f.table]));
    const maxId = columns.includes('id') ? ((client.prepare(`select coalesce(max(id), 0) as m from t."${name}"`).get() as { m: number }).m) : 0;
    return { name, scope: PER_COMPLEX.has(name) ? 'complex' : 'copy', columns, fks, maxId };
  });
  const ordered: TableCopy[] = [];
  while (ordered.length < tables.length) {
    const next = tables.find((t) => !ordered.includes(t) && [...t.fks.values(), ...(AFTER[t.name] ?? [])].every((ref) => ref === t.name || NOT_COPIED.has(ref) || ordered.some((o) => o.name === ref)));
    if (!next) throw new Error('foreign keys form a cycle');
    ordered.push(next);
  }
  return ordered;
}

/**
 * Bytes in use per table, its indexes counted with it (dbstat), of the database at `path`: where a year's growth
 * goes, so that size work starts from the tables that grow, not from guesses.
 */
function bytesByTable(path: string): Map<string, number> {
  const client = new Database(path, { readonly: true });
  const rows = client
    .prepare('select coalesce(m.tbl_name, s.name) as name, sum(s.pgsize) as bytes from dbstat s left join sqlite_master m on m.name = s.name group by 1')
    .all() as { name: string; bytes: number }[];
  client.close();
  return new Map(rows.map((r) => [r.name, r.bytes]));
}

/** Live bytes of a database: pages in use (a pruned database reuses its free pages before growing). */
function liveBytes(db: Db): number {
  const c = db.$client;
  return ((c.pragma('page_count', { simple: true }) as number) - (c.pragma('freelist_count', { simple: true }) as number)) * (c.pragma('page_size', { simple: true }) as number);
}

/**
 * A timestamp column's value in the simulated week, as SQL. Columns the service fills from the clock by default
 * (idempotency keys', proofs' and images' created_at) hold when the simulation ran, minutes of real time after its
 * simulated week: those are mapped linearly onto the simulated week (the simulation plays its days in order), so
 * that each copy's keys are as old as its week and retention keeps only the window's.
 */
function simulatedTime(client: Db['$client'], plan: TableCopy[], templateEnd: number): (table: string, column: string) => string {
  const templateStart = (client.prepare('select min(created_at) as m from t.shipment_requests').get() as { m: number }).m;
  const mapped = new Map<string, string>();
  for (const { name } of plan) {
    for (const col of TIMESTAMPS.get(name) ?? []) {
      const { lo, hi } = client.prepare(`select min("${col}") as lo, max("${col}") as hi from t."${name}"`).get() as { lo: number | null; hi: number | null };
      if (lo === null || hi === null || lo <= templateEnd + DAY) continue; // a clock column: all of it after the week
      const scale = hi > lo ? (templateEnd - templateStart) / (hi - lo) : 0;
      mapped.set(`${name}.${col}`, `(${templateStart} + cast(("${col}" - ${lo}) * ${scale} as integer))`);
    }
  }
  return (table, column) => mapped.get(`${table}.${column}`) ?? `"${column}"`;
}

interface Grown {
  path: string;
  weeks: number;
  bytes: number;
}

/** `weeks` weeks of all seven complexes, the latest ending before now. */
async function grownPath(weeks: number, template: string): Promise<Grown> {
  const path = join(grownDir, `grown-${weeks}.db`);
  if (existsSync(path)) {
    const db = openDatabase(path);
    const bytes = liveBytes(db);
    db.$client.close();
    return { path, weeks, bytes };
  }
  const started = performance.now();
  const building = `${path}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  const db = openDatabase(building);
  db.$client.pragma('synchronous = OFF'); // a cache: rebuilt if lost
  migrateDatabase(db);
  await loadProgramme({ ctx: { db } });
  const client = db.$client;
  client.prepare('attach database ? as t').run(template);
  const complexIds = PROGRAMME_COMPLEXES.map((c) => (client.prepare('select id from main.complexes where code = ?').get(c.code) as { id: number }).id);
  const templateEnd = (client.prepare('select max(m) as m from (select max(recorded_at) as m from t.tracking_events union all select max(finished_at) from t.matching_rounds)').get() as { m: number }).m;
  // Whole weeks, so weekdays and Seoul days stay what they were; the latest copy ends before now.
  const latestShiftWeeks = Math.floor((Date.now() - templateEnd) / WEEK);
  const templateEndDay = seoulDay(new Date(templateEnd));
  const keysFrom = Date.now() - env.IDEMPOTENCY_RETENTION_DAYS * DAY;
  const plan = copyPlan(db);
  const simulated = simulatedTime(client, plan, templateEnd);
  const complexCount = complexIds.length;

  const copyTable = (table: TableCopy, k: number, w: number) => {
    const copy = w * complexCount + k; // ids grow with time, as the service assigns them
    const shiftWeeks = latestShiftWeeks - (weeks - 1 - w);
    const offsetOf = (ref: string) => {
      const target = plan.find((p) => p.name === ref)!;
      return target.maxId * (target.scope === 'complex' ? k : copy);
    };
    const expressions = table.columns.map((col) => {
      const distinct = DISTINCT[`${table.name}.${col}`];
      if (distinct) return distinct(`"${col}"`, k, copy);
      if (col === 'id' && table.maxId > 0) return `"id" + ${offsetOf(table.name)}`;
      const ref = table.fks.get(col);
      if (ref === 'complexes') return `case when "${col}" is null then null else ${complexIds[k]} end`;
      if (ref && NOT_COPIED.has(ref)) return `"${col}"`; // users: none in the template (checked below)
      if (ref) return `"${col}" + ${offsetOf(ref)}`;
      if (TIMESTAMPS.get(table.name)?.has(col)) return `${simulated(table.name, col)} + ${shiftWeeks * WEEK}`;
      if (table.name === 'route_plans' && col === 'stops') {
        // A plan's stops name their requests and instants inside its JSON (PlannedStopValues): shifted as columns are.
        const [ids, ms] = [offsetOf('shipment_requests'), shiftWeeks * WEEK];
        return `(select json_group_array(json_array(value ->> 0 + ${ids}, value ->> 1, value ->> 2, value ->> 3, value ->> 4 + ${ms}, value ->> 5 + ${ms}, value ->> 6 + ${ms}, value ->> 7, value ->> 8) order by key) from json_each("stops"))`;
      }
      const shiftDays = `'${shiftWeeks >= 0 ? '+' : ''}${shiftWeeks * 7} days'`;
      if (table.name === 'listing_availability' && col === 'to_day' && w < weeks - 1) {
        // An earlier copy's space stays listed through its week and the stays booked on it, not 60 days on: a
        // complex has one set of warehouses on offer now (the latest week's), not one per week of its history.
        const lastBooked = `(select max(r.day) from t.listing_reservations r where r.listing_id = "listing_availability"."listing_id")`;
        return `date(min("to_day", max('${templateEndDay}', coalesce(${lastBooked}, ''))), ${shiftDays})`;
      }
      if (isDayColumn(col)) return `date("${col}", ${shiftDays})`;
      return `"${col}"`;
    });
    const where = table.name === 'idempotency_keys' ? `where ${simulated(table.name, 'created_at')} + ${shiftWeeks * WEEK} >= ${keysFrom}` : '';
    const cols = table.columns.map((c) => `"${c}"`).join(', ');
    client.prepare(`insert into main."${table.name}" (${cols}) select ${expressions.join(', ')} from t."${table.name}" ${where}`).run();
  };

  for (const table of plan) {
    for (const [col, ref] of table.fks) {
      if (NOT_COPIED.has(ref) && ref !== 'complexes') {
        const used = (client.prepare(`select count(*) as n from t."${table.name}" where "${col}" is not null`).get() as { n: number }).n;
        if (used > 0) throw new Error(`${table.name}.${col} references ${ref}, which is not copied`);
      }
    }
  }
  // Per complex: its organisations and fleet, once.
  client.transaction(() => {
    for (let k = 0; k < complexCount; k++) for (const table of plan) if (table.scope === 'complex') copyTable(table, k, weeks - 1);
  })();
  let prunedRows = 0;
  const retain = async (now: number) => {
    const report = await runRetention({ db, env, now: () => new Date(now) });
    prunedRows += Object.values(report).reduce((sum, kind) => sum + kind.deleted, 0);
  };
  for (let w = 0; w < weeks; w++) {
    client.transaction(() => {
      for (let k = 0; k < complexCount; k++) for (const table of plan) if (table.scope === 'copy') copyTable(table, k, w);
    })();
    // Retention as the running service would have pruned by the end of that week: the pages it frees (route plans
    // nobody booked, empty rounds) take the next weeks' rows, as they would in the service's file.
    await retain(templateEnd + (latestShiftWeeks - (weeks - 1 - w)) * WEEK);
    if (w % 13 === 12) process.stdout.write(`  ${weeks} weeks: ${w + 1} copied (${seconds(started)} s)\n`);
  }
  client.prepare('detach database t').run();
  await retain(Date.now());
  client.pragma('optimize');
  client.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = liveBytes(db);
  client.close();
  renameSync(building, path);
  console.log(`built ${weeks} week${weeks > 1 ? 's' : ''} of seven complexes: ${mb(bytes)} MB (${prunedRows} rows pruned by retention) in ${seconds(started)} s`);
  return { path, weeks, bytes };
}

interface Caller {
  apiKey: string;
  organisationId: number;
}

interface Prepared {
  operator: Caller;
  idleOperator: Caller;
  manufacturer: Caller;
  carrier: Caller;
  operatorDeepAfter: number;
  manufacturerDeepAfter: number;
  oldestRequestId: number;
  openRequestIds: number[];
}

/**
 * The few statements the bench sends itself, alike on both: `?` parameters, the first column of the first row (a
 * number: PostgreSQL's counts come as text), on the bench's SQLite file or, on PostgreSQL, the database's own pool.
 */
interface Statements {
  value(text: string, ...params: unknown[]): Promise<number>;
  values(text: string, ...params: unknown[]): Promise<number[]>;
  run(text: string, ...params: unknown[]): Promise<void>;
}
function statementsOf(target: Db | pg.Pool | pg.Client): Statements {
  if (DIALECT === 'sqlite') {
    const client = (target as Db).$client;
    const values = async (text: string, ...params: unknown[]) => (client.prepare(text).raw().all(...params) as unknown[][]).map((r) => r[0] as number);
    return { values, value: async (text, ...params) => (await values(text, ...params))[0]!, run: async (text, ...params) => void client.prepare(text).run(...params) };
  }
  const client = target instanceof pg.Pool || target instanceof pg.Client ? target : pgPoolOf(target);
  const numbered = (text: string) => text.split('?').reduce((all, part, i) => (i === 0 ? part : `${all}$${i}${part}`));
  const values = async (text: string, ...params: unknown[]) => (await client.query({ text: numbered(text), values: params, rowMode: 'array' })).rows.map((r: unknown[]) => Number(r[0]));
  return { values, value: async (text, ...params) => (await values(text, ...params))[0]!, run: async (text, ...params) => void (await client.query(numbered(text), params)) };
}

/** A request id list as SQL: a JSON array's values on SQLite, an array parameter's on PostgreSQL. */
const idList = (ids: number[]): [string, unknown] => (DIALECT === 'sqlite' ? ['(select value from json_each(?))', JSON.stringify(ids)] : ['(select unnest(?::int[]))', ids]);

/**
 * On the bench's copy (a SQLite file, or on PostgreSQL the database at that URL): keys for its callers, fresh shifts
 * for Banwol-Sihwa's fleet, 5,000 open requests, and the insights roll-ups of every closed day, as a service running
 * all along would have written them day by day.
 */
async function prepare(target: string): Promise<Prepared> {
  const db = DIALECT === 'sqlite' ? openDatabase(target) : await connectDatabase({ DATABASE_PATH: '', DATABASE_URL: target });
  if (DIALECT === 'sqlite') db.$client.pragma('synchronous = OFF');
  else await loadComplexes(db); // read synchronously on SQLite; on PostgreSQL loaded first, as the service does
  const client = statementsOf(db);
  const base = { db, pubsub: createInProcessPubSub(), logger: createLogger('silent'), env, now: () => new Date() };
  const complexId = (code: string) => client.value('select id from complexes where code = ?', code);
  const home = await complexId(TEMPLATE_COMPLEX);
  const keyFor = async (organisationId: number): Promise<Caller> => ({ organisationId, apiKey: (await createApiKey({ ctx: { ...base, viewer: SYSTEM_ADMIN }, input: { organisationId, name: 'bench:growth' } })).secret });
  const orgOf = (complex: number, role: string) => client.value('select min(id) as id from organisations where complex_id = ? and role = ?', complex, role);
  const busiest = await client.value('select shipper_org_id as id from shipment_requests where complex_id = ? group by 1 order by count(*) desc, 1 limit 1', home);
  const medianId = async (where: string, value: number) => {
    const n = await client.value(`select count(*) as n from shipment_requests where ${where} = ?`, value);
    return client.value(`select id from shipment_requests where ${where} = ? order by id desc limit 1 offset ?`, value, Math.floor(n / 2));
  };
  const prepared = {
    operator: await keyFor(await orgOf(home, 'OPERATOR')),
    idleOperator: await keyFor(await orgOf(await complexId(IDLE_COMPLEX), 'OPERATOR')),
    manufacturer: await keyFor(busiest),
    carrier: await keyFor(await orgOf(home, 'CARRIER')),
    oldestRequestId: await client.value('select min(id) as id from shipment_requests where complex_id = ?', home),
  };
  const now = Date.now();
  // The fleet's shifts for the coming week, added to those it published before (as the template's were).
  await client.run("insert into vehicle_availability (vehicle_id, starts_at, ends_at) select id, ?, ? from vehicles where complex_id = ? and status = 'ACTIVE'", now, now + 7 * DAY, home);
  const ctx: Context = { ...base, viewer: { organisationId: busiest, role: 'MANUFACTURER', complexId: home, apiKeyId: null } };
  const centroid = PROGRAMME_COMPLEXES.find((c) => c.code === TEMPLATE_COMPLEX)!.centroid;
  const rand = seededRandom(SEED);
  const cities = [
    { lat: 35.1798, lng: 129.075 },
    { lat: 36.3504, lng: 127.3845 },
    { lat: 35.8714, lng: 128.6014 },
    { lat: 37.5665, lng: 126.978 },
  ];
  const openRequestIds: number[] = [];
  for (let i = 0; i < OPEN_REQUESTS; i++) {
    const r = 5 * Math.sqrt(rand());
    const angle = 2 * Math.PI * rand();
    const from = now + DAY + Math.floor(rand() * 5 * DAY);
    const pallets = 1 + Math.floor(rand() * 8);
    const created = await createShipmentRequest({
      ctx,
      input: {
        idempotencyKey: `bench-growth-${i}`,
        origin: { lat: centroid.lat + (r / 111) * Math.sin(angle), lng: centroid.lng + (r / 88.6) * Math.cos(angle) },
        destination: cities[i % cities.length]!,
        weightKg: pallets * 400,
        pallets,
        cargoClass: 'GENERAL',
        loadingAtOrigin: 'FORKLIFT',
        loadingAtDestination: 'FORKLIFT',
        pickupWindow: { from: new Date(from), until: new Date(from + 6 * 3_600_000) },
        deliverBy: new Date(from + 2 * DAY),
      },
    });
    openRequestIds.push(created.id);
  }
  await rollUpClosedDays(base);
  // The middle of each list, once the open requests are in it.
  const deep = { operatorDeepAfter: await medianId('complex_id', home), manufacturerDeepAfter: await medianId('shipper_org_id', busiest) };
  if (DIALECT === 'sqlite') db.$client.pragma('wal_checkpoint(TRUNCATE)');
  else await pgPoolOf(db).query('analyze'); // as autovacuum would, after the 5,000 requests and the roll-ups
  await closeDatabase(db);
  return { ...prepared, ...deep, openRequestIds };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The compiled service as `npm start` runs it, on `target` (a SQLite file, or on PostgreSQL a database's URL), ready. */
async function startService(target: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const raised = '1000000000';
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...(DIALECT === 'sqlite' ? { DATABASE_PATH: target } : { DATABASE_URL: target }), SEED_ON_EMPTY: 'false', MATCHING_INTERVAL_SECONDS: '0', RETENTION_INTERVAL_SECONDS: '0', LOG_LEVEL: 'warn', RATE_LIMIT_PER_KEY: raised, RATE_LIMIT_PER_ADDRESS: raised },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the service did not start');
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

interface Operation {
  name: string;
  caller: Caller;
  query: string;
  variables?: () => Record<string, unknown>;
  /** What is wrong with the answer's data, or null. */
  check: (data: any) => string | null;
  runs?: number;
  /** Restores what the operation changed, between runs (not timed). */
  reset?: () => Promise<void>;
}

function operations(p: Prepared, target: string): Operation[] {
  const page = (d: any, key: string) => (d[key].edges.length === 20 ? null : `${key}: ${d[key].edges.length} edges`);
  // A deep page starts at a cursor the list would have written for this caller, without a filter.
  const requestList = (caller: Caller, after?: number) => ({
    caller,
    query: 'query ($after: String) { shipmentRequests(first: 20, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id status weightKg pallets pickupWindow { from until } } } } }',
    variables: () => ({ after: after === undefined ? null : encodeCursor(cursorTag('shipmentRequests', caller.organisationId, undefined), after) }),
    check: (d: any) => page(d, 'shipmentRequests'),
  });
  const insights = (days: number): Operation => ({
    name: `complexInsights ${days} days`,
    caller: p.operator,
    query: `query ($from: DateTime!, $to: DateTime!) { complexInsights(complexCode: "${TEMPLATE_COMPLEX}", from: $from, to: $to) {
      requests { posted served expired waiting servedPct medianMinutesToBooking } transport { costKrw baselineCostKrw savingsPct emptyKmSharePct }
      storage { utilisationPct } days { day posted served costKrw } } }`,
    variables: () => {
      const to = Date.now();
      return { from: new Date(to - days * DAY).toISOString(), to: new Date(to).toISOString() };
    },
    check: (d) => (d.complexInsights.requests.posted >= OPEN_REQUESTS ? null : `complexInsights: ${d.complexInsights.requests.posted} posted`),
  });
  const heatmap = (layer: string): Operation => ({
    name: `heatmap ${layer}`,
    caller: p.operator,
    query: `{ heatmap(complexCode: "${TEMPLATE_COMPLEX}", layer: ${layer}) { cells { cell count pallets } } }`,
    check: (d) => (d.heatmap.cells.length > 0 ? null : 'heatmap: no cells'),
  });
  const round = (caller: Caller, code: string) => ({
    caller,
    query: `mutation { matchingRunStart(input: { complexCode: "${code}" }) { round { id status report { requestsConsidered offersWritten } } } }`,
  });
  return [
    { name: 'operator shipmentRequests page 1', ...requestList(p.operator) },
    { name: 'operator shipmentRequests deep page', ...requestList(p.operator, p.operatorDeepAfter) },
    { name: 'manufacturer shipmentRequests page 1', ...requestList(p.manufacturer) },
    { name: 'manufacturer shipmentRequests deep page', ...requestList(p.manufacturer, p.manufacturerDeepAfter) },
    {
      name: 'operator shipmentRequests OPEN',
      caller: p.operator,
      query: '{ shipmentRequests(first: 20, filter: { status: [OPEN] }) { totalCount edges { node { id status } } } }',
      check: (d) => page(d, 'shipmentRequests'),
    },
    // The operator's lists with their counts: by complex through an index in id order, not every complex's history.
    {
      name: 'operator offers with totalCount',
      caller: p.operator,
      query: '{ offers(first: 20) { totalCount edges { node { id status } } } }',
      check: (d) => (d.offers.totalCount > 0 ? null : 'offers: none'),
    },
    {
      name: 'operator bookings with totalCount',
      caller: p.operator,
      query: '{ bookings(first: 20) { totalCount edges { node { id status } } } }',
      check: (d) => (d.bookings.totalCount > 0 ? null : 'bookings: none'),
    },
    {
      name: 'operator matchingRounds page 1',
      caller: p.operator,
      query: `{ matchingRounds(complexCode: "${TEMPLATE_COMPLEX}", first: 20) { edges { node { id status } } } }`,
      check: (d) => (d.matchingRounds.edges.length > 0 ? null : 'matchingRounds: none'),
    },
    {
      name: 'openLoadBoard near 3 km',
      caller: p.carrier,
      query: `query ($near: NearInput!) { openLoadBoard(complexCode: "${TEMPLATE_COMPLEX}", filter: { near: $near }, first: 20) { edges { distanceKm node { id weightKg pallets } } } }`,
      variables: () => ({ near: BOARD_NEAR }),
      check: (d) => page(d, 'openLoadBoard'),
    },
    insights(7),
    insights(30),
    insights(366),
    heatmap('SUPPLY'),
    heatmap('DEMAND'),
    {
      name: 'complex recentActivity 50',
      caller: p.operator,
      query: `{ complex(code: "${TEMPLATE_COMPLEX}") { recentActivity(first: 50) { kind at summary summaryKo } } }`,
      check: (d) => (d.complex.recentActivity.length === 50 ? null : `recentActivity: ${d.complex.recentActivity.length} lines`),
    },
    {
      name: 'node (oldest request)',
      caller: p.operator,
      query: 'query ($id: ID!) { node(id: $id) { id ... on ShipmentRequest { status } } }',
      variables: () => ({ id: toGlobalId('ShipmentRequest', p.oldestRequestId) }),
      check: (d) => (d.node?.id ? null : 'node: not found'),
    },
    {
      name: 'matchingRunStart, nothing open',
      ...round(p.idleOperator, IDLE_COMPLEX),
      check: (d) => (d.matchingRunStart.round.report.requestsConsidered === 0 ? null : `idle round considered ${d.matchingRunStart.round.report.requestsConsidered}`),
    },
    {
      name: `matchingRunStart, ${OPEN_REQUESTS.toLocaleString('en')} open`,
      ...round(p.operator, TEMPLATE_COMPLEX),
      runs: 3,
      check: (d) => (d.matchingRunStart.round.report.requestsConsidered === OPEN_REQUESTS && d.matchingRunStart.round.report.offersWritten > 0 ? null : `round: ${JSON.stringify(d.matchingRunStart.round.report)}`),
      reset: () => undoRounds(target, p.openRequestIds),
    },
  ];
}

/** Puts the 5,000 requests back as they were before the round: its offers and routes gone, the requests OPEN. */
async function undoRounds(target: string, requestIds: number[]): Promise<void> {
  const db = DIALECT === 'sqlite' ? openDatabase(target) : null;
  const pgClient = DIALECT === 'pg' ? new pg.Client({ connectionString: target }) : null;
  await pgClient?.connect();
  db?.$client.pragma('busy_timeout = 60000'); // the service may still be checkpointing the round's writes
  const client = statementsOf(db ?? pgClient!);
  const [ids, list] = idList(requestIds);
  // A write lock first on SQLite: a read snapshot could not be upgraded once the service has written.
  await client.run(DIALECT === 'sqlite' ? 'begin immediate' : 'begin');
  try {
    const routes = await client.values(`select distinct route_id as id from offers where request_id in ${ids} and route_id is not null`, list);
    await client.run(`delete from offers where request_id in ${ids}`, list);
    for (const id of routes) {
      await client.run('delete from route_plans where route_id = ?', id);
      await client.run('delete from route_stops where route_id = ?', id);
      await client.run('delete from routes where id = ?', id);
    }
    await client.run(`update shipment_requests set status = ${schema.REQUEST_STATUS_CODES.OPEN}, updated_at = null where id in ${ids}`, list);
    await client.run('commit');
  } catch (error) {
    await client.run('rollback');
    throw error;
  } finally {
    db?.$client.close();
    await pgClient?.end();
  }
}

interface Timing {
  median: number;
  p95: number;
}

/** One operation on each service (the same one, on its own database), run after run in turn: median and p95 of each. */
async function timeInTurn(targets: { url: string; op: Operation }[], runs: number): Promise<Timing[]> {
  const calls = targets.map(({ url, op }) => caller(url, op));
  const warmUps = targets[0]!.op.reset ? 1 : 3; // plans, caches, JIT
  for (let i = 0; i < warmUps; i++) for (const call of calls) await call();
  const ms: number[][] = targets.map(() => []);
  for (let i = 0; i < (targets[0]!.op.runs ?? runs); i++) {
    // Rotating who goes first, so that neither always follows the other's garbage collection or checkpoint.
    for (let k = 0; k < calls.length; k++) {
      const j = (i + k) % calls.length;
      ms[j]!.push(await calls[j]!());
    }
  }
  return ms.map((values) => {
    values.sort((a, b) => a - b);
    const at = (q: number) => values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]!;
    return { median: at(0.5), p95: at(0.95) };
  });
}

function caller(url: string, op: Operation): () => Promise<number> {
  return async () => {
    const started = performance.now();
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${op.caller.apiKey}` },
      body: JSON.stringify({ query: op.query, variables: op.variables?.() }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    const ms = performance.now() - started;
    if (body.errors || !body.data) throw new Error(`${op.name}: ${JSON.stringify(body.errors)}`);
    const problem = op.check(body.data);
    if (problem) throw new Error(`${op.name}: ${problem}`);
    await op.reset?.();
    return ms;
  };
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const mb = (bytes: number) => Math.round(bytes / 1e6);

/** Grown databases depend on the code that copies the template, not on how they are timed. */
const grownDir = join(cacheDir, hash(copyPlan.toString(), simulatedTime.toString(), grownPath.toString(), [...NOT_COPIED, '|', ...PER_COMPLEX].join(), Object.values(DISTINCT).join(), JSON.stringify(AFTER)));
mkdirSync(grownDir, { recursive: true });
const template = await templatePath();
const workDir = join(grownDir, 'work');
mkdirSync(workDir, { recursive: true });
const removeDb = (path: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
};
/** MB per year from the first to the last week count, its tables printed (SQLite; null with one week count). */
function growthPerYear(first: Grown, last: Grown): number | null {
  if (last.weeks === first.weeks) {
    console.log('MB per year: needs two sizes to compare (--weeks 1,52, say); mbPerYear is null');
    return null;
  }
  const years = (last.weeks - first.weeks) / 52;
  if (DIALECT === 'pg') return (last.bytes - first.bytes) / 1e6 / years;
  const [before, after] = [bytesByTable(first.path), bytesByTable(last.path)];
  const perYear = [...after].map(([name, bytes]) => ({ name, mb: (bytes - (before.get(name) ?? 0)) / 1e6 / years })).sort((a, b) => b.mb - a.mb);
  console.log(`MB per year by table, indexes included: ${perYear.filter((t) => t.mb >= 1).map((t) => `${t.name} ${Math.round(t.mb)}`).join(', ')}`);
  return (last.bytes - first.bytes) / 1e6 / years;
}

if (args.sizes) {
  const grown: Grown[] = [];
  for (const weeks of args.weeks) grown.push(await grownPath(weeks, template));
  console.log(`database file (live MB): ${grown.map((g) => `${g.weeks} wk ${mb(g.bytes)}`).join(', ')}`);
  const mbPerYear = growthPerYear(grown[0]!, grown.at(-1)!);
  console.log(JSON.stringify({ bench: 'growth', weeks: args.weeks, mbPerYear: mbPerYear === null ? null : Math.round(mbPerYear) }));
  process.exit(0);
}

/**
 * --pg: the grown SQLite files (built here, on SQLite), then this script again as a child on a throwaway cluster
 * (the dialect is fixed per process by DATABASE_URL), which loads each into a database of its own and times them.
 */
if (args.pg && DIALECT === 'sqlite') {
  for (const weeks of args.weeks) await grownPath(weeks, template);
  const cluster = await startCluster({ durable: true });
  try {
    const child = spawn('node_modules/.bin/tsx', ['scripts/bench-growth.ts', ...process.argv.slice(2)], { env: onOwnDatabase(cluster.url), stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    process.exitCode = code ?? 1;
  } finally {
    cluster.stop();
  }
  process.exit();
}

/** On PostgreSQL (the --pg child): a fresh database for `grown` on the cluster at DATABASE_URL, its rows loaded; its URL and size. */
async function pgDatabaseOf(grown: Grown): Promise<{ url: string; bytes: number }> {
  const name = `growth_${grown.weeks}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const started = performance.now();
    const loaded = await loadSqliteIntoPg(grown.path, url.href);
    const { rows } = await admin.query<{ bytes: string }>('select pg_database_size($1) as bytes', [name]);
    console.log(`${grown.weeks} week${grown.weeks > 1 ? 's' : ''}: ${[...loaded.values()].reduce((a, b) => a + b, 0)} rows loaded into PostgreSQL (${mb(Number(rows[0]!.bytes))} MB) in ${seconds(started)} s`);
    return { url: url.href, bytes: Number(rows[0]!.bytes) };
  } finally {
    await admin.end();
  }
}

const setups: { weeks: number; grown: Grown; work: string; ops: Operation[] }[] = [];
for (const weeks of args.weeks) {
  let grown = await grownPath(weeks, template);
  let work = join(workDir, `bench-${weeks}.db`);
  if (DIALECT === 'sqlite') {
    removeDb(work);
    copyFileSync(grown.path, work);
  } else {
    const loaded = await pgDatabaseOf(grown);
    [work, grown] = [loaded.url, { ...grown, bytes: loaded.bytes }];
  }
  const started = performance.now();
  const prepared = await prepare(work);
  console.log(`${weeks} week${weeks > 1 ? 's' : ''}: ${OPEN_REQUESTS} open requests, fresh shifts and insights roll-ups added in ${seconds(started)} s`);
  setups.push({ weeks, grown, work, ops: operations(prepared, work) });
}
// Every database's service at once, each operation's runs taken in turn on each: the shared machine's load, which
// moves by the minute, weighs on every week count alike, so their ratio is the database's doing.
const services: { url: string; child: ChildProcess }[] = [];
const results = new Map<number, { grown: Grown; timings: Map<string, Timing> }>(setups.map((s) => [s.weeks, { grown: s.grown, timings: new Map() }]));
try {
  for (const s of setups) services.push(await startService(s.work));
  for (let i = 0; i < setups[0]!.ops.length; i++) {
    const timings = await timeInTurn(setups.map((s, j) => ({ url: services[j]!.url, op: s.ops[i]! })), args.runs);
    setups.forEach((s, j) => results.get(s.weeks)!.timings.set(s.ops[i]!.name, timings[j]!));
    console.log(`  ${setups[0]!.ops[i]!.name}: ${timings.map((t, j) => `${setups[j]!.weeks} wk ${t.median.toFixed(1)} ms (p95 ${t.p95.toFixed(1)})`).join(', ')}`);
  }
} finally {
  for (const { child } of services) await stopService(child);
}
if (DIALECT === 'sqlite') for (const s of setups) removeDb(s.work);

const columns = args.weeks.map((w) => `${w} week${w > 1 ? 's' : ''}`);
const names = [...results.values().next().value!.timings.keys()];
const fmt = (t: Timing) => `${t.median.toFixed(1)} (${t.p95.toFixed(1)})`;
const table = [
  `| operation, median ms (p95) | ${columns.join(' | ')} |`,
  `| --- | ${columns.map(() => '---').join(' | ')} |`,
  ...names.map((n) => `| ${n} | ${args.weeks.map((w) => fmt(results.get(w)!.timings.get(n)!)).join(' | ')} |`),
  `| ${DIALECT === 'sqlite' ? 'database file (live MB)' : 'PostgreSQL database, as loaded (MB)'} | ${args.weeks.map((w) => mb(results.get(w)!.grown.bytes)).join(' | ')} |`,
];
console.log(`\n${table.join('\n')}`);
const first = results.get(args.weeks[0]!)!;
const last = results.get(args.weeks.at(-1)!)!;
const lastWeeks = args.weeks.at(-1)!;
const ratio = Math.max(...names.map((n) => last.timings.get(n)!.median / first.timings.get(n)!.median));
const mbPerYear = growthPerYear(first.grown, last.grown);
const round1 = (x: number) => Math.round(x * 10) / 10;
console.log(
  JSON.stringify({
    bench: 'growth',
    ...(DIALECT === 'pg' && { on: 'PostgreSQL' }),
    weeks: args.weeks,
    [`worstRatio${lastWeeks}to${args.weeks[0]}`]: Math.round(ratio * 100) / 100,
    [`insights366Ms${lastWeeks}`]: round1(last.timings.get('complexInsights 366 days')!.median),
    [`roundIdleMs${lastWeeks}`]: round1(last.timings.get('matchingRunStart, nothing open')!.median),
    mbPerYear: mbPerYear === null ? null : Math.round(mbPerYear),
  }),
);
