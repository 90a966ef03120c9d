import { eq } from 'drizzle-orm';
import { DIALECT } from '../../db/dialect';
import { preparedPerDatabase } from '../../db/prepared';
import type { Db } from '../../db/client';
import { complexes, logisticsCentres } from '../../db/schema';
import type { Context } from '../context';

export type CentreRecord = typeof logisticsCentres.$inferSelect;
export type ComplexRecord = typeof complexes.$inferSelect & { centre: CentreRecord };

const withCentre = (db: Db) =>
  db.select({ complex: complexes, centre: logisticsCentres }).from(complexes).innerJoin(logisticsCentres, eq(logisticsCentres.complexId, complexes.id));

/** Complexes with their centre, in one query, prepared once per database. */
const statements = preparedPerDatabase((db) => ({ all: withCentre(db).orderBy(complexes.id).prepare() }));

const toRecord = ({ complex, centre }: { complex: typeof complexes.$inferSelect; centre: CentreRecord }): ComplexRecord => Object.freeze({ ...complex, centre });

/**
 * The complexes are reference data: loadProgramme writes all seven in one transaction (and their centres' business
 * registration numbers, before it loads them) and nothing else updates them.
 * So each database's are read once (parsing their service areas' JSON on every public request cost more than
 * the rest of the query) and kept, frozen; an empty read is not kept, so a database seeded later is seen. On
 * PostgreSQL a read cannot be synchronous: there the service loads them when it starts (loadComplexes) and
 * loadProgramme after it writes them.
 */
const loaded = new WeakMap<Db, readonly ComplexRecord[]>();

/** Reads the database's complexes into the cache and returns them. */
export async function loadComplexes(db: Db): Promise<readonly ComplexRecord[]> {
  const all = (await statements(db).all.all()).map(toRecord);
  if (all.length > 0) loaded.set(db, all);
  return all;
}

/** Every complex with its centre, in id order. */
export function selectComplexes(ctx: Pick<Context, 'db'>): readonly ComplexRecord[] {
  let all = loaded.get(ctx.db);
  if (!all && DIALECT === 'sqlite') {
    all = statements(ctx.db).all.all().map(toRecord);
    if (all.length > 0) loaded.set(ctx.db, all);
  }
  return all ?? [];
}

/** One complex with its centre, by code or internal id; undefined when there is none. */
export function selectComplex(ctx: Pick<Context, 'db'>, key: { code: string } | { id: number }): ComplexRecord | undefined {
  return selectComplexes(ctx).find((c) => ('code' in key ? c.code === key.code : c.id === key.id));
}
