import { and, eq, inArray } from 'drizzle-orm';
import { idList } from '../../db/prepared';
import { inJson, lockingRows } from '../../db/sql';
import type { Tx } from '../../db/transaction';
import { offers, routes, routeStops, shipmentRequests, vehicles, warehouseListings, type PlannedStop } from '../../db/schema';
import type { CostBreakdown, Offer, OfferBaseline, RoundInput } from './engine';
import { asRead, type RoundRead } from './round-input';
import { isoFromDay } from './engine';
import { markOffered } from '../market/mark-offered';
import { planRoute } from './route-plan';
import { awaitsTrunk } from '../market/awaiting-trunk';

export interface RecordedOffers {
  offerIds: number[];
  /** Requests that moved OPEN → OFFERED. */
  requestIds: number[];
}

/**
 * Writes a round's offers and marks their requests OFFERED (one awaiting a trunk keeps its status), inside the
 * caller's transaction. A request that left OPEN (or stopped awaiting a trunk) while the round was computing
 * (cancelled, expired), or whose shipper changed its terms meanwhile, keeps its state and gets no offer (the next
 * round considers it); a route is
 * written only if all its requests are still OPEN (its schedule and price split depend on all) and its truck and
 * their warehouses are still as the round read them (suppliersGone), with its stops (its plan: route_stops rows only
 * once booked) and one TRANSPORT offer per share.
 */
export async function recordOffers(tx: Tx, round: { id: number; complexId: number }, input: RoundRead, engineOffers: Offer[]): Promise<RecordedOffers> {
  const carrierOf = new Map(input.vehicles.map((v) => [v.id, Number(v.carrierOrgId)]));
  const ownerOf = new Map(input.listings.map((l) => [l.id, Number(l.ownerOrgId)]));
  const shipperOf = new Map(input.requests.map((r) => [r.id, Number(r.shipperOrgId)]));
  const createdAt = new Date(input.now);

  // The requests to offer still OPEN and on the terms the round priced: updated_at as it read it (equal, not later: set
  // by a change of terms, and otherwise only with a change of status). Locked (PostgreSQL), so that a change waits for
  // this write and then withdraws its offers, or this waits for the change and skips the request.
  const toOffer = [...new Set(engineOffers.flatMap((o) => (o.kind === 'ROUTE' ? o.shares.map((s) => Number(s.requestId)) : [Number(o.requestId)])))];
  const asNow = tx
    .select({ id: shipmentRequests.id, updatedAt: shipmentRequests.updatedAt })
    .from(shipmentRequests)
    .where(and(inJson(shipmentRequests.id, idList(toOffer)), eq(shipmentRequests.status, 'OPEN')))
    .orderBy(shipmentRequests.id);
  const rows = toOffer.length === 0 ? [] : await lockingRows(asNow).all();
  const open = rows.filter((r) => asRead(input, r));
  // Requests awaiting a trunk (theirs given back after their feeder's pickup) are offered one as they are: those the
  // round read so (atCentre) and still awaiting one. A round without any (nearly every round) reads nothing more.
  const atCentre = input.requests.filter((r) => r.atCentre).map((r) => Number(r.id));
  const awaiting = new Set(
    atCentre.length === 0
      ? []
      : (await tx.select({ id: shipmentRequests.id }).from(shipmentRequests).where(and(inArray(shipmentRequests.id, atCentre), awaitsTrunk(tx, { unoffered: true }))).all()).map((r) => String(r.id)),
  );
  const stillOpen = new Set([...open.map((r) => String(r.id)), ...awaiting]);
  const routed = new Set<string>();

  const offerIds: number[] = [];
  const offered = new Set<number>();
  const insert = async (values: typeof offers.$inferInsert) => {
    offerIds.push((await tx.insert(offers).values(values).returning({ id: offers.id }).get())!.id);
    offered.add(values.requestId);
  };
  const common = (offer: { priceKrw: number; breakdown: CostBreakdown; deadheadKm: number; loadedKm: number; co2Kg: number; expiresAt: number }) => ({
    roundId: round.id,
    createdAt,
    complexId: round.complexId,
    priceKrw: offer.priceKrw,
    ...offer.breakdown,
    deadheadKm: offer.deadheadKm,
    loadedKm: offer.loadedKm,
    co2Kg: offer.co2Kg,
    expiresAt: new Date(offer.expiresAt),
  });
  const baseline = (b: OfferBaseline) => ({
    baselineKrw: b.transportCostKrw,
    baselineCo2Kg: b.co2Kg,
    baselineLoadedKm: b.loadedKm,
  });

  // A route is written only if all its requests are still open, and a request through the centre only with both
  // legs: a route left out takes the other leg's route with it.
  const routeOffers = engineOffers.filter((o) => o.kind === 'ROUTE');
  // Nor on a truck or into a warehouse that left while the round searched: nothing withdrew those offers.
  const gone = await suppliersGone(tx, input, engineOffers);
  const unplaced = new Set(engineOffers.flatMap((o) => (o.kind === 'STORAGE' && gone.listings.has(o.listingId) ? [o.requestId] : [])));
  const legLost = new Set<string>();
  const writable = (offer: (typeof routeOffers)[number]) =>
    !gone.vehicles.has(offer.vehicleId) && offer.shares.every((s) => stillOpen.has(s.requestId) && !legLost.has(s.requestId) && !unplaced.has(s.requestId));
  for (let changed = true; changed; ) {
    changed = false;
    for (const offer of routeOffers)
      if (!writable(offer))
        for (const s of offer.shares)
          if (s.centreLeg && !legLost.has(s.requestId)) {
            legLost.add(s.requestId);
            changed = true;
          }
  }

  for (const offer of routeOffers) {
    if (!writable(offer)) continue;
    const vehicleId = Number(offer.vehicleId);
    const route = (await tx
      .insert(routes)
      .values({
        roundId: round.id,
        complexId: round.complexId,
        vehicleId,
        priceKrw: offer.priceKrw,
        deadheadKm: offer.deadheadKm,
        loadedKm: offer.loadedKm,
        startAt: new Date(offer.startAt),
        endAt: new Date(offer.endAt),
        ...(offer.extends
          ? { extendsRouteId: Number(offer.extends.routeId), extendsRevision: offer.extends.revision, extendsStopsDone: offer.extends.stopsDone }
          : {}),
        createdAt,
      })
      .returning({ id: routes.id })
      .get())!;
    // An extension lists the booked route's whole new stop list: the stops already served as they were, then the plan.
    const served = offer.extends ? await servedStops(tx, Number(offer.extends.routeId), offer.extends.stopsDone) : [];
    await planRoute(tx, route.id, [
      ...served,
      ...offer.stops.map((stop) => ({
        requestId: Number(stop.requestId),
        action: stop.action,
        lat: stop.location.lat,
        lng: stop.location.lng,
        arriveAt: new Date(stop.arriveAt),
        startAt: new Date(stop.startAt),
        departAt: new Date(stop.departAt),
        kgAfter: stop.kgAfter,
        palletsAfter: stop.palletsAfter,
      })),
    ]);
    for (const share of offer.shares) {
      routed.add(share.requestId);
      await insert({
        ...common({ ...share, expiresAt: offer.expiresAt }),
        ...baseline(share.baseline),
        kind: 'TRANSPORT',
        requestId: Number(share.requestId),
        shipperOrgId: shipperOf.get(share.requestId)!,
        supplierOrgId: carrierOf.get(offer.vehicleId)!,
        vehicleId,
        routeId: route.id,
        centreLeg: share.centreLeg ?? null,
        standaloneKrw: share.standaloneKrw,
        pickupAt: new Date(share.pickupAt),
        deliverAt: new Date(share.deliverAt),
      });
    }
  }
  // Storage goes with its request's route: without the route, the goods would never reach the warehouse.
  for (const offer of engineOffers) {
    if (offer.kind !== 'STORAGE' || !routed.has(offer.requestId)) continue;
    await insert({
      ...common(offer),
      kind: 'STORAGE',
      requestId: Number(offer.requestId),
      shipperOrgId: shipperOf.get(offer.requestId)!,
      supplierOrgId: ownerOf.get(offer.listingId)!,
      listingId: Number(offer.listingId),
      storagePallets: offer.pallets,
      storageFromDay: isoFromDay(offer.fromDay),
      storageToDay: isoFromDay(offer.toDay),
    });
  }

  const requestIds = [...offered].filter((id) => !awaiting.has(String(id)));
  await markOffered(tx, requestIds, createdAt);
  // An awaiting request keeps its status (its goods are picked up); its trunk on offer answers why it was not matched.
  const trunked = [...offered].filter((id) => awaiting.has(String(id)));
  if (trunked.length > 0) await tx.update(shipmentRequests).set({ unmatchedReason: null, unmatchedAt: null }).where(inArray(shipmentRequests.id, trunked)).run();
  return { offerIds, requestIds };
}

/** The first `count` stops of the booked route `routeId` (its rows), without their route and position. */
async function servedStops(tx: Tx, routeId: number, count: number): Promise<PlannedStop[]> {
  const rows = await tx.select().from(routeStops).where(eq(routeStops.routeId, routeId)).orderBy(routeStops.seq).limit(count).all();
  return rows.map(({ routeId: _, seq: __, ...stop }) => stop);
}

/**
 * The vehicles and listings of `engineOffers` that are no longer as the round read them, read in the round's write
 * transaction: a vehicle retired, a listing withdrawn, moved or given another storage class while the round searched
 * (its offers would take goods to the old place, for the old class). Retiring, withdrawing or reshaping withdraws the
 * offers pending on them, and these were not written yet: a round writes none.
 */
async function suppliersGone(tx: Tx, input: RoundInput, engineOffers: Offer[]): Promise<{ vehicles: Set<string>; listings: Set<string> }> {
  const vehicleIds = [...new Set(engineOffers.flatMap((o) => (o.kind === 'ROUTE' ? [Number(o.vehicleId)] : [])))];
  const listingIds = [...new Set(engineOffers.flatMap((o) => (o.kind === 'STORAGE' ? [Number(o.listingId)] : [])))];
  const active = vehicleIds.length === 0 ? [] : await tx.select({ id: vehicles.id }).from(vehicles).where(and(inJson(vehicles.id, idList(vehicleIds)), eq(vehicles.status, 'ACTIVE'))).all();
  const stillActive = new Set(active.map((v) => String(v.id)));
  const listed = listingIds.length === 0 ? [] : await tx.select({ id: warehouseListings.id, lat: warehouseListings.lat, lng: warehouseListings.lng, storageClass: warehouseListings.storageClass }).from(warehouseListings).where(and(inJson(warehouseListings.id, idList(listingIds)), eq(warehouseListings.status, 'ACTIVE'))).all();
  const read = new Map(input.listings.map((l) => [l.id, l]));
  const asRead = new Set(
    listed
      .filter((l) => {
        const seen = read.get(String(l.id));
        return seen !== undefined && seen.location.lat === l.lat && seen.location.lng === l.lng && seen.storageClass === l.storageClass;
      })
      .map((l) => String(l.id)),
  );
  return {
    vehicles: new Set(vehicleIds.map(String).filter((id) => !stillActive.has(id))),
    listings: new Set(listingIds.map(String).filter((id) => !asRead.has(id))),
  };
}
