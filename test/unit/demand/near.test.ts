import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { cellToLatLng, cellToParent } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/client';
import { testDatabase } from '../../helpers/database';
import { organisations, shipmentRequests } from '../../../db/schema';
import type { Viewer } from '../../../src/context';
import { getComplex } from '../../../src/complexes/get-complex';
import type { Context } from '../../../src/context';
import { createShipmentRequest } from '../../../src/demand/create-shipment-request';
import { listOpenLoads } from '../../../src/demand/list-open-loads';
import { listShipmentRequests } from '../../../src/demand/list-shipment-requests';
import type { LocatedConnection } from '../../../src/pagination';
import { DEFAULT_SEED, seedDemo } from '../../../scripts/demo/seed-demo';
import { parseEnv } from '../../../src/env';
import { haversineKm, type LatLng } from '../../../src/geo/distance';
import { createLogger } from '../../../src/logger';
import { createInProcessPubSub } from '../../../src/pubsub';

const HOUR = 3_600_000;
const REQUESTS = 400;

/** Seeded LCG so failures repeat. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A point uniformly distributed within `km` of `centre` (flat-earth offsets: fine at these distances). */
function pointNear(centre: LatLng, km: number, rand: () => number): LatLng {
  const r = km * Math.sqrt(rand());
  const a = 2 * Math.PI * rand();
  return { lat: centre.lat + (r * Math.sin(a)) / 111.32, lng: centre.lng + (r * Math.cos(a)) / (111.32 * Math.cos((centre.lat * Math.PI) / 180)) };
}

let db: Db;
let closeDb: () => Promise<void>;
const now = Date.now();
const ctxAs = (viewer: Viewer): Context => ({
  db,
  pubsub: createInProcessPubSub(),
  logger: createLogger('silent'),
  env: parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
  now: () => new Date(now),
  viewer,
});
let operator: Viewer;
let carrier: Viewer;
let centroid: LatLng;

/** Every edge of a query, following endCursor page by page. */
async function allPages<T>(page: (after: string | null) => Promise<LocatedConnection<T>>): Promise<{ node: T; distanceKm: number | null }[]> {
  const edges: { node: T; distanceKm: number | null }[] = [];
  let after: string | null = null;
  for (;;) {
    const connection = await page(after);
    edges.push(...connection.edges);
    if (!connection.pageInfo.hasNextPage) return edges;
    after = connection.pageInfo.endCursor;
  }
}

beforeAll(async () => {
  ({ db, close: closeDb } = await testDatabase());
  await seedDemo({ ctx: { db }, input: DEFAULT_SEED });
  const complex = getComplex({ ctx: ctxAs({ organisationId: 1, role: 'ADMIN', complexId: null, apiKeyId: null }), input: { code: 'BANWOL_SIHWA' } });
  centroid = { lat: complex.centroidLat, lng: complex.centroidLng };
  const orgs = await db.select().from(organisations).where(eq(organisations.complexId, complex.id)).all();
  const viewer = (o: (typeof orgs)[number]): Viewer => ({ organisationId: o.id, role: o.role, complexId: complex.id, apiKeyId: null });
  const manufacturers = orgs.filter((o) => o.role === 'MANUFACTURER').slice(0, 5).map(viewer);
  operator = viewer(orgs.find((o) => o.role === 'OPERATOR')!);
  carrier = viewer(orgs.find((o) => o.role === 'CARRIER')!);
  const rand = rng(20_261_124);
  for (let i = 0; i < REQUESTS; i++) {
    const origin = pointNear(centroid, complex.radiusKm + 29, rand);
    await createShipmentRequest({
      ctx: ctxAs(manufacturers[i % manufacturers.length]!),
      input: {
        idempotencyKey: randomUUID(),
        origin,
        destination: pointNear({ lat: 36.3, lng: 127.8 }, 80, rand),
        weightKg: 100 + Math.floor(rand() * 20_000),
        pallets: 1 + Math.floor(rand() * 20),
        cargoClass: rand() < 0.8 ? 'GENERAL' : 'CHILLED',
        loadingAtOrigin: 'FORKLIFT',
        loadingAtDestination: 'FORKLIFT',
        pickupWindow: { from: new Date(now + 2 * HOUR), until: new Date(now + 8 * HOUR) },
        deliverBy: new Date(now + 48 * HOUR),
      },
    });
  }
  // Some requests leave the market: the board must not show them.
  const first = (await db.select().from(shipmentRequests).limit(1).get())!;
  await db.update(shipmentRequests).set({ status: 'CANCELLED' }).where(eq(shipmentRequests.id, first.id)).run();
});
afterAll(() => closeDb());

describe('near on shipment requests and the open-load board, against a brute-force scan', () => {
  const rand = rng(7);
  const searches = Array.from({ length: 12 }, () => ({ ...pointNear({ lat: 37.325, lng: 126.75 }, 30, rand), radiusKm: 0.5 + rand() * 25 }));

  it.each(searches.map((s, i) => [i, s] as const))('request origins: search %i matches every origin within the radius, nearest first', async (_i, near) => {
    const expected = (await db
      .select()
      .from(shipmentRequests)
      .all())
      .map((r) => ({ id: r.id, d: haversineKm(near, { lat: r.originLat, lng: r.originLng }) }))
      .filter((r) => r.d <= near.radiusKm)
      .sort((a, b) => a.d - b.d);
    const edges = await allPages((after) => listShipmentRequests({ ctx: ctxAs(operator), input: { filter: { near }, first: 7, after } }));
    expect(edges.map((e) => e.node.id)).toEqual(expected.map((r) => r.id));
    edges.forEach((e, i) => expect(e.distanceKm).toBeCloseTo(expected[i]!.d, 9));
  });

  it.each(searches.map((s, i) => [i, s] as const))('open loads: search %i matches every OPEN load whose origin area centre is within the radius', async (_i, near) => {
    const expected = (await db
      .select()
      .from(shipmentRequests)
      .where(eq(shipmentRequests.status, 'OPEN'))
      .all())
      .map((r) => {
        const [lat, lng] = cellToLatLng(cellToParent(r.originH3R9, 7));
        return { id: r.id, d: haversineKm(near, { lat, lng }) };
      })
      .filter((r) => r.d <= near.radiusKm)
      .sort((a, b) => a.d - b.d);
    const edges = await allPages((after) => listOpenLoads({ ctx: ctxAs(carrier), input: { complexCode: 'BANWOL_SIHWA', filter: { near }, first: 9, after } }));
    expect(edges.map((e) => e.node.id)).toEqual(expected.map((r) => r.id));
    edges.forEach((e, i) => expect(e.distanceKm).toBeCloseTo(expected[i]!.d, 9));
  });

  it('finds a load from its area centre even when the exact origin lies outside a small search disc', async () => {
    const open = await db.select().from(shipmentRequests).where(eq(shipmentRequests.status, 'OPEN')).limit(60).all();
    for (const r of open) {
      const [lat, lng] = cellToLatLng(cellToParent(r.originH3R9, 7));
      const found = await listOpenLoads({ ctx: ctxAs(carrier), input: { complexCode: 'BANWOL_SIHWA', filter: { near: { lat, lng, radiusKm: 0.2 } }, first: 100 } });
      expect(found.edges.map((e) => e.node.id)).toContain(r.id);
    }
  });

  it('the searches are not trivial: together they find hundreds of requests, and some find none', async () => {
    const counts: number[] = [];
    for (const near of searches) counts.push(await (await listShipmentRequests({ ctx: ctxAs(operator), input: { filter: { near }, first: 1 } })).totalCount);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(200);
    expect(Math.max(...counts)).toBeLessThan(REQUESTS);
  });

  it('combines near with the other filters', async () => {
    const near = { ...centroid, radiusKm: 10 };
    const chilled = await allPages((after) => listShipmentRequests({ ctx: ctxAs(operator), input: { filter: { near, cargoClass: 'CHILLED', status: ['OPEN'] }, after } }));
    const expected = (await db
      .select()
      .from(shipmentRequests)
      .all())
      .filter((r) => r.cargoClass === 'CHILLED' && r.status === 'OPEN' && haversineKm(near, { lat: r.originLat, lng: r.originLng }) <= 10);
    expect(chilled.map((e) => e.node.id).sort((a, b) => a - b)).toEqual(expected.map((r) => r.id).sort((a, b) => a - b));
  });

  it('pages the board by distance with filters, counting every hit whichever page is asked', async () => {
    const near = { ...centroid, radiusKm: 12 };
    const areaDistance = (cell: string) => {
      const [lat, lng] = cellToLatLng(cellToParent(cell, 7));
      return haversineKm(near, { lat, lng });
    };
    const expected = (await db
      .select()
      .from(shipmentRequests)
      .where(eq(shipmentRequests.status, 'OPEN'))
      .all())
      .filter((r) => r.cargoClass === 'GENERAL' && areaDistance(r.originH3R9) <= near.radiusKm)
      .sort((a, b) => areaDistance(a.originH3R9) - areaDistance(b.originH3R9) || a.id - b.id);
    expect(expected.length).toBeGreaterThan(20);
    const page = (after: string | null) =>
      listOpenLoads({ ctx: ctxAs(carrier), input: { complexCode: 'BANWOL_SIHWA', filter: { near, cargoClass: 'GENERAL', pickupFrom: new Date(now), pickupTo: new Date(now + 3 * HOUR) }, first: 6, after } });
    const pages: LocatedConnection<{ id: number }>[] = [];
    for (let after: string | null = null; pages.length === 0 || pages.at(-1)!.pageInfo.hasNextPage; after = pages.at(-1)!.pageInfo.endCursor) pages.push(await page(after));
    expect(pages.flatMap((p) => p.edges.map((e) => e.node.id))).toEqual(expected.map((r) => r.id));
    for (const p of pages) expect(await p.totalCount).toBe(expected.length);
    expect(pages.at(-1)!.edges.length).toBeGreaterThan(0);
    // A window that no pickup overlaps finds nothing.
    const none = await listOpenLoads({ ctx: ctxAs(carrier), input: { complexCode: 'BANWOL_SIHWA', filter: { near, pickupTo: new Date(now + HOUR) } } });
    expect([none.edges.length, await none.totalCount, none.pageInfo.hasNextPage]).toEqual([0, 0, false]);
  });

  it('lists each combination of filters as a full read filtered by hand does, page by page, records and counts alike', async () => {
    const all = await db.select().from(shipmentRequests).all();
    const admin: Viewer = { organisationId: 1, role: 'ADMIN', complexId: null, apiKeyId: null };
    const manufacturer: Viewer = { ...operator, organisationId: all.find((r) => r.complexId === operator.complexId)!.shipperOrgId, role: 'MANUFACTURER' };
    const filters = [
      {},
      { status: ['OPEN' as const] },
      { status: ['CANCELLED' as const, 'OPEN' as const], cargoClass: 'CHILLED' as const },
      { pickupFrom: new Date(now + 3 * HOUR), pickupTo: new Date(now + 5 * HOUR) },
      { complexCode: 'BANWOL_SIHWA', pickupTo: new Date(now + HOUR) },
    ];
    for (const viewer of [operator, manufacturer, admin]) {
      for (const filter of filters) {
        const expected = all
          .filter((r) => viewer.role === 'ADMIN' || (viewer.role === 'OPERATOR' ? r.complexId === viewer.complexId : r.shipperOrgId === viewer.organisationId))
          .filter((r) => (!filter.status || filter.status.includes(r.status as 'OPEN')) && (!filter.cargoClass || r.cargoClass === filter.cargoClass))
          .filter((r) => (!filter.pickupFrom || r.pickupUntil >= filter.pickupFrom) && (!filter.pickupTo || r.pickupFrom <= filter.pickupTo))
          .filter((r) => !filter.complexCode || r.complexId === operator.complexId)
          .sort((a, b) => b.id - a.id);
        const label = `${viewer.role} ${JSON.stringify(filter)}`;
        const edges = await allPages((after) => listShipmentRequests({ ctx: ctxAs(viewer), input: { filter, first: 37, after } }));
        expect(edges.map((e) => e.node), label).toEqual(expected);
        expect(await (await listShipmentRequests({ ctx: ctxAs(viewer), input: { filter, first: 1 } })).totalCount, label).toBe(expected.length);
      }
    }
  });
});
