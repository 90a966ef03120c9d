import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/client';
import { transact } from '../../../db/transaction';
import { testDatabase } from '../../helpers/database';
import { complexes, listingAvailability, organisations, STORAGE_CLASSES, vehicles, warehouseListings, type OrganisationRole } from '../../../db/schema';
import type { Viewer } from '../../../src/context';
import type { Context } from '../../../src/context';
import { seedDemo } from '../../../scripts/demo/seed-demo';
import { parseEnv } from '../../../src/env';
import { haversineKm, type LatLng } from '../../../src/geo/distance';
import { createLogger } from '../../../src/logger';
import { createInProcessPubSub } from '../../../src/pubsub';
import { listListings } from '../../../src/supply/listings/list-listings';
import { locationColumns } from '../../../src/supply/location-input';
import { listVehicles } from '../../../src/supply/vehicles/list-vehicles';

/** Seeded LCG so failures repeat. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** A point uniformly spread over a disc of `radiusKm` around `centre`. */
function around(random: () => number, centre: LatLng, radiusKm: number): LatLng {
  const r = radiusKm * Math.sqrt(random());
  const bearing = 2 * Math.PI * random();
  return {
    lat: centre.lat + (r * Math.cos(bearing)) / 111.32,
    lng: centre.lng + (r * Math.sin(bearing)) / (111.32 * Math.cos((centre.lat * Math.PI) / 180)),
  };
}

describe('near searches against a brute-force distance scan (seeded random data)', () => {
  let db: Db;
  let closeDb: () => Promise<void>;
  let ctxAs: (viewer: Viewer) => Context;
  const viewers: Record<string, Viewer> = {};
  const centres: LatLng[] = [];
  const random = rng(20261121);

  beforeAll(async () => {
    ({ db, close: closeDb } = await testDatabase());
    await seedDemo({ ctx: { db }, input: { scale: 2, seed: 7 } });
    const env = parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_PATH: ':memory:' });
    ctxAs = (viewer) => ({ db, env, viewer, pubsub: createInProcessPubSub(), logger: createLogger('silent'), now: () => new Date() });
    const orgsOf = async (role: OrganisationRole, code: string) =>
      (await db
        .select({ id: organisations.id, complexId: organisations.complexId })
        .from(organisations)
        .innerJoin(complexes, eq(complexes.id, organisations.complexId))
        .where(and(eq(organisations.role, role), eq(complexes.code, code)))
        .all())
        .slice(0, 2);
    const viewerOf = (org: { id: number; complexId: number | null }, role: OrganisationRole): Viewer => ({ organisationId: org.id, role, complexId: org.complexId, apiKeyId: null });
    const carriers = [...(await orgsOf('CARRIER', 'BANWOL_SIHWA')), ...(await orgsOf('CARRIER', 'NAMDONG'))];
    const owners = [...(await orgsOf('WAREHOUSE_OWNER', 'BANWOL_SIHWA')), ...(await orgsOf('WAREHOUSE_OWNER', 'NAMDONG'))];
    viewers.carrier = viewerOf(carriers[0]!, 'CARRIER');
    viewers.owner = viewerOf(owners[0]!, 'WAREHOUSE_OWNER');
    viewers.operator = viewerOf((await orgsOf('OPERATOR', 'BANWOL_SIHWA'))[0]!, 'OPERATOR');
    viewers.manufacturer = viewerOf((await orgsOf('MANUFACTURER', 'BANWOL_SIHWA'))[0]!, 'MANUFACTURER');
    viewers.admin = { organisationId: 0, role: 'ADMIN', complexId: null, apiKeyId: null };

    // Banwol-Sihwa and Namdong are ~10 km apart: their records mix in one disc, which tests isolation.
    const hub = (await db.select({ lat: complexes.centroidLat, lng: complexes.centroidLng }).from(complexes).where(eq(complexes.code, 'BANWOL_SIHWA')).get())!;
    await transact(db, async (tx) => {
      for (let i = 0; i < 1_500; i++) {
        const org = carriers[Math.floor(random() * carriers.length)]!;
        await tx
          .insert(vehicles)
          .values({
            carrierOrgId: org.id,
            complexId: org.complexId!,
            plateNumber: `${10 + (i % 90)}가${1000 + i}`,
            status: random() < 0.1 ? 'RETIRED' : 'ACTIVE',
            tonnageClass: 'T5',
            payloadKg: 5_000,
            palletSlots: 10,
            bodyType: random() < 0.5 ? 'WING' : 'BOX',
            baseFeeKrw: 60_000,
            perKmKrw: 1_600,
            ...locationColumns(around(random, hub, 45)),
            locationUpdatedAt: new Date(),
          })
          .run();
      }
      for (let i = 0; i < 600; i++) {
        const org = owners[Math.floor(random() * owners.length)]!;
        const { id } = (await tx
          .insert(warehouseListings)
          .values({
            ownerOrgId: org.id,
            complexId: org.complexId!,
            name: `창고 ${i}`,
            status: random() < 0.15 ? 'WITHDRAWN' : 'ACTIVE',
            ...locationColumns(around(random, hub, 45)),
            storageClass: STORAGE_CLASSES[Math.floor(random() * 3)]!,
            totalPallets: 100,
            pricePerPalletDayKrw: 1_000,
            opensAt: '08:00',
            closesAt: '18:00',
          })
          .returning({ id: warehouseListings.id })
          .get())!;
        await tx.insert(listingAvailability).values({ listingId: id, fromDay: '2030-01-01', toDay: '2030-01-31', idlePallets: 50 }).run();
      }
    });
    for (let i = 0; i < 12; i++) centres.push(around(random, hub, 40));
  });
  afterAll(() => closeDb());

  /** Every page of a near search, following end cursors. */
  async function allPages<T extends { id: number }>(
    page: (after: string | undefined) => Promise<{ edges: { node: T; distanceKm: number | null }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number | Promise<number> }>,
  ) {
    const hits: { id: number; distanceKm: number }[] = [];
    let after: string | undefined;
    let totalCount = 0;
    do {
      const result = await page(after);
      totalCount = await result.totalCount;
      hits.push(...result.edges.map((e) => ({ id: e.node.id, distanceKm: e.distanceKm! })));
      after = result.pageInfo.hasNextPage ? result.pageInfo.endCursor! : undefined;
    } while (after);
    expect(hits).toHaveLength(totalCount);
    return hits;
  }

  /** The same search by scanning every row. */
  function bruteForce(rows: { id: number; lat: number; lng: number }[], centre: LatLng, radiusKm: number) {
    return rows
      .map((r) => ({ id: r.id, distanceKm: haversineKm(centre, r) }))
      .filter((r) => r.distanceKm <= radiusKm)
      .sort((a, b) => a.distanceKm - b.distanceKm || a.id - b.id);
  }

  it.each(['carrier', 'operator', 'admin'])('vehicles as %s: same ids, order and distances at 1–40 km', async (who) => {
    const viewer = viewers[who]!;
    const all = await db.select().from(vehicles).all();
    const visible = all.filter((v) => viewer.role === 'ADMIN' || (viewer.role === 'OPERATOR' ? v.complexId === viewer.complexId : v.carrierOrgId === viewer.organisationId));
    let nonEmpty = 0;
    for (const [i, centre] of centres.entries()) {
      const radiusKm = [1, 3, 5, 10, 25, 40][i % 6]!;
      const expected = bruteForce(
        visible.filter((v) => v.status === 'ACTIVE' && v.bodyType === 'WING'),
        centre,
        radiusKm,
      );
      const near = { ...centre, radiusKm };
      const got = await allPages((after) => listVehicles({ ctx: ctxAs(viewer), input: { filter: { near, status: 'ACTIVE', bodyType: 'WING' }, first: 37, after } }));
      expect(got).toEqual(expected);
      if (expected.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(3);
  });

  it.each(['owner', 'operator', 'manufacturer', 'admin'])('listings as %s: same ids, order and distances at 1–40 km', async (who) => {
    const viewer = viewers[who]!;
    const all = await db.select().from(warehouseListings).all();
    const visible = all.filter((l) => {
      if (viewer.role === 'ADMIN') return true;
      if (viewer.role === 'OPERATOR') return l.complexId === viewer.complexId;
      if (viewer.role === 'MANUFACTURER') return l.complexId === viewer.complexId && l.status === 'ACTIVE';
      return l.ownerOrgId === viewer.organisationId;
    });
    let nonEmpty = 0;
    for (const [i, centre] of centres.entries()) {
      const radiusKm = [40, 25, 10, 5, 3, 1][i % 6]!;
      const expected = bruteForce(
        visible.filter((l) => l.storageClass === 'AMBIENT'),
        centre,
        radiusKm,
      );
      const near = { ...centre, radiusKm };
      const got = await allPages((after) =>
        listListings({
          ctx: ctxAs(viewer),
          input: { filter: { near, storageClass: 'AMBIENT', availableFrom: '2030-01-10', availableTo: '2030-01-12' }, first: 29, after },
        }),
      );
      expect(got).toEqual(expected);
      if (expected.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(3);
  });
});
