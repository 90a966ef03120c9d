import { join } from 'node:path';
import Database from 'better-sqlite3';
import { and, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import * as schema from '../../db/schema';
import { BOOKING_STATUS_CODES, bookings, insightsDays, ROUND_STATUS_CODES, matchingRounds, reportField, routeStops, shipmentRequests } from '../../db/schema';
import { selectComplex } from '../../src/complexes/complex-record';
import { DEFAULT_SEED } from '../../scripts/demo/seed-demo';
import { seedDemoHistory } from '../../scripts/demo/seed-demo-history';
import { parseEnv } from '../../src/env';
import { rollUpClosedDays } from '../../src/insights/scheduler';
import { rollUpDay } from '../../src/insights/roll-up-day';
import { firstActiveDay } from '../../src/insights/day-figures';
import { countUnmatched } from '../../src/insights/count-unmatched';
import { listBookings } from '../../src/bookings/list-bookings';
import { listOffers } from '../../src/matching/list-offers';
import { listRounds } from '../../src/matching/list-rounds';
import { listShipmentRequests } from '../../src/demand/list-shipment-requests';
import type { Viewer } from '../../src/context';
import { createShipmentRequest } from '../../src/demand/create-shipment-request';
import { createLogger } from '../../src/logger';
import { expireOffers } from '../../src/market/expire-offers';
import { releaseReservations } from '../../src/market/reservations';
import { loadRoundInput } from '../../src/matching/round-input';
import { executeRound } from '../../src/matching/run-round';
import { createInProcessPubSub } from '../../src/pubsub';
import { addDays, seoulDay, seoulMidnight } from '../../src/supply/listings/seoul-day';
import { gql } from '../helpers/clients';
import { rowsOf } from '../helpers/sql';
import { DIALECT } from '../../db/dialect';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const DAY_MS = 86_400_000;
const requestInput = {
  origin: { lat: 37.325, lng: 126.75 }, destination: { lat: 37.2636, lng: 127.0286 }, weightKg: 1200, pallets: 3,
  cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
} as const;
const INSIGHTS = `query ($from: DateTime!, $to: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: $to) {
  storage { idlePalletDays bookedPalletDays utilisationPct }
  requests { posted served expired cancelled waiting servedPct medianMinutesToBooking consolidated consolidationRatePct }
  transport { costKrw baselineCostKrw deadheadKm loadedKm baselineDeadheadKm baselineLoadedKm co2Kg baselineCo2Kg savingsPct emptyKmSharePct baselineEmptyKmSharePct co2SavingsPct }
  trips { trips requests requestsPerTrip stopsPerRoute loadFactorKgPeakPct loadFactorPalletsPeakPct loadFactorKgKmPct loadFactorPalletsKmPct }
  rounds { rounds assignmentCostKrw pooledCostKrw pooledVsAssignmentPct }
  days { day posted served costKrw baselineCostKrw deadheadKm loadedKm co2Kg } } }`;

/**
 * The query-plan tests read SQLite's plans. PostgreSQL plans by its statistics (on a test's small tables a sequential
 * scan is its right choice): bench:growth times the grown databases instead.
 */
const sqlitePlans = it.skipIf(DIALECT === 'pg');

/** Every statement `run` makes on a second connection, with its values bound, and the plan of each (and for a select, how many rows it returns). */
async function plansOf(dbPath: string, run: (db: Db) => unknown): Promise<{ statement: string; plan: string[]; rows: number }[]> {
  const statements: string[] = [];
  const traced = new Database(dbPath, { verbose: (sql) => statements.push(String(sql)) });
  try {
    await run(drizzle(traced, { schema }) as unknown as Db);
    return statements
      .filter((s) => /^(select|update|delete)/i.test(s))
      .map((statement) => ({
        statement,
        plan: (traced.prepare(`explain query plan ${statement}`).all() as { detail: string }[]).map((r) => r.detail),
        rows: /^select/i.test(statement) ? traced.prepare(statement).all().length : 0,
      }));
  } finally {
    traced.close();
  }
}

describe('years of history', () => {
  const tmp = tempDir();
  let server: TestServer;
  let operatorKey: string;
  let complexId: number;
  const period = () => {
    const to = Date.now();
    return { from: new Date(to - 10 * DAY_MS).toISOString(), to: new Date(to).toISOString() };
  };
  const insights = async (variables: Record<string, unknown>) => {
    const response = await gql<{ complexInsights: Record<string, unknown> }>(server.url, INSIGHTS, variables, { apiKey: operatorKey });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.complexInsights;
  };

  beforeAll(async () => {
    // Roll-ups only when a test asks: each test sees what it wrote.
    server = await startTestServer({ dbPath: join(tmp.dir, 'growth.db'), env: { INSIGHTS_ROLLUP_INTERVAL_SECONDS: '0', RETENTION_INTERVAL_SECONDS: '0' } });
    const env = parseEnv({ NODE_ENV: 'test' });
    // Days of played history that have closed, written by the domain verbs as start-up writes them. Played up to the
    // last instant of the day before yesterday (Seoul): played up to now, in a weekday evening it would all be today's,
    // still open; played to yesterday's end, the next morning's requests it posts would keep yesterday open until
    // their pickup windows pass (the tests failed from midnight to morning). And a day before a weekday: played to a
    // Saturday's end, nothing is booked ahead for a Sunday, and the round's test below had no route (it failed on Mondays).
    let last = addDays(seoulDay(new Date()), -2);
    while ([0, 6].includes(new Date(`${addDays(last, 1)}T12:00:00Z`).getUTCDay())) last = addDays(last, -1);
    const end = new Date(seoulMidnight(addDays(last, 1)).getTime() - 1);
    await seedDemoHistory({ ctx: { db: server.db, pubsub: createInProcessPubSub(), logger: createLogger('silent'), env, now: () => end }, input: DEFAULT_SEED });
    operatorKey = server.keyOf('OPERATOR').apiKey;
    complexId = selectComplex({ db: server.db }, { code: 'BANWOL_SIHWA' })!.id;
  }, 120_000);

  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('answers from daily roll-ups exactly what it computes live from the rows', async () => {
    const variables = period();
    expect(await server.db.select().from(insightsDays).all()).toEqual([]);
    const live = await insights(variables);
    expect((live.requests as { served: number }).served).toBeGreaterThan(0);
    expect((live.trips as { trips: number }).trips).toBeGreaterThan(0);
    expect((live.rounds as { assignmentCostKrw: number }).assignmentCostKrw).toBeGreaterThan(0);
    // That read rolled up the closed days it computed: the next one sums them.
    const rolled = await server.db.select().from(insightsDays).where(eq(insightsDays.complexId, complexId)).all();
    expect(rolled.length).toBeGreaterThan(0);
    expect(rolled.every((r) => r.day < seoulDay(new Date()))).toBe(true);
    expect(await insights(variables)).toEqual(live);

    // The scheduler's roll-ups (every complex, since its first day) give the same answer again.
    await server.db.delete(insightsDays).run();
    expect(await rollUpClosedDays({ db: server.db, now: () => new Date() })).toBeGreaterThan(0);
    expect(await insights(variables)).toEqual(live);
  });

  it('a change to a rolled-up day removes its roll-up, and the answer follows the change', async () => {
    const variables = period();
    await insights(variables);
    const [served] = (await server.db
      .select({ id: bookings.id, createdAt: shipmentRequests.createdAt })
      .from(bookings)
      .innerJoin(shipmentRequests, eq(shipmentRequests.id, bookings.requestId))
      .where(and(eq(bookings.complexId, complexId), eq(bookings.kind, 'TRANSPORT'), eq(bookings.status, 'COMPLETED')))
      .all())
      .filter((b) => seoulDay(b.createdAt) < seoulDay(new Date()) && b.createdAt.getTime() > Date.now() - 9 * DAY_MS);
    expect(served).toBeDefined();
    const day = seoulDay(served!.createdAt);
    const before = await insights(variables);
    expect(await server.db.select().from(insightsDays).where(and(eq(insightsDays.complexId, complexId), eq(insightsDays.day, day))).all()).toHaveLength(1);

    // Any writer, not only the service's code: the trigger sees it.
    await server.db.update(bookings).set({ status: 'CANCELLED', endedAt: new Date(), endReason: 'test' }).where(eq(bookings.id, served!.id)).run();
    expect(await server.db.select().from(insightsDays).where(and(eq(insightsDays.complexId, complexId), eq(insightsDays.day, day))).all()).toEqual([]);
    const after = await insights(variables);
    expect((after.requests as { served: number }).served).toBe((before.requests as { served: number }).served - 1);
    expect((await rollUpDay({ ctx: { db: server.db, now: () => new Date() }, input: { complexId, day } })).written).toBe(true);
    expect(await insights(variables)).toEqual(after);
  });

  it('a stop added to a booked route, or a round report rewritten, removes the roll-up of the day it counts on', async () => {
    const variables = period();
    const rolledUp = async (day: string) => (await server.db.select().from(insightsDays).where(and(eq(insightsDays.complexId, complexId), eq(insightsDays.day, day))).all()).length;
    const before = await insights(variables);
    // A booked route counted on a closed day of the period: the posting day of its earliest request.
    const [route] = await rowsOf<{ id: number; lastSeq: number; firstPosted: number }>(
      server.db,
      `select s.route_id as id, max(s.seq) as "lastSeq", min(q.created_at) as "firstPosted" from route_stops s join shipment_requests q on q.id = s.request_id
       where s.route_id in (select route_id from bookings where status in (${BOOKING_STATUS_CODES.CONFIRMED}, ${BOOKING_STATUS_CODES.COMPLETED}) and complex_id = ?)
       group by s.route_id having min(q.created_at) > ? and min(q.created_at) < ? order by s.route_id limit 1`,
      [complexId, Date.now() - 9 * DAY_MS, seoulMidnight(seoulDay(new Date())).getTime()],
    );
    if (!route) throw new Error('the demo history has no booked route posted on a closed day of the last nine');
    const day = seoulDay(new Date(route.firstPosted));
    expect(await rolledUp(day)).toBe(1);

    // An extension's stop, written by hand: the trigger sees it, and the trip figures count it.
    const last = (await server.db.select().from(routeStops).where(and(eq(routeStops.routeId, route.id), eq(routeStops.seq, route.lastSeq))).get())!;
    await server.db.insert(routeStops).values({ ...last, seq: last.seq + 1, lat: last.lat + 0.05 }).run();
    expect(await rolledUp(day)).toBe(0);
    const after = await insights(variables);
    // One stop more over as many trips (stopsPerRoute is to 0.01).
    const trips = (figures: Record<string, unknown>) => figures.trips as { trips: number; stopsPerRoute: number };
    expect(trips(after).trips).toBe(trips(before).trips);
    expect(Math.abs((trips(after).stopsPerRoute - trips(before).stopsPerRoute) * trips(after).trips - 1)).toBeLessThan(trips(after).trips * 0.01);
    expect((await rollUpDay({ ctx: { db: server.db, now: () => new Date() }, input: { complexId, day } })).written).toBe(true);
    expect(await insights(variables)).toEqual(after);

    // A round's report rewritten: its start day's roll-up goes.
    const round = (await server.db.select().from(matchingRounds).where(and(eq(matchingRounds.complexId, complexId), sql`${reportField('assignmentCostKrw')} > 0`)).orderBy(desc(matchingRounds.startedAt)).limit(1).get())!;
    const roundDay = seoulDay(round.startedAt);
    await rollUpDay({ ctx: { db: server.db, now: () => new Date() }, input: { complexId, day: roundDay } });
    await server.db.update(matchingRounds).set({ report: { ...round.report!, assignmentCostKrw: round.report!.assignmentCostKrw + 1000 } }).where(eq(matchingRounds.id, round.id)).run();
    expect(await rolledUp(roundDay)).toBe(0);
  });

  it('a day whose requests still wait is not rolled up, nor is today', async () => {
    const now = new Date();
    expect((await rollUpDay({ ctx: { db: server.db, now: () => now }, input: { complexId, day: seoulDay(now) } })).written).toBe(false);
    // Posted three days ago for a pickup tomorrow: its day has closed, but the request may still be served.
    const posted = new Date(now.getTime() - 3 * DAY_MS);
    const manufacturer = server.keyOf('MANUFACTURER');
    await createShipmentRequest({
      ctx: { db: server.db, pubsub: server.pubsub, logger: createLogger('silent'), env: parseEnv({ NODE_ENV: 'test' }), now: () => posted, viewer: { organisationId: manufacturer.organisationId, role: 'MANUFACTURER', complexId, apiKeyId: null } },
      input: { ...requestInput, idempotencyKey: 'growth-waiting', pickupWindow: { from: new Date(now.getTime() + DAY_MS), until: new Date(now.getTime() + DAY_MS + 4 * 3_600_000) }, deliverBy: new Date(now.getTime() + 2 * DAY_MS) },
    });
    const { figures, written } = await rollUpDay({ ctx: { db: server.db, now: () => now }, input: { complexId, day: seoulDay(posted) } });
    expect(figures.waiting).toBe(1);
    expect(written).toBe(false);
  });

  it("a period before the complex's first day is answered empty, and nothing is stored for it", async () => {
    const stored = async () => (await server.db.select({ day: insightsDays.day }).from(insightsDays).all()).length;
    const before = await stored();
    const answer = await insights({ from: '2001-01-01T00:00:00+09:00', to: '2002-01-01T00:00:00+09:00' });
    expect(answer.requests).toMatchObject({ posted: 0, served: 0, expired: 0 });
    expect(answer.rounds).toMatchObject({ rounds: 0 });
    const days = answer.days as { day: string; posted: number; costKrw: number }[];
    expect(days).toHaveLength(365);
    expect(days.filter((d) => d.posted !== 0 || d.costKrw !== 0)).toEqual([]);
    // 365 empty roll-ups were written by each such read before.
    expect(await stored()).toBe(before);
  });

  sqlitePlans('a round and a live insights day read through indexes, never scanning a table', async () => {
    const complex = selectComplex({ db: server.db }, { code: 'BANWOL_SIHWA' })!;
    const now = new Date();
    const plans = await plansOf(server.dbPath, async (db) => {
      await expireOffers({ db, pubsub: server.pubsub }, complex.id, now);
      await loadRoundInput({ db }, complex, now);
      await rollUpDay({ ctx: { db, now: () => now }, input: { complexId: complex.id, day: seoulDay(now) } });
      await firstActiveDay(db, complex.id);
    });
    expect(plans.length).toBeGreaterThan(8);
    for (const { statement, plan } of plans) expect(plan.filter((d) => /^SCAN (?!\(subquery|CONSTANT)/.test(d)), `${statement}\n${plan.join('\n')}`).toEqual([]);
  });

  sqlitePlans("a year's unmatched read what waits (open, or awaiting a trunk) by status, not the year's requests", async () => {
    const complex = selectComplex({ db: server.db }, { code: 'BANWOL_SIHWA' })!;
    const now = new Date();
    const operator: Viewer = { organisationId: 0, role: 'OPERATOR', complexId: complex.id, apiKeyId: null };
    const ctx = { pubsub: server.pubsub, logger: createLogger('silent'), env: parseEnv({ NODE_ENV: 'test' }), now: () => now, viewer: operator };
    const input = { complexCode: complex.code, from: new Date(now.getTime() - 365 * DAY_MS), to: now };
    const plans = await plansOf(server.dbPath, (db) => countUnmatched({ ctx: { ...ctx, db }, input }));
    const requests = plans.filter((p) => /^select .* from "shipment_requests"/.test(p.statement));
    expect(requests).toHaveLength(2);
    for (const { statement, plan } of requests) expect(plan[0], `${statement}\n${plan.join('\n')}`).toMatch(/^SEARCH shipment_requests USING INDEX requests_complex\w* \(complex_id=\? AND status/);
  });

  sqlitePlans("a round reads the booked routes with a drop still ahead, not every booking its complex left confirmed", async () => {
    const complex = selectComplex({ db: server.db }, { code: 'BANWOL_SIHWA' })!;
    const confirmed = await server.db.select().from(bookings).where(and(eq(bookings.complexId, complex.id), eq(bookings.status, 'CONFIRMED'), isNotNull(bookings.routeId))).all();
    expect(confirmed.length).toBeGreaterThan(0);
    // Two months on, every confirmed route's planned drops have passed (a carrier who never reported delivery).
    const later = new Date(Date.now() + 60 * DAY_MS);
    const plans = await plansOf(server.dbPath, (db) => loadRoundInput({ db }, complex, later));
    const fromBookings = plans.filter((p) => /^select .* from "bookings"/.test(p.statement));
    expect(fromBookings.length).toBeGreaterThan(0);
    for (const { statement, rows } of fromBookings) expect(rows, statement).toBe(0);
  });

  sqlitePlans('a round sweeps stale claims of its complex through the running round index, not its past rounds', async () => {
    const complex = selectComplex({ db: server.db }, { code: 'CHANGWON' })!;
    const plans = await plansOf(server.dbPath, (db) =>
      executeRound({ db, pubsub: server.pubsub, logger: createLogger('silent'), env: parseEnv({ NODE_ENV: 'test' }), now: () => new Date(), viewer: null as never }, complex, 'MANUAL', null),
    );
    const sweep = plans.find((p) => p.statement.startsWith(`update "matching_rounds" set "status" = ${ROUND_STATUS_CODES.FAILED}`));
    expect(sweep?.plan, sweep?.statement).toEqual(['SEARCH matching_rounds USING INDEX matching_rounds_one_running (complex_id=?)']);
  });

  sqlitePlans("a live day's figures come back as a row per day, not a row per waiting request, and its storage from the windows around it", async () => {
    const now = new Date();
    const manufacturer = server.keyOf('MANUFACTURER');
    const ctx = { db: server.db, pubsub: server.pubsub, logger: createLogger('silent'), env: parseEnv({ NODE_ENV: 'test' }), now: () => now, viewer: { organisationId: manufacturer.organisationId, role: 'MANUFACTURER' as const, complexId, apiKeyId: null } };
    const tomorrow = now.getTime() + DAY_MS;
    for (let i = 0; i < 30; i++) {
      await createShipmentRequest({ ctx, input: { ...requestInput, idempotencyKey: `growth-live-${i}`, pickupWindow: { from: new Date(tomorrow), until: new Date(tomorrow + 4 * 3_600_000) }, deliverBy: new Date(tomorrow + DAY_MS) } });
    }
    const plans = await plansOf(server.dbPath, (db) => rollUpDay({ ctx: { db, now: () => now }, input: { complexId, day: seoulDay(now) } }));
    for (const { statement, rows } of plans) expect(rows, statement).toBeLessThan(30);
    const storage = plans.filter((p) => /listing_(availability|reservations)/.test(p.statement));
    expect(storage.length).toBeGreaterThan(0);
    for (const { statement, plan } of storage) expect(plan.join('\n'), statement).toContain('listing_availability_ends');
  });
  sqlitePlans("an operator's offers, rounds and bookings read a page and its count through an index in the list's order, not the history", async () => {
    const complex = selectComplex({ db: server.db }, { code: 'BANWOL_SIHWA' })!;
    const operator: Viewer = { organisationId: 0, role: 'OPERATOR', complexId: complex.id, apiKeyId: null };
    const ctx = { pubsub: server.pubsub, logger: createLogger('silent'), env: parseEnv({ NODE_ENV: 'test' }), now: () => new Date(), viewer: operator };
    const plans = await plansOf(server.dbPath, async (db) => {
      for (const list of [listOffers, listBookings, listRounds] as const) {
        const page = await list({ ctx: { ...ctx, db }, input: { first: 20, complexCode: complex.code } });
        expect(page.edges.length).toBeGreaterThan(0);
        expect(await page.totalCount).toBeGreaterThan(0);
      }
      // A status filter counts on the index too (an offer's status as of now reads the row only for a pending one).
      await listOffers({ ctx: { ...ctx, db }, input: { first: 20, status: 'EXPIRED' } }).then((page) => page.totalCount);
    });
    const lists = plans.filter((p) => /^select .* from "(offers|bookings|matching_rounds)"/.test(p.statement));
    expect(lists).toHaveLength(8);
    for (const { statement, plan } of lists) {
      expect(plan.filter((d) => /^SCAN|TEMP B-TREE/.test(d)), `${statement}\n${plan.join('\n')}`).toEqual([]);
    }
    // Newest first: a page of offers or bookings walks its index back from the complex's latest row.
    const newest = lists.filter((p) => /^select .* from "(offers|bookings)" .* order by "(offers|bookings)"."id" desc/.test(p.statement));
    expect(newest).toHaveLength(3);
    for (const { statement, plan } of newest) expect(plan, statement).toEqual([expect.stringMatching(/^SEARCH (offers USING INDEX offers_complex|bookings USING INDEX bookings_complex_newest) \(complex_id=\?\)$/)]);
  });
  sqlitePlans("a carrier's, owner's or shipper's offers and bookings walk its own index newest first, not a sort of its history", async () => {
    // The busiest of each: their history is what a page must not sort.
    const partyOf = async (column: typeof bookings.supplierOrgId | typeof bookings.shipperOrgId, kind: 'TRANSPORT' | 'STORAGE') =>
      (await server.db.select({ id: column }).from(bookings).where(eq(bookings.kind, kind)).groupBy(column).orderBy(desc(count())).limit(1).get())!.id;
    const viewers: Viewer[] = [
      { organisationId: await partyOf(bookings.supplierOrgId, 'TRANSPORT'), role: 'CARRIER', complexId: null, apiKeyId: null },
      { organisationId: await partyOf(bookings.supplierOrgId, 'STORAGE'), role: 'WAREHOUSE_OWNER', complexId: null, apiKeyId: null },
      { organisationId: await partyOf(bookings.shipperOrgId, 'TRANSPORT'), role: 'MANUFACTURER', complexId: null, apiKeyId: null },
    ];
    const ctx = { pubsub: server.pubsub, logger: createLogger('silent'), env: parseEnv({ NODE_ENV: 'test' }), now: () => new Date() };
    const plans = await plansOf(server.dbPath, async (db) => {
      for (const viewer of viewers) {
        const first = await listBookings({ ctx: { ...ctx, db, viewer }, input: { first: 2 } });
        expect(first.pageInfo.hasNextPage).toBe(true);
        await listBookings({ ctx: { ...ctx, db, viewer }, input: { first: 2, after: first.pageInfo.endCursor } });
        await listBookings({ ctx: { ...ctx, db, viewer }, input: { first: 2, status: 'COMPLETED' } });
        const offered = await listOffers({ ctx: { ...ctx, db, viewer }, input: { first: 2 } });
        expect(offered.pageInfo.hasNextPage).toBe(true);
        await listOffers({ ctx: { ...ctx, db, viewer }, input: { first: 2, after: offered.pageInfo.endCursor } });
        // EXPIRED is an or() on status and expiry: read from the same index too.
        await listOffers({ ctx: { ...ctx, db, viewer }, input: { first: 2, status: 'EXPIRED' } }).then((page) => page.totalCount);
      }
    });
    const pages = plans.filter((p) => /^select .* from "(offers|bookings)" .* order by "(offers|bookings)"."id" desc/.test(p.statement));
    expect(pages).toHaveLength(18);
    // With or without a status filter, one index by party in id order: no temporary B-tree of the party's every row.
    for (const { statement, plan } of pages) {
      expect(plan, statement).toEqual([expect.stringMatching(/^SEARCH (offers|bookings) USING INDEX (offers|bookings)_(supplier|shipper) \((supplier|shipper)_org_id=\?( AND id<\?)?\)$/)]);
    }
    const counts = plans.filter((p) => /^select count/.test(p.statement));
    expect(counts).toHaveLength(3);
    for (const { statement, plan } of counts) expect(plan.filter((d) => /^SCAN|TEMP B-TREE/.test(d)), statement).toEqual([]);
  });
  sqlitePlans("a booking's truck hold is read by booking only while held: one index by booking, of the held ones", async () => {
    const ended = await server.db.select({ id: bookings.id }).from(bookings).where(and(eq(bookings.complexId, complexId), eq(bookings.kind, 'TRANSPORT'), eq(bookings.status, 'COMPLETED'))).limit(3).all();
    expect(ended).toHaveLength(3);
    // Released already: the statements change nothing, and their plans are what ending a booking runs.
    const plans = await plansOf(server.dbPath, (db) => releaseReservations(db, ended.map((b) => b.id), new Date()));
    const holds = plans.filter((p) => p.statement.startsWith('update "vehicle_reservations"'));
    expect(holds).toHaveLength(1);
    expect(holds[0]!.plan, holds[0]!.statement).toEqual(['SEARCH vehicle_reservations USING INDEX vehicle_reservations_booking_held (booking_id=?)']);
    // Released holds are history nobody reads by booking: no index keeps them by it (~4.7 MB a year).
    const byBooking = await rowsOf<{ name: string }>(server.db, `select name from pragma_index_list('vehicle_reservations') l where (select group_concat(name) from pragma_index_info(l.name)) = 'booking_id'`, []);
    expect(byBooking.map((i) => i.name)).toEqual(['vehicle_reservations_booking_held']);
  });
  sqlitePlans("an operator's requests of live statuses come newest first from the live ones, not the complex's history", async () => {
    const complex = selectComplex({ db: server.db }, { code: 'BANWOL_SIHWA' })!;
    const operator: Viewer = { organisationId: 0, role: 'OPERATOR', complexId: complex.id, apiKeyId: null };
    const ctx = { pubsub: server.pubsub, logger: createLogger('silent'), env: parseEnv({ NODE_ENV: 'test' }), now: () => new Date(), viewer: operator };
    const plans = await plansOf(server.dbPath, async (db) => {
      await listShipmentRequests({ ctx: { ...ctx, db }, input: { first: 20, filter: { status: ['OPEN', 'OFFERED'] } } });
      await listShipmentRequests({ ctx: { ...ctx, db }, input: { first: 20, filter: { status: ['OPEN', 'DELIVERED'] } } });
    });
    const pages = plans.filter((p) => /^select .* from "shipment_requests" .* order by "shipment_requests"."id" desc/.test(p.statement));
    expect(pages).toHaveLength(2);
    expect(pages[0]!.plan[0], pages[0]!.statement).toMatch(/^SEARCH shipment_requests USING INDEX requests_complex_live \(complex_id=\?\)/);
    // Delivered is history: its page reads the complex's requests newest first, as before.
    expect(pages[1]!.plan[0], pages[1]!.statement).toMatch(/^SEARCH shipment_requests USING INDEX requests_complex_newest/);
  });
});
