import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { consolidatedLoads, offers, shipmentRequests } from '../../db/schema';
import type { CostBreakdown, Offer, OfferBaseline, RoundInput } from './engine';
import { isoFromDay } from './engine';


export interface RecordedOffers {
  offerIds: number[];
  /** Requests that moved OPEN → OFFERED. */
  requestIds: number[];
}

/**
 * Writes a round's offers and marks their requests OFFERED, inside the caller's transaction. A request
 * that left OPEN while the round was computing (cancelled, expired) keeps its state and gets no offer;
 * a consolidated load is written only if all its requests are still OPEN (its price split depends on all).
 */
export function recordOffers(tx: Tx, round: { id: number; complexId: number }, input: RoundInput, engineOffers: Offer[]): RecordedOffers {
  const carrierOf = new Map(input.vehicles.map((v) => [v.id, Number(v.carrierOrgId)]));
  const ownerOf = new Map(input.listings.map((l) => [l.id, Number(l.ownerOrgId)]));
  const shipperOf = new Map(input.requests.map((r) => [r.id, Number(r.shipperOrgId)]));

  const requestIdsOf = (offer: Offer) => (offer.kind === 'CONSOLIDATED' ? offer.requestIds : [offer.requestId]).map(Number);
  const stillOpen = new Set(
    tx
      .select({ id: shipmentRequests.id })
      .from(shipmentRequests)
      .where(and(eq(shipmentRequests.complexId, round.complexId), eq(shipmentRequests.status, 'OPEN')))
      .all()
      .map((r) => r.id),
  );

  const offerIds: number[] = [];
  const offered = new Set<number>();
  const insert = (values: typeof offers.$inferInsert) => {
    offerIds.push(tx.insert(offers).values(values).returning({ id: offers.id }).get().id);
    offered.add(values.requestId);
  };
  const common = (offer: { priceKrw: number; breakdown: CostBreakdown; deadheadKm: number; loadedKm: number; co2Kg: number }) => ({
    roundId: round.id,
    createdAt: new Date(input.now),
    complexId: round.complexId,
    priceKrw: offer.priceKrw,
    ...splitBreakdown(offer.breakdown),
    deadheadKm: offer.deadheadKm,
    loadedKm: offer.loadedKm,
    co2Kg: offer.co2Kg,
  });
  const baseline = (b: OfferBaseline) => ({
    baselineKrw: b.transportCostKrw,
    baselineCo2Kg: b.co2Kg,
    baselineDeadheadKm: b.deadheadKm,
    baselineLoadedKm: b.loadedKm,
  });

  for (const offer of engineOffers) {
    if (!requestIdsOf(offer).every((id) => stillOpen.has(id))) continue;
    const expiresAt = new Date(offer.expiresAt);
    if (offer.kind === 'TRANSPORT') {
      insert({
        ...common(offer),
        ...baseline(offer.baseline),
        kind: 'TRANSPORT',
        requestId: Number(offer.requestId),
        shipperOrgId: shipperOf.get(offer.requestId)!,
        supplierOrgId: carrierOf.get(offer.vehicleId)!,
        vehicleId: Number(offer.vehicleId),
        pickupAt: new Date(offer.pickupAt),
        deliverAt: new Date(offer.deliverAt),
        expiresAt,
      });
    } else if (offer.kind === 'STORAGE') {
      insert({
        ...common(offer),
        kind: 'STORAGE',
        requestId: Number(offer.requestId),
        shipperOrgId: shipperOf.get(offer.requestId)!,
        supplierOrgId: ownerOf.get(offer.listingId)!,
        listingId: Number(offer.listingId),
        storagePallets: offer.pallets,
        storageFromDay: isoFromDay(offer.fromDay),
        storageToDay: isoFromDay(offer.toDay),
        expiresAt,
      });
    } else {
      const load = tx
        .insert(consolidatedLoads)
        .values({
          roundId: round.id,
          complexId: round.complexId,
          vehicleId: Number(offer.vehicleId),
          priceKrw: offer.priceKrw,
          feederKm: offer.feederKm,
          departCentreAt: new Date(offer.departCentreAt),
          createdAt: new Date(input.now),
        })
        .returning({ id: consolidatedLoads.id })
        .get();
      for (const share of offer.shares) {
        insert({
          ...common(share),
          ...baseline(share.baseline),
          kind: 'CONSOLIDATED',
          requestId: Number(share.requestId),
          shipperOrgId: Number(share.shipperOrgId),
          supplierOrgId: carrierOf.get(offer.vehicleId)!,
          vehicleId: Number(offer.vehicleId),
          loadId: load.id,
          pickupAt: new Date(share.pickupAt),
          deliverAt: new Date(share.deliverAt),
          expiresAt,
        });
      }
    }
  }

  const requestIds = [...offered];
  for (const id of requestIds) {
    tx.update(shipmentRequests)
      .set({ status: 'OFFERED', updatedAt: new Date(input.now) })
      .where(and(eq(shipmentRequests.id, id), eq(shipmentRequests.status, 'OPEN')))
      .run();
  }
  return { offerIds, requestIds };
}

function splitBreakdown(b: CostBreakdown) {
  return { baseKrw: b.baseKrw, distanceKrw: b.distanceKrw, storageKrw: b.storageKrw, handlingKrw: b.handlingKrw };
}
