/**
 * The extra-stop fee (경유비) is per place: two loads picked up at one dock and dropped at one address make a route
 * of four stops at two places, which pays no extra stop, in the search and in the route's price.
 */
import { describe, expect, it } from 'vitest';
import { syntheticRound } from '../../../src/matching/engine/synthetic';
import { runRound } from '../../helpers/matching-fixtures';

describe('extra-stop fee', () => {
  it('charges loads picked up and dropped at the same addresses no extra stop', () => {
    const input = syntheticRound({ seed: 5, requests: 40, listingRatio: 0 });
    const small = input.requests.filter((r) => !r.storage && r.cargoClass === 'GENERAL' && r.pallets <= 2);
    expect(small.length).toBeGreaterThan(0);
    let pooled = 0;
    for (const one of small.slice(0, 5)) {
      const twin = { ...one, id: `${one.id}-twin`, maxPriceKrw: null };
      const { offers } = runRound({ ...input, requests: [{ ...one, maxPriceKrw: null }, twin] });
      const route = offers.find((o) => o.kind === 'ROUTE' && o.shares.length === 2);
      if (!route || route.kind !== 'ROUTE') continue;
      pooled++;
      expect(route.stops).toHaveLength(4);
      expect(route.breakdown.stopsKrw).toBe(0);
      // Identical requests pay the same, whichever trucks the one-per-truck assignment gave them.
      expect(route.shares[0]!.priceKrw).toBe(route.shares[1]!.priceKrw);
    }
    expect(pooled).toBeGreaterThan(0);
  });
});
