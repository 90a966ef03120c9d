import { latLngToCell } from 'h3-js';
import { transact } from '../../db/transaction';
import { complexes, logisticsCentres } from '../../db/schema';
import type { Context } from '../context';
import { loadComplexes } from './complex-record';
import { FINEST_RESOLUTION, serviceAreaCells } from '../geo/h3';
import { centreAssumptions, PROGRAMME_COMPLEXES } from './programme';

/**
 * Inserts the seven programme complexes and their centres, skipping any already present, and loads them for reads.
 * Returns how many were added. The service runs it at every start (they are built in, demo data or not): once all
 * seven are there, it writes nothing.
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
  await loadComplexes(ctx.db);
  return added;
}
