/**
 * A shipper whose price limit (`maxPriceKrw`) is below what any truck would cost it alone can still ride shared: the
 * route's price is split by stand-alone prices and no share exceeds its shipper's limit (README, How a shared route is
 * priced). The round used to leave every truck out of such a request's search because the truck alone cost too much.
 */
import { describe, expect, it } from 'vitest';
import { baseRequest, baseVehicle, CENTRE, NOW, runRound } from '../../helpers/matching-fixtures';

// Three loads from neighbouring docks to Seoul, on one 2.5 t truck that costs some 100,000 KRW for the trip.
const loads = [
  { id: 'A', maxPriceKrw: 45_000 },
  { id: 'B', maxPriceKrw: null },
  { id: 'C', maxPriceKrw: 30_000 },
].map(({ id, maxPriceKrw }, i) => baseRequest({ id, shipperOrgId: `S${i}`, origin: { lat: 37.32 + i * 0.002, lng: 126.74 }, weightKg: 500, pallets: 1, maxPriceKrw }));

describe('a price limit below the stand-alone price', () => {
  it('lets the request join a shared route whose split keeps every share within its limit', () => {
    const { offers } = runRound({ centre: CENTRE, requests: loads, vehicles: [baseVehicle()], listings: [], now: NOW });
    const route = offers.find((o) => o.kind === 'ROUTE');
    expect(route?.kind === 'ROUTE' && route.shares.map((s) => s.requestId).sort()).toEqual(['A', 'B', 'C']);
    if (route?.kind !== 'ROUTE') return;
    for (const share of route.shares) {
      const limit = loads.find((l) => l.id === share.requestId)!.maxPriceKrw;
      if (limit !== null) expect(share.priceKrw).toBeLessThanOrEqual(limit);
    }
    // Alone, the truck costs more than A's and C's limits together with what B would pay: sharing is what lets them ride.
    expect(route.priceKrw).toBeGreaterThan(45_000 + 30_000);
  });
});
