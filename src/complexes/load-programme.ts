import { eq } from 'drizzle-orm';
import { latLngToCell } from 'h3-js';
import { transact } from '../../db/transaction';
import { complexes, logisticsCentres } from '../../db/schema';
import type { Context } from '../context';
import { loadComplexes } from './complex-record';
import { FINEST_RESOLUTION, serviceAreaCells } from '../geo/h3';
import { centreAssumptions, PROGRAMME_COMPLEXES } from './programme';

/**
 * Inserts the seven programme complexes and their centres, skipping any already present, gives each centre its
 * business registration number when it has another (or none: databases made before the column), and loads them
 * for reads. Returns how many complexes were added. The service runs it at every start (they are built in, demo
 * data or not): once all seven are there as the programme has them, it writes nothing.
 */
export async function loadProgramme({ ctx }: { ctx: Pick<Context, 'db'> }): Promise<number> {
  const present = await ctx.db.select({ code: complexes.code }).from(complexes).all();
  const added = present.length >= PROGRAMME_COMPLEXES.length ? 0 : await transact(ctx.db, async (tx) => {
    let added = 0;
    for (const c of PROGRAMME_COMPLEXES) {
      const [row] = await tx
        .insert(complexes)
        .values({
          code: c.code,
          nameKo: c.nameKo,
          nameEn: c.nameEn,
          region: c.region,
          industries: c.mainIndustries,
          industriesKo: c.mainIndustriesKo,
          productionTrillionKrw: c.productionTrillionKrw,
          employment: c.employment,
          tenantCompanies: c.tenantCompanies,
          designatedYear: c.smartDesignatedYear,
          smartDirection: c.smartDirection,
          logisticsPlatform: c.logisticsPlatform,
          centroidLat: c.centroid.lat,
          centroidLng: c.centroid.lng,
          radiusKm: c.approxRadiusKm,
          serviceAreaCells: serviceAreaCells(c.centroid, c.approxRadiusKm),
        })
        .onConflictDoNothing()
        .returning({ id: complexes.id })
        .all();
      if (!row) continue;
      const centre = centreAssumptions(c);
      await tx
        .insert(logisticsCentres)
        .values({ complexId: row.id, ...centre, h3Cell: latLngToCell(centre.lat, centre.lng, FINEST_RESOLUTION) })
        .run();
      added++;
    }
    return added;
  });
  const centres = await ctx.db.select({ id: logisticsCentres.id, code: complexes.code, brn: logisticsCentres.businessRegistrationNumber }).from(logisticsCentres).innerJoin(complexes, eq(complexes.id, logisticsCentres.complexId)).all();
  const stale = centres.flatMap((c) => {
    const programmed = PROGRAMME_COMPLEXES.find((p) => p.code === c.code);
    const brn = programmed && centreAssumptions(programmed).businessRegistrationNumber;
    return brn && brn !== c.brn ? [{ id: c.id, brn }] : [];
  });
  if (stale.length > 0) {
    await transact(ctx.db, async (tx) => {
      for (const c of stale) await tx.update(logisticsCentres).set({ businessRegistrationNumber: c.brn }).where(eq(logisticsCentres.id, c.id)).run();
    });
  }
  await loadComplexes(ctx.db);
  return added;
}
