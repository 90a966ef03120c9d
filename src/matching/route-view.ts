import { and, eq, exists, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bookings, codeOf, HOLDING_BOOKING_STATUSES, OFFER_STATUS_CODES, offers, routes, vehicles, type BookingStatus, type OfferStatus, type RouteStopAction } from '../../db/schema';
import type { OrganisationRole } from '../../db/schema';
import type { Viewer } from '../context';
import { offerStatusAt, type OfferRecord } from './offer-record';
import type { RouteRecord } from './route-record';
import { stopsOfRoutes, type RouteStopRow } from './route-plan';
import { groupBy } from '../group-by';

/** A booked route whose every share ended before pickup: CANCELLED by the shippers, or RETURNED (given back). */
export type RouteStatus = OfferStatus | EndedBefore;
type EndedBefore = 'CANCELLED' | 'RETURNED';

/** Who may read routes: a shipper sees its share of one, a carrier its vehicles', an operator its complex's. */
export const ROUTE_READERS: OrganisationRole[] = ['MANUFACTURER', 'CARRIER', 'OPERATOR', 'ADMIN'];

/** One stop as the viewer may see it. */
export interface RouteStopView {
  /** 1-based position among the stops the viewer sees. */
  seq: number;
  action: RouteStopAction;
  requestId: number;
  lat: number;
  lng: number;
  arriveAt: Date;
  startAt: Date;
  departAt: Date;
  kgAfter: number;
  palletsAfter: number;
}

/**
 * A route as one viewer may see it. The carrier of its vehicle, the complex's operators and admins see it whole;
 * a shipper sees only its share: its own shares and stops, its own load on board after each, its own price and
 * km, and its own first and last stop as start and end; `sharedBy` is all it learns of the others.
 */
export interface RouteView extends Omit<RouteRecord, 'revision'> {
  /** Null for a shipper, like `extendsRouteId`: neither is its business. */
  revision: number | null;
  status: RouteStatus;
  /** Distinct shippers on the whole route. */
  sharedBy: number;
  shares: OfferRecord[];
  stops: RouteStopView[];
}

/** Which routes a caller may see (callers outside ROUTE_READERS are refused before). */
export function routeScope(viewer: Viewer): SQL | undefined {
  switch (viewer.role) {
    case 'MANUFACTURER':
      // Its offers' routes, and the booked routes its accepted extension shares joined.
      return exists(
        sql`(select 1 from ${offers} o join ${routes} x on x.id = o.route_id where o.shipper_org_id = ${viewer.organisationId}
          and (x.id = ${routes.id} or (x.extends_route_id = ${routes.id} and o.status = ${codeOf(OFFER_STATUS_CODES, 'ACCEPTED')})))`,
      );
    case 'CARRIER':
      return inArray(routes.vehicleId, sql`(select ${vehicles.id} from ${vehicles} where ${vehicles.carrierOrgId} = ${viewer.organisationId})`);
    case 'OPERATOR':
      return eq(routes.complexId, viewer.complexId!);
    case 'WAREHOUSE_OWNER':
      return sql`false`;
    case 'ADMIN':
      return undefined;
  }
}

/** The routes `rows` as `viewer` may see them, in the same order: a fixed number of queries for any number of routes. */
export async function viewRoutes(db: Db, viewer: Viewer, rows: RouteRecord[], now: Date): Promise<RouteView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const sharesOf = groupBy(await db.select().from(offers).where(inArray(offers.routeId, ids)).orderBy(offers.id).all(), (o) => o.routeId!);
  // A booked route's shares include those of its accepted extensions (their bookings ride on it); an extension
  // is shared with whoever is booked on the route it extends.
  const joined = await db
    .select({ offer: offers, extends: routes.extendsRouteId })
    .from(offers)
    .innerJoin(routes, eq(routes.id, offers.routeId))
    .where(and(inArray(routes.extendsRouteId, ids), eq(offers.status, 'ACCEPTED')))
    .orderBy(offers.id)
    .all();
  for (const { offer, extends: base } of joined) (sharesOf.get(base!) ?? sharesOf.set(base!, []).get(base!)!).push(offer);
  // A booked share rides on the booked route (an accepted extension's too), so bookings are read by that route, in
  // one query: those holding say who shares an extension's truck; a request whose booking ended before pickup is no
  // longer on the route.
  const bookedOn = (r: RouteRecord) => r.extendsRouteId ?? r.id;
  const onRoutes = await db
    .select({ routeId: bookings.routeId, requestId: bookings.requestId, shipperOrgId: bookings.shipperOrgId, status: bookings.status, pickupAt: bookings.pickupAt, deliverAt: bookings.deliverAt })
    .from(bookings)
    .where(inArray(bookings.routeId, [...new Set(rows.map(bookedOn))]))
    .all();
  const holding: readonly BookingStatus[] = HOLDING_BOOKING_STATUSES;
  const bookedOf = groupBy(onRoutes.filter((b) => holding.includes(b.status)), (b) => b.routeId!);
  const ended = new Map(onRoutes.flatMap((b) => (b.status === 'CANCELLED' || b.status === 'RETURNED' ? [[`${b.routeId}:${b.requestId}`, b.status] as const] : [])));
  // A booked share's times are its booking's, which a later extension moves with its stops (the offer keeps the round's).
  const bookedTimes = new Map(onRoutes.flatMap((b) => (holding.includes(b.status) ? [[`${b.routeId}:${b.requestId}`, { pickupAt: b.pickupAt, deliverAt: b.deliverAt }] as const] : [])));
  const stopsOf = await stopsOfRoutes(db, ids);
  // An accepted extension's stops became those of the booked route it extends (its bookings ride there): shown from it.
  const merged = rows.filter((r) => r.extendsRouteId && !stopsOf.has(r.id) && (sharesOf.get(r.id) ?? []).some((s) => s.status === 'ACCEPTED'));
  const baseStopsOf = await stopsOfRoutes(db, merged.map((r) => r.extendsRouteId!));
  for (const r of merged) stopsOf.set(r.id, baseStopsOf.get(r.extendsRouteId!) ?? []);
  // And its start and end are the booked route's, which a later extension moves again.
  const baseTimesOf = new Map(
    merged.length === 0
      ? []
      : (await db.select({ id: routes.id, startAt: routes.startAt, endAt: routes.endAt }).from(routes).where(inArray(routes.id, merged.map((r) => r.extendsRouteId!))).all()).map(({ id, ...times }) => [id, times]),
  );
  return rows.map((row) => {
    const route = merged.includes(row) ? { ...row, ...baseTimesOf.get(row.extendsRouteId!) } : row;
    const endedOf = (requestId: number) => ended.get(`${bookedOn(route)}:${requestId}`);
    const all = sharesOf.get(route.id) ?? [];
    const gone = all.filter((s) => s.status === 'ACCEPTED' && endedOf(s.requestId));
    const shares = all.filter((s) => !gone.includes(s)).map((s) => (s.status === 'ACCEPTED' ? { ...s, ...bookedTimes.get(`${bookedOn(route)}:${s.requestId}`) } : s));
    const sharedBy = new Set([...shares, ...(route.extendsRouteId ? (bookedOf.get(route.extendsRouteId) ?? []) : [])].map((s) => s.shipperOrgId)).size;
    const stops = stopsOf.get(route.id) ?? [];
    const status = (own: OfferRecord[], left: OfferRecord[]) => (left.length === 0 && own.length > 0 ? endedStatus(own.map((s) => endedOf(s.requestId)!)) : statusOf(left, now));
    if (viewer.role !== 'MANUFACTURER') {
      const kept = keptStops(stops, (id) => !endedOf(id));
      return {
        ...route,
        // The truck is done at its last stop still booked (a share that ended was perhaps the last drop).
        endAt: gone.length > 0 ? (kept.at(-1)?.departAt ?? route.endAt) : route.endAt,
        // A share ended before pickup takes its price and its part of the km with it (they were split alike).
        priceKrw: route.priceKrw - sum(gone, (s) => s.priceKrw),
        deadheadKm: Math.max(0, route.deadheadKm - sum(gone, (s) => s.deadheadKm)),
        loadedKm: Math.max(0, route.loadedKm - sum(gone, (s) => s.loadedKm)),
        status: status(gone, shares),
        sharedBy,
        shares,
        stops: kept,
      };
    }
    const own = shares.filter((s) => s.shipperOrgId === viewer.organisationId);
    const ownGone = gone.filter((s) => s.shipperOrgId === viewer.organisationId);
    const ownRequests = new Set(own.map((s) => s.requestId));
    const ownStops = keptStops(stops, (id) => ownRequests.has(id));
    return {
      ...route,
      priceKrw: sum(own, (s) => s.priceKrw),
      deadheadKm: sum(own, (s) => s.deadheadKm),
      loadedKm: sum(own, (s) => s.loadedKm),
      extendsRouteId: null,
      revision: null,
      extendsRevision: null,
      extendsStopsDone: null,
      startAt: ownStops[0]?.arriveAt ?? route.startAt,
      endAt: ownStops.at(-1)?.departAt ?? route.endAt,
      status: status(ownGone, own),
      sharedBy,
      shares: own,
      stops: ownStops,
    };
  });
}

/**
 * The stops of the requests `kept`, numbered among themselves, with the load on board after each counting only
 * theirs: what a stop changes on board is its load after it minus the previous stop's, so the others' loads drop out.
 * A shipper keeps its own; everyone keeps the requests still booked on the route.
 */
function keptStops(stops: RouteStopRow[], kept: (requestId: number) => boolean): RouteStopView[] {
  const view: RouteStopView[] = [];
  let kg = 0;
  let pallets = 0;
  stops.forEach((stop, i) => {
    if (!kept(stop.requestId)) return;
    kg += stop.kgAfter - (stops[i - 1]?.kgAfter ?? 0);
    pallets += stop.palletsAfter - (stops[i - 1]?.palletsAfter ?? 0);
    view.push({ ...stop, seq: view.length + 1, kgAfter: kg, palletsAfter: pallets });
  });
  return view;
}

/** A booked route whose every share ended: RETURNED when any was given back, else CANCELLED. */
function endedStatus(ends: EndedBefore[]): EndedBefore {
  return ends.includes('RETURNED') ? 'RETURNED' : 'CANCELLED';
}

/**
 * A route's status from its shares, which are accepted or declined together: ACCEPTED once booked; PENDING
 * while every share waits and none has expired; otherwise what made it unacceptable (a share declined, expired,
 * or withdrawn because its request was cancelled or booked elsewhere).
 */
function statusOf(shares: OfferRecord[], now: Date): RouteStatus {
  const statuses = new Set(shares.map((s) => offerStatusAt(s, now)));
  for (const status of ['ACCEPTED', 'DECLINED', 'EXPIRED', 'WITHDRAWN'] as const) if (statuses.has(status)) return status;
  return 'PENDING';
}

const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);
