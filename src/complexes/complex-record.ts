import { eq, sql } from 'drizzle-orm';
import { preparedPerDatabase } from '../../db/prepared';
import type { Db } from '../../db/client';
import { complexes, logisticsCentres } from '../../db/schema';
import type { Context } from '../context';

export type CentreRecord = typeof logisticsCentres.$inferSelect;
export type ComplexRecord = typeof complexes.$inferSelect & { centre: CentreRecord };

const withCentre = (db: Db) =>
  db.select({ complex: complexes, centre: logisticsCentres }).from(complexes).innerJoin(logisticsCentres, eq(logisticsCentres.complexId, complexes.id));

/** Complexes with their centre, in one query each; public reads run them on every request, so they are prepared once. */
const statements = preparedPerDatabase((db) => ({
  all: withCentre(db).orderBy(complexes.id).prepare(),
  byCode: withCentre(db).where(eq(complexes.code, sql.placeholder('code'))).prepare(),
  byId: withCentre(db).where(eq(complexes.id, sql.placeholder('id'))).prepare(),
}));

const toRecord = ({ complex, centre }: { complex: typeof complexes.$inferSelect; centre: CentreRecord }): ComplexRecord => ({ ...complex, centre });

/** Every complex with its centre, in id order. */
export function selectComplexes(ctx: Pick<Context, 'db'>): ComplexRecord[] {
  return statements(ctx.db).all.all().map(toRecord);
}

/** One complex with its centre, by code or internal id; undefined when there is none. */
export function selectComplex(ctx: Pick<Context, 'db'>, key: { code: string } | { id: number }): ComplexRecord | undefined {
  const row = 'code' in key ? statements(ctx.db).byCode.get({ code: key.code }) : statements(ctx.db).byId.get({ id: key.id });
  return row && toRecord(row);
}
