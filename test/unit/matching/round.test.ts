import { describe, expect, it } from 'vitest';
import { assignTransport, baselineFor, canShareVehicle, cargoFitsBody, evaluateTransport, kstDayOf, prepareRound, resolveConfig, runRound as runRoundTimed, storageClassAllows } from '../../../src/matching/engine/index';
import type { RouteOffer, RoundInput, StorageOffer } from '../../../src/matching/engine/index';
import { seededRandom, syntheticRound } from '../../../src/matching/engine/synthetic';
import { runRound } from '../../helpers/matching-fixtures';

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
      const config = resolveConfig();
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

  it('makes only feasible offers: every route holds at every stop, and its split is fair (property over seeded instances)', () => {
    let pooledSeen = 0;
    let storageSeen = 0;
    let centreSeen = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const input = syntheticRound({ seed, requests: 60, listingRatio: 0.2 });
      const { offers, report } = runRound(input);
      const requests = new Map(input.requests.map((r) => [r.id, r]));
      const vehicles = new Map(input.vehicles.map((v) => [v.id, v]));
      const listings = new Map(input.listings.map((l) => [l.id, l]));
      const { ctx, jobs } = prepareRound(input, resolveConfig());
      const assignment = assignTransport(jobs, ctx, { prune: true });
      const jobOf = new Map(jobs.map((j) => [j.request.id, j]));
      const vehicleUse = new Map<string, number>();
      const requestUse = new Map<string, number>();
      const listingDay = new Map<string, number>();
      const legParts = new Map<string, number>();
      const servedIds = new Set<string>();
      let total = 0;
      for (const offer of offers) {
        total += offer.priceKrw;
        const b = offer.breakdown;
        expect(offer.priceKrw).toBe(b.baseKrw + b.distanceKrw + b.storageKrw + b.handlingKrw + b.stopsKrw + b.waitingKrw);
        expect(Number.isInteger(offer.priceKrw)).toBe(true);
        expect(offer.expiresAt).toBeGreaterThanOrEqual(input.now);
        if (offer.kind === 'ROUTE') {
          const route: RouteOffer = offer;
          const v = vehicles.get(route.vehicleId)!;
          if (route.shares.length > 1) pooledSeen++;
          // Stop by stop: time moves forward, windows hold, the load on board is what was picked up and not yet dropped.
          let kg = 0;
          let pallets = 0;
          let clock = route.startAt;
          const onBoard = new Set<string>();
          const left = new Map<string, [number, number]>();
          for (const stop of route.stops) {
            const r = requests.get(stop.requestId)!;
            expect(stop.arriveAt).toBeGreaterThanOrEqual(clock);
            expect(stop.startAt).toBeGreaterThanOrEqual(stop.arriveAt);
            expect(stop.departAt).toBeGreaterThanOrEqual(stop.startAt);
            clock = stop.departAt;
            // A request through the centre is loaded at its origin or the centre, unloaded at the centre or its destination.
            const loads = stop.action === 'PICKUP' || stop.action === 'CENTRE_PICKUP';
            if (stop.action === 'CENTRE_PICKUP' || stop.action === 'CENTRE_DROP') expect(stop.location).toEqual(input.centre.location);
            if (stop.action === 'PICKUP') {
              expect(stop.startAt).toBeGreaterThanOrEqual(r.pickupWindow.start);
              expect(stop.startAt).toBeLessThanOrEqual(r.pickupWindow.end + 1);
            }
            if (loads) {
              expect(cargoFitsBody(r.cargoClass, v.bodyType, v.hazmatCertified)).toBeNull();
              for (const other of onBoard) expect(canShareVehicle(r.cargoClass, requests.get(other)!.cargoClass)).toBe(true);
              onBoard.add(r.id);
            } else {
              expect(onBoard.has(r.id)).toBe(true);
              expect(stop.departAt).toBeLessThanOrEqual(r.deliveryDeadline + 1);
            }
            const lastDrop = (stop.action === 'DROP' || stop.action === 'CENTRE_DROP') && !route.stops.slice(route.stops.indexOf(stop) + 1).some((s) => s.requestId === r.id);
            if (loads) {
              kg += r.weightKg;
              pallets += r.pallets;
              left.set(r.id, [r.weightKg, r.pallets]);
            } else {
              // A split storage stay drops part of a load at each warehouse; its last drop empties what is left.
              const [kgLeft, palletsLeft] = left.get(r.id)!;
              const kgOff = lastDrop ? kgLeft : kg - stop.kgAfter;
              const palletsOff = lastDrop ? palletsLeft : pallets - stop.palletsAfter;
              expect(kgOff).toBeGreaterThanOrEqual(0);
              expect(kgOff).toBeLessThanOrEqual(kgLeft);
              left.set(r.id, [kgLeft - kgOff, palletsLeft - palletsOff]);
              kg -= kgOff;
              pallets -= palletsOff;
              if (lastDrop) onBoard.delete(r.id);
            }
            expect(stop.kgAfter).toBe(kg);
            expect(stop.palletsAfter).toBe(pallets);
            expect(kg).toBeLessThanOrEqual(v.payloadKg);
            expect(pallets).toBeLessThanOrEqual(v.palletSlots);
          }
          expect(kg).toBe(0);
          expect(route.stops.length).toBeLessThanOrEqual(12);
          // The split: shares add up to the price; nobody pays more than alone or than its ceiling net of storage.
          expect(route.shares.reduce((sum, x) => sum + x.priceKrw, 0)).toBe(route.priceKrw);
          for (const share of route.shares) {
            const job = jobOf.get(share.requestId)!;
            expect(share.priceKrw).toBeLessThanOrEqual(share.standaloneKrw);
            expect(share.priceKrw).toBeLessThanOrEqual(job.transportBudgetKrw);
            // Its truck in the assignment, else its cheapest truck alone, else (no truck alone at all) its dedicated baseline.
            const alone = assignment.plans[job.index]?.costKrw ?? assignment.cheapestKrw[job.index]!;
            // A leg through the centre: its part of the stand-alone price; both parts together are checked below.
            if (share.centreLeg) legParts.set(share.requestId, (legParts.get(share.requestId) ?? 0) + share.standaloneKrw);
            else if (Number.isFinite(alone)) expect(share.standaloneKrw).toBe(alone);
            else expect(share.standaloneKrw).toBe(share.baseline.transportCostKrw);
            const sb = share.breakdown;
            expect(share.priceKrw).toBe(sb.baseKrw + sb.distanceKrw + sb.storageKrw + sb.handlingKrw + sb.stopsKrw + sb.waitingKrw);
            const key = `${share.requestId}${share.centreLeg ?? ''}`;
            requestUse.set(key, (requestUse.get(key) ?? 0) + 1);
            servedIds.add(share.requestId);
          }
          vehicleUse.set(route.vehicleId, (vehicleUse.get(route.vehicleId) ?? 0) + 1);
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
      for (const [id, parts] of legParts) {
        const job = jobOf.get(id)!;
        expect(parts).toBeLessThanOrEqual((assignment.plans[job.index]?.costKrw ?? assignment.cheapestKrw[job.index]!) + 2);
        expect(requestUse.get(`${id}FEEDER`)).toBe(1);
        expect(requestUse.get(`${id}TRUNK`)).toBe(1);
        centreSeen++;
      }
      expect(report.centreRequests).toBe(legParts.size);
      expect(report.servedCount).toBe(servedIds.size);
      expect(report.totalCostKrw).toBe(total);
      expect(report.totalCostKrw).toBeLessThanOrEqual(report.baselineCostKrw);
      expect(report.unserved.length + report.servedCount).toBe(input.requests.length);
    }
    expect(pooledSeen).toBeGreaterThan(0);
    expect(storageSeen).toBeGreaterThan(0);
    expect(centreSeen).toBeGreaterThan(0);
    // Twelve rounds, each bound by its iterations or 5 s: the centre's legs make iterations dearer.
  }, 240_000);

  it('the pooled plan serves at least as many as the one-request-per-truck assignment, and never costs more', () => {
    let pooled = 0;
    let trips = 0;
    let served = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const input = syntheticRound({ seed: 100 + seed, requests: 80 });
      const { ctx, jobs } = prepareRound(input, resolveConfig());
      const assignment = assignTransport(jobs, ctx, { prune: true });
      // A budget the iteration bound ends first, so the round is the same however busy the machine is.
      const { offers, report } = runRound(input);
      const transportKrw = offers.reduce((sum, o) => sum + (o.kind === 'ROUTE' ? o.priceKrw : 0), 0);
      expect(report.assignmentCostKrw).toBe(assignment.totalCostKrw);
      expect(report.servedCount).toBeGreaterThanOrEqual(assignment.servedCount);
      // With as many served, the two may serve different requests: each left out counts at its dedicated truck.
      const dedicated = (id: string) => baselineFor(jobs.find((j) => j.request.id === id)!).costKrw - jobs.find((j) => j.request.id === id)!.storageCostKrw;
      const servedIds = new Set(offers.flatMap((o) => (o.kind === 'ROUTE' ? o.shares.map((x) => x.requestId) : [])));
      const leftOut = (served: (job: (typeof jobs)[number]) => boolean) => jobs.filter((j) => !served(j)).reduce((sum, j) => sum + dedicated(j.request.id), 0);
      if (report.servedCount === assignment.servedCount)
        expect(transportKrw + leftOut((j) => servedIds.has(j.request.id))).toBeLessThanOrEqual(assignment.totalCostKrw + leftOut((j) => assignment.plans[j.index] !== null) + jobs.length);
      pooled += report.pooledRoutes;
      trips += report.routes;
      served += report.servedCount;
    }
    expect(pooled).toBeGreaterThan(8);
    expect(served / trips).toBeGreaterThan(1.1);
    // Iteration-bound rounds: the centre's legs (two more pairs per eligible request) make each iteration dearer.
  }, 240_000);

  it("counts a route pooled (혼적) by its shippers, not its requests: one shipper's loads together are not", () => {
    const loads = syntheticRound({ seed: 101, requests: 80 });
    const several = (o: RouteOffer) => new Set(o.stops.map((s) => s.requestId)).size > 1;
    // Each load its own manufacturer's: every truck carrying several is 혼적.
    const input = { ...loads, requests: loads.requests.map((r, i) => ({ ...r, shipperOrgId: `S${i}` })) };
    const apart = runRound(input);
    const routes = apart.offers.filter((o): o is RouteOffer => o.kind === 'ROUTE');
    expect(apart.report.pooledRoutes).toBe(routes.filter(several).length);
    expect(apart.report.pooledRoutes).toBeGreaterThan(0);
    // The same loads, all of one manufacturer: trucks still carry several, none is 혼적.
    const oneShipper = runRound({ ...input, requests: input.requests.map((r) => ({ ...r, shipperOrgId: 'ONE' })) });
    expect(oneShipper.offers.some((o) => o.kind === 'ROUTE' && several(o))).toBe(true);
    expect(oneShipper.report).toMatchObject({ pooledRoutes: 0, pooledRequests: 0 });
  }, 120_000);

  it('a round cut before its search (the service stopping) offers its warm start at once: valid, each request once', () => {
    // 600 requests: five clusters whose search, uncut, takes minutes to its iteration bound.
    const input = syntheticRound({ seed: 600, requests: 600 });
    let asked = 0;
    const cut = () => ++asked > 0;
    const { offers, report } = runRoundTimed(input, { roundSeconds: 3_600 }, { cut });
    expect(asked).toBeGreaterThan(0);
    const routes = offers.filter((o): o is RouteOffer => o.kind === 'ROUTE');
    const shares = routes.flatMap((r) => r.shares.map((s) => s.requestId));
    expect(new Set(shares).size).toBe(shares.length);
    expect(report.servedCount).toBe(shares.length);
    for (const route of routes) {
      expect(route.shares.reduce((sum, s) => sum + s.priceKrw, 0)).toBe(route.priceKrw);
      expect(new Set(route.stops.map((s) => s.requestId))).toEqual(new Set(route.shares.map((s) => s.requestId)));
    }
    // Never worse than the one-request-per-truck assignment it starts from, and no clock in it: the same plan again.
    const { ctx, jobs } = prepareRound(input, resolveConfig());
    expect(report.servedCount).toBeGreaterThanOrEqual(assignTransport(jobs, ctx, { prune: true }).servedCount);
    expect(runRoundTimed(input, { roundSeconds: 3_600 }, { cut }).offers).toEqual(offers);
  });

  it('is deterministic when the iteration bound ends the search', () => {
    const input = syntheticRound({ seed: 3, requests: 40 });
    const a = runRound(input);
    const b = runRound(input);
    expect(a.offers).toEqual(b.offers);
    expect({ ...a.report, timeMs: 0 }).toEqual({ ...b.report, timeMs: 0 });
  });
});
