import { describe, expect, it } from 'vitest';
import { assignTransport, canShareVehicle, cargoFitsBody, evaluateTransport, kstDayOf, prepareRound, resolveConfig, runRound, storageClassAllows } from '../../../src/matching/engine/index';
import type { ConsolidatedOffer, RoundInput, StorageOffer, TransportOffer } from '../../../src/matching/engine/index';
import { seededRandom, syntheticRound } from '../../../src/matching/engine/synthetic';

/** Max served, then min cost, over all injective request -> vehicle choices (DP over used-vehicle masks). */
function bruteForce(costs: (number | null)[][], vehicles: number): { served: number; cost: number } {
  const memo = new Map<number, [number, number]>();
  const best = (i: number, mask: number): [number, number] => {
    if (i === costs.length) return [0, 0];
    const key = i * (1 << vehicles) + mask;
    const hit = memo.get(key);
    if (hit) return hit;
    let b = best(i + 1, mask);
    costs[i]!.forEach((c, j) => {
      if (c === null || mask & (1 << j)) return;
      const [s, k] = best(i + 1, mask | (1 << j));
      if (s + 1 > b[0] || (s + 1 === b[0] && k + c < b[1])) b = [s + 1, k + c];
    });
    memo.set(key, b);
    return b;
  };
  const [served, cost] = best(0, 0);
  return { served, cost };
}

/** A small random round: one complex, up to 8 requests and 8 vehicles, tight enough that some pairs fail. */
function smallRound(seed: number): RoundInput {
  const rand = seededRandom(seed);
  const n = 1 + Math.floor(rand() * 8);
  const input = syntheticRound({ seed, requests: n, vehicleRatio: (1 + Math.floor(rand() * 8)) / n, listingRatio: 1 });
  return { ...input, vehicles: input.vehicles.slice(0, 8) };
}

describe('runRound on random instances', () => {
  it('assignment equals brute force (served count and cost) on random instances up to 8 x 8', () => {
    let nonTrivial = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const input = smallRound(seed);
      const config = resolveConfig({ consolidation: { enabled: false } });
      const { ctx, jobs } = prepareRound(input, config);
      const costs = jobs.map((job) =>
        ctx.vehicles.map((v) => {
          const plan = evaluateTransport(job, v, ctx);
          return plan.ok ? plan.costKrw : null;
        }),
      );
      const want = bruteForce(costs, ctx.vehicles.length);
      if (want.served > 1) nonTrivial++;
      for (const prune of [true, false]) {
        const got = assignTransport(jobs, prepareRound(input, config).ctx, { prune });
        expect({ seed, prune, served: got.servedCount, cost: got.totalCostKrw }).toEqual({ seed, prune, ...want });
      }
      const certified = assignTransport(jobs, prepareRound(input, resolveConfig({ certifyOptimality: true, candidatesPerRequest: 1 })).ctx, { prune: true });
      expect({ seed, served: certified.servedCount, cost: certified.totalCostKrw }).toEqual({ seed, ...want });
    }
    expect(nonTrivial).toBeGreaterThan(30);
  });

  it('certified pruning equals the unpruned optimum on a 150-request instance', () => {
    const input = syntheticRound({ seed: 7, requests: 150 });
    const tight = resolveConfig({ candidatesPerRequest: 3, certifyOptimality: true });
    const certified = assignTransport(prepareRound(input, tight).jobs, prepareRound(input, tight).ctx, { prune: true });
    const full = assignTransport(prepareRound(input, tight).jobs, prepareRound(input, tight).ctx, { prune: false });
    expect(certified.servedCount).toBe(full.servedCount);
    expect(certified.totalCostKrw).toBe(full.totalCostKrw);
  });

  it('the sparse engine graph serves as many as the unpruned optimum, within 0.5% of its cost', () => {
    for (const seed of [3, 11]) {
      const input = syntheticRound({ seed, requests: 300 });
      const config = resolveConfig();
      const { ctx, jobs } = prepareRound(input, config);
      const engine = assignTransport(jobs, ctx, { prune: true });
      const full = assignTransport(jobs, prepareRound(input, config).ctx, { prune: false });
      expect(engine.servedCount).toBe(full.servedCount);
      expect(engine.totalCostKrw).toBeGreaterThanOrEqual(full.totalCostKrw);
      expect(engine.totalCostKrw).toBeLessThanOrEqual(full.totalCostKrw * 1.005);
      expect(engine.activeEdges).toBeLessThan(jobs.length * 4 * config.candidatesPerRequest);
    }
  });

  it('makes only feasible offers (property over seeded instances)', () => {
    let consolidatedSeen = 0;
    let storageSeen = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const input = syntheticRound({ seed, requests: 60, listingRatio: 0.2 });
      const { offers, report } = runRound(input);
      const requests = new Map(input.requests.map((r) => [r.id, r]));
      const vehicles = new Map(input.vehicles.map((v) => [v.id, v]));
      const listings = new Map(input.listings.map((l) => [l.id, l]));
      const { ctx, jobs } = prepareRound(input, resolveConfig());
      const jobOf = new Map(jobs.map((j) => [j.request.id, j]));
      const vehicleUse = new Map<string, number>();
      const requestUse = new Map<string, number>();
      const listingDay = new Map<string, number>();
      let total = 0;
      for (const offer of offers) {
        total += offer.priceKrw;
        expect(offer.priceKrw).toBe(offer.breakdown.baseKrw + offer.breakdown.distanceKrw + offer.breakdown.storageKrw + offer.breakdown.handlingKrw);
        expect(Number.isInteger(offer.priceKrw)).toBe(true);
        expect(offer.expiresAt).toBeGreaterThanOrEqual(input.now);
        if (offer.kind === 'TRANSPORT') {
          const t: TransportOffer = offer;
          const plan = evaluateTransport(jobOf.get(t.requestId)!, ctx.vehicles.find((v) => v.input.id === t.vehicleId)!, ctx);
          expect(plan.ok && plan.costKrw).toBe(t.priceKrw);
          const r = requests.get(t.requestId)!;
          expect(t.pickupAt).toBeGreaterThanOrEqual(r.pickupWindow.start);
          expect(t.pickupAt).toBeLessThanOrEqual(r.pickupWindow.end);
          expect(t.deliverAt).toBeLessThanOrEqual(r.deliveryDeadline);
          vehicleUse.set(t.vehicleId, (vehicleUse.get(t.vehicleId) ?? 0) + 1);
          requestUse.set(t.requestId, (requestUse.get(t.requestId) ?? 0) + 1);
        } else if (offer.kind === 'CONSOLIDATED') {
          consolidatedSeen++;
          const c: ConsolidatedOffer = offer;
          const v = vehicles.get(c.vehicleId)!;
          const members = c.requestIds.map((id) => requests.get(id)!);
          expect(members.length).toBeGreaterThanOrEqual(2);
          expect(members.reduce((s, r) => s + r.weightKg, 0)).toBeLessThanOrEqual(v.payloadKg);
          expect(members.reduce((s, r) => s + r.pallets, 0)).toBeLessThanOrEqual(v.palletSlots);
          for (const a of members) {
            expect(cargoFitsBody(a.cargoClass, v.bodyType, v.hazmatCertified)).toBeNull();
            for (const b of members) expect(canShareVehicle(a.cargoClass, b.cargoClass)).toBe(true);
          }
          expect(c.shares.reduce((s, x) => s + x.priceKrw, 0)).toBe(c.priceKrw);
          for (const share of c.shares) {
            const r = requests.get(share.requestId)!;
            expect(share.deliverAt).toBeLessThanOrEqual(r.deliveryDeadline);
            expect(share.pickupAt).toBeLessThanOrEqual(r.pickupWindow.end);
            if (r.maxPriceKrw !== null) expect(share.priceKrw).toBeLessThanOrEqual(r.maxPriceKrw);
            requestUse.set(share.requestId, (requestUse.get(share.requestId) ?? 0) + 1);
          }
          vehicleUse.set(c.vehicleId, (vehicleUse.get(c.vehicleId) ?? 0) + 1);
        } else {
          storageSeen++;
          const s: StorageOffer = offer;
          const r = requests.get(s.requestId)!;
          const l = listings.get(s.listingId)!;
          expect(storageClassAllows(r.cargoClass, r.storage!.storageClass, l.storageClass)).toBe(true);
          expect(r.storage!.days).toBeGreaterThanOrEqual(l.minDays);
          expect(s.fromDay).toBe(kstDayOf(r.pickupWindow.start));
          for (let d = s.fromDay; d <= s.toDay; d++) {
            const key = `${s.listingId}@${d}`;
            listingDay.set(key, (listingDay.get(key) ?? 0) + s.pallets);
            const idle = Math.max(0, ...l.availability.filter((w) => w.fromDay <= d && d <= w.toDay).map((w) => w.idlePallets));
            expect(listingDay.get(key)!).toBeLessThanOrEqual(idle);
          }
        }
      }
      for (const count of vehicleUse.values()) expect(count).toBe(1);
      for (const count of requestUse.values()) expect(count).toBe(1);
      expect(report.servedCount).toBe(requestUse.size);
      expect(report.totalCostKrw).toBe(total);
      expect(report.totalCostKrw).toBeLessThanOrEqual(report.baselineCostKrw);
      expect(report.unservedRequestIds.length + report.servedCount).toBe(input.requests.length);
    }
    expect(consolidatedSeen).toBeGreaterThan(0);
    expect(storageSeen).toBeGreaterThan(0);
  });

  it('consolidation never costs more than the same round without it, nor serves fewer', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const input = syntheticRound({ seed: 100 + seed, requests: 80 });
      const without = runRound(input, { consolidation: { enabled: false } }).report;
      const withIt = runRound(input).report;
      expect(withIt.servedCount).toBeGreaterThanOrEqual(without.servedCount);
      if (withIt.servedCount === without.servedCount) expect(withIt.totalCostKrw).toBeLessThanOrEqual(without.totalCostKrw);
    }
  });

  it('is deterministic', () => {
    const input = syntheticRound({ seed: 3, requests: 40 });
    const a = runRound(input);
    const b = runRound(input);
    expect(a.offers).toEqual(b.offers);
    expect({ ...a.report, timeMs: 0 }).toEqual({ ...b.report, timeMs: 0 });
  });
});
