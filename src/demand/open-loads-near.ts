import { and, asc, count, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { literalLimit, preparedPerKey, type ColumnSet } from '../../db/prepared';
import { CARGO_CLASS_CODES, shipmentRequests, type CargoClass } from '../../db/schema';
import type { NearInput } from '../geo/near';
import { areasWithin, type BoardRow } from './open-load';
import type { OriginReach } from './request-context';

export interface BoardWhere {
  complexId: number;
  cargoClass?: CargoClass | null;
  pickupFrom?: Date | null;
  pickupTo?: Date | null;
}

type Filters = Omit<BoardWhere, 'complexId'>;

/**
 * The OPEN loads of one origin area passing the filters, through the (complex, status, area) index (covering when
 * no filter reads the row). Times are bound as epoch ms, the cargo class as its code and the area as its column stores
 * it: drizzle does not encode a placeholder compared with a column.
 */
function inArea(f: Filters) {
  return and(
    eq(shipmentRequests.complexId, sql.placeholder('complexId')),
    eq(shipmentRequests.status, 'OPEN'),
    eq(shipmentRequests.originH3R7, sql.placeholder('area')),
    f.cargoClass ? eq(shipmentRequests.cargoClass, sql.placeholder('cargoClass')) : undefined,
    f.pickupFrom ? gte(shipmentRequests.pickupUntil, sql`${sql.placeholder('pickupFrom')}`) : undefined,
    f.pickupTo ? lte(shipmentRequests.pickupFrom, sql`${sql.placeholder('pickupTo')}`) : undefined,
  );
}

type Params = Record<string, unknown>;
const areaParam = (area: string) => shipmentRequests.originH3R7.mapToDriverValue(area);
const loadStatements = preparedPerKey<{ values(params: Params): unknown[][] }>();
const countStatements = preparedPerKey<{ get(params: Params): { n: number } | undefined }>();

/** The area's loads by id with `read`'s columns, `limit` of them after skipping `offset` (all with a null limit). */
async function areaLoads(db: Db, f: Filters, read: ColumnSet<BoardRow>, limit: number | null, params: Params): Promise<BoardRow[]> {
  const key = `${!!f.cargoClass} ${!!f.pickupFrom} ${!!f.pickupTo} ${limit} ${read.key}`;
  const statement = loadStatements(db, key, () => {
    const q = db.select(read.columns).from(shipmentRequests).where(inArea(f)).orderBy(asc(shipmentRequests.id));
    return (limit === null ? q : q.limit(literalLimit(limit)).offset(sql.placeholder('offset'))).prepare();
  });
  return (await statement.values(params)).map(read.decode);
}

function areaCount(db: Db, f: Filters) {
  const key = `${!!f.cargoClass} ${!!f.pickupFrom} ${!!f.pickupTo}`;
  return countStatements(db, key, () => db.select({ n: count() }).from(shipmentRequests).where(inArea(f)).prepare());
}

/**
 * A board search by distance, one page of it: the hits are the loads of the origin areas whose centre lies within
 * `near` (areasWithin), nearest area first, then by id. Areas are walked in that order and only the page's loads
 * (`first` + 1, to tell whether more follow) are read, with `read`'s columns; areas wholly before `offset` are counted, not read, and
 * the total is counted only when asked for.
 */
export async function openLoadsNear(
  db: Db,
  where: BoardWhere,
  near: NearInput,
  reach: OriginReach,
  offset: number,
  first: number,
  read: ColumnSet<BoardRow>,
): Promise<{ hits: { row: BoardRow; distanceKm: number }[]; totalCount: () => Promise<number> }> {
  const params = { complexId: where.complexId, cargoClass: where.cargoClass && CARGO_CLASS_CODES[where.cargoClass], pickupFrom: where.pickupFrom?.getTime(), pickupTo: where.pickupTo?.getTime() };
  // Areas at exactly the same distance form one tier, whose loads are ordered by id together.
  const tiers = new Map<number, string[]>();
  for (const [area, distanceKm] of areasWithin(near, reach)) {
    const tier = tiers.get(distanceKm);
    if (tier) tier.push(area);
    else tiers.set(distanceKm, [area]);
  }
  const ordered = [...tiers].sort((a, b) => a[0] - b[0]);
  const counts = new Map<string, number>();
  const countOf = async (areas: string[]) => {
    let n = 0;
    for (const area of areas) {
      let c = counts.get(area);
      if (c === undefined) counts.set(area, (c = (await areaCount(db, where).get({ ...params, area: areaParam(area) }))!.n));
      n += c;
    }
    return n;
  };
  const loadsOf = async (areas: string[], limit: number, skip: number): Promise<BoardRow[]> => {
    if (areas.length === 1) return areaLoads(db, where, read, limit, { ...params, area: areaParam(areas[0]!), offset: skip });
    const loads: BoardRow[] = [];
    for (const area of areas) loads.push(...(await areaLoads(db, where, read, null, { ...params, area: areaParam(area) })));
    return loads.sort((a, b) => a.id - b.id).slice(skip, skip + limit);
  };

  const hits: { row: BoardRow; distanceKm: number }[] = [];
  let skip = offset;
  for (const [distanceKm, areas] of ordered) {
    if (hits.length > first) break;
    if (skip > 0) {
      const n = await countOf(areas);
      if (n <= skip) {
        skip -= n;
        continue;
      }
    }
    for (const load of await loadsOf(areas, first + 1 - hits.length, skip)) hits.push({ row: load, distanceKm });
    skip = 0;
  }
  return { hits, totalCount: () => countOf(ordered.flatMap(([, areas]) => areas)) };
}
