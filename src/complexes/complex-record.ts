import { eq, type SQL } from 'drizzle-orm';
import { complexes, logisticsCentres } from '../../db/schema';
import type { Context } from '../context';

export type CentreRecord = typeof logisticsCentres.$inferSelect;
export type ComplexRecord = typeof complexes.$inferSelect & { centre: CentreRecord };

/** Complexes with their centre, in one query. */
export function selectComplexes(ctx: Pick<Context, 'db'>, where?: SQL): ComplexRecord[] {
  return ctx.db
    .select({ complex: complexes, centre: logisticsCentres })
    .from(complexes)
    .innerJoin(logisticsCentres, eq(logisticsCentres.complexId, complexes.id))
    .where(where)
    .orderBy(complexes.id)
    .all()
    .map(({ complex, centre }) => ({ ...complex, centre }));
}
