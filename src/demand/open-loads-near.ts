import { and, asc, count, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { literalLimit, preparedPerKey, type ColumnSet } from '../../db/prepared';
import { inJson } from '../../db/sql';
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
function inArea(f: Filters, area: SQL = eq(shipmentRequests.originH3R7, sql.placeholder('area'))) {
  return and(
    eq(shipmentRequests.complexId, sql.placeholder('complexId')),
    eq(shipmentRequests.status, 'OPEN'),
    area,
    f.cargoClass ? eq(shipmentRequests.cargoClass, sql.placeholder('cargoClass')) : undefined,
    f.pickupFrom ? gte(shipmentRequests.pickupUntil, sql`${sql.placeholder('pickupFrom')}`) : undefined,
    f.pickupTo ? lte(shipmentRequests.pickupFrom, sql`${sql.placeholder('pickupTo')}`) : undefined,
  );
}

type Params = Record<string, unknown>;
const areaParam = (area: string) => shipmentRequests.originH3R7.mapToDriverValue(area);
/** Areas read one statement each before the rest are counted in one (a 3 km disc holds some 20). */
const AREAS_WALKED_BEFORE_COUNTING = 32;
const loadStatements = preparedPerKey<{ values(params: Params): unknown[][] }>();
const countStatements = preparedPerKey<{ all(params: Params): { area: string; n: number }[] }>();

/** The area's loads by id with `read`'s columns, `limit` of them after skipping `offset` (all with a null limit). */
async function areaLoads(db: Db, f: Filters, read: ColumnSet<BoardRow>, limit: number | null, params: Params): Promise<BoardRow[]> {
  const key = `${!!f.cargoClass} ${!!f.pickupFrom} ${!!f.pickupTo} ${limit} ${read.key}`;
  const statement = loadStatements(db, key, () => {
    const q = db.select(read.columns).from(shipmentRequests).where(inArea(f)).orderBy(asc(shipmentRequests.id));
    return (limit === null ? q : q.limit(literalLimit(limit)).offset(sql.placeholder('offset'))).prepare();
  });
  return (await statement.values(params)).map(read.decode);
}

/**
 * Each area's OPEN loads passing the filters, counted in one statement through the same index: areas with none are
 * then never walked (a 50 km disc holds a thousand areas, a statement each on PostgreSQL), and skips and totals need
 * no statement of their own. Areas are bound as one JSON array of their stored codes, so one statement serves any count.
 */
async function areaCounts(db: Db, f: Filters, params: Params, areas: readonly string[]): Promise<Map<string, number>> {
  const key = `${!!f.cargoClass} ${!!f.pickupFrom} ${!!f.pickupTo}`;
  const statement = countStatements(db, key, () =>
    db
      .select({ area: shipmentRequests.originH3R7, n: count() })
      .from(shipmentRequests)
      .where(inArea(f, inJson(shipmentRequests.originH3R7, sql.placeholder('areas'))))
      .groupBy(shipmentRequests.originH3R7)
      .prepare(),
  );
  const rows = await statement.all({ ...params, areas: JSON.stringify(areas.map((area) => Number(areaParam(area)))) });
  return new Map(rows.map((r) => [r.area, r.n]));
}

/**
 * A board search by distance, one page of it: the hits are the loads of the origin areas whose centre lies within
 * `near` (areasWithin), nearest area first, then by id. Areas are walked in that order and only the page's loads
 * (`first` + 1, to tell whether more follow) are read, with `read`'s columns; areas wholly before `offset` are
 * skipped by their counts, taken for every area in one statement, as the total is when asked for.
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
  const within = areasWithin(near, reach);
  // Areas at exactly the same distance form one tier, whose loads are ordered by id together.
  const tiers = new Map<number, string[]>();
  for (const [area, distanceKm] of within) {
    const tier = tiers.get(distanceKm);
    if (tier) tier.push(area);
    else tiers.set(distanceKm, [area]);
  }
  const ordered = [...tiers].sort((a, b) => a[0] - b[0]);
  let counts: Map<string, number> | undefined;
  const countAll = async () => (counts ??= within.size === 0 ? new Map() : await areaCounts(db, where, params, [...within.keys()]));
  const loadsOf = async (areas: string[], limit: number, skip: number): Promise<BoardRow[]> => {
    if (areas.length === 1) return areaLoads(db, where, read, limit, { ...params, area: areaParam(areas[0]!), offset: skip });
    const loads: BoardRow[] = [];
    for (const area of areas) loads.push(...(await areaLoads(db, where, read, null, { ...params, area: areaParam(area) })));
    return loads.sort((a, b) => a.id - b.id).slice(skip, skip + limit);
  };

  const hits: { row: BoardRow; distanceKm: number }[] = [];
  let skip = offset;
  let walked = 0;
  for (const [distanceKm, tier] of ordered) {
    if (hits.length > first) break;
    // Past the first page, or when the nearest areas have not filled it (a wide disc, mostly empty), the counts say
    // which areas hold loads and how many, in one statement; a dense board's first page never needs them.
    if (skip > 0 || walked >= AREAS_WALKED_BEFORE_COUNTING) await countAll();
    const areas = counts ? tier.filter((area) => counts!.has(area)) : tier;
    if (areas.length === 0) continue;
    if (skip > 0) {
      const n = areas.reduce((sum, area) => sum + counts!.get(area)!, 0);
      if (n <= skip) {
        skip -= n;
        continue;
      }
    }
    for (const load of await loadsOf(areas, first + 1 - hits.length, skip)) hits.push({ row: load, distanceKm });
    walked += areas.length;
    skip = 0;
  }
  return { hits, totalCount: async () => [...(await countAll()).values()].reduce((sum, n) => sum + n, 0) };
}
