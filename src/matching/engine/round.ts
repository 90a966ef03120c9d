/**
 * Entry point of a matching round: storage legs, then the exact direct assignment, then consolidation through
 * the centre, then a refill of still-unserved requests onto vehicles consolidation freed. Pure: no I/O; the
 * only clock read is for the report's timeMs.
 */
import { resolveConfig, type ConfigOverrides, type MatchingConfig } from './config';
import { baselineFor, offerBaselineFor } from './baseline';
import { consolidate } from './consolidation';
import { createContext, type RoundContext, type TransportJob } from './context';
import { ZERO_BREAKDOWN } from './cost';
import { buildJob } from './jobs';
import { planStorage, type StoragePlan } from './storage';
import { assignTransport, type TransportPlan } from './transport';
import type { Offer, RoundInput, RoundReport, RoundResult, StorageOffer, TransportOffer } from './types';

/** Jobs of a round plus their storage plans (exported for the benchmark's unpruned reference). */
export interface PreparedRound {
  ctx: RoundContext;
  jobs: TransportJob[];
  storagePlans: Map<number, StoragePlan>;
}

/** Returns the context and transport jobs of `input` after the storage phase (storage capacity is reserved). */
export function prepareRound(input: RoundInput, config: MatchingConfig): PreparedRound {
  const ctx = createContext(config, input.now, input.centre, input.vehicles, input.excludedPairs);
  const storage = planStorage(input.requests, input.listings, ctx);
  const storagePlans = new Map<number, StoragePlan>();
  const jobs: TransportJob[] = [];
  input.requests.forEach((request, i) => {
    const plan = storage.get(i);
    if (request.storage && !plan?.ok) return;
    if (plan?.ok) storagePlans.set(i, plan);
    jobs.push(buildJob(jobs.length, i, request, config, plan?.ok ? plan : undefined));
  });
  return { ctx, jobs, storagePlans };
}

/**
 * Runs one matching round over plain data and returns its offers and report.
 * `config` may be a full MatchingConfig or overrides of DEFAULT_CONFIG.
 * @throws Error only on malformed input (e.g. non-integer or negative rate cards producing invalid costs).
 */
export function runRound(input: RoundInput, config: ConfigOverrides = {}): RoundResult {
  const startedAt = performance.now();
  const settings = resolveConfig(config);
  const { ctx, jobs, storagePlans } = prepareRound(input, settings);

  // 1. Exact direct assignment (certified against the unpruned problem, see transport.ts).
  const direct = assignTransport(jobs, ctx, { prune: true });
  const plans: (TransportPlan | null)[] = [...direct.plans];
  const vehicleOfJob = new Int32Array(jobs.length).fill(-1);
  const vehicleFree = new Uint8Array(ctx.vehicles.length).fill(1);
  plans.forEach((p, k) => {
    if (!p) return;
    vehicleOfJob[k] = p.vehicleIndex;
    vehicleFree[p.vehicleIndex] = 0;
  });

  // 2. Consolidation: only where cheaper than the members' current arrangement.
  const loads = consolidate(jobs, ctx, {
    vehicleOfJob,
    vehicleFree,
    separateCostKrw: (k) => plans[k]?.costKrw ?? baselineFor(jobs[k]!).costKrw - jobs[k]!.storageCostKrw,
  });
  const consolidated = new Set(loads.flatMap((l) => l.jobIndices));
  consolidated.forEach((k) => (plans[k] = null));

  // 3. Refill: unserved, unconsolidated jobs may take vehicles consolidation released.
  const waiting = jobs.filter((j) => !plans[j.index] && !consolidated.has(j.index));
  const released = new Set(direct.plans.filter((p, k): p is TransportPlan => p !== null && consolidated.has(k)).map((p) => p.vehicleIndex));
  const freedNow = [...released].filter((v) => vehicleFree[v] === 1);
  if (waiting.length > 0 && freedNow.length > 0) {
    const refill = assignTransport(waiting, ctx, { prune: false, allowed: (v) => vehicleFree[v] === 1 && released.has(v) });
    refill.plans.forEach((p, k) => {
      if (!p) return;
      plans[waiting[k]!.index] = p;
      vehicleFree[p.vehicleIndex] = 0;
    });
  }

  const offers = buildOffers(input, ctx, jobs, plans, storagePlans);
  for (const load of loads) offers.push(load.offer);
  const report = buildReport(input, jobs, plans, consolidated, offers, ctx, performance.now() - startedAt);
  return { offers, report };
}

function buildOffers(input: RoundInput, ctx: RoundContext, jobs: TransportJob[], plans: (TransportPlan | null)[], storagePlans: Map<number, StoragePlan>): Offer[] {
  const offers: Offer[] = [];
  jobs.forEach((job, k) => {
    const plan = plans[k];
    if (!plan) return;
    const transport: TransportOffer = {
      kind: 'TRANSPORT',
      requestId: job.request.id,
      vehicleId: ctx.vehicles[plan.vehicleIndex]!.input.id,
      priceKrw: plan.costKrw,
      breakdown: plan.breakdown,
      deadheadKm: plan.deadheadKm,
      loadedKm: plan.loadedKm,
      co2Kg: plan.co2Kg,
      pickupAt: plan.pickupAt,
      deliverAt: plan.deliverAt,
      expiresAt: plan.expiresAt,
      baseline: offerBaselineFor(job),
    };
    offers.push(transport);
    const storage = storagePlans.get(job.requestIndex);
    for (const part of storage?.parts ?? []) {
      const listing = input.listings[part.listingIndex]!;
      const offer: StorageOffer = {
        kind: 'STORAGE',
        requestId: job.request.id,
        listingId: listing.id,
        pallets: part.pallets,
        fromDay: part.fromDay,
        toDay: part.toDay,
        priceKrw: part.breakdown.storageKrw,
        breakdown: { ...ZERO_BREAKDOWN, storageKrw: part.breakdown.storageKrw },
        deadheadKm: 0,
        loadedKm: 0,
        co2Kg: 0,
        expiresAt: plan.expiresAt,
      };
      offers.push(offer);
    }
  });
  return offers;
}

function buildReport(
  input: RoundInput,
  jobs: TransportJob[],
  plans: (TransportPlan | null)[],
  consolidated: ReadonlySet<number>,
  offers: Offer[],
  ctx: RoundContext,
  timeMs: number,
): RoundReport {
  const served = jobs.filter((j) => plans[j.index] || consolidated.has(j.index));
  const servedIds = new Set(served.map((j) => j.request.id));
  let totalCostKrw = 0;
  let deadheadKm = 0;
  let loadedKm = 0;
  let co2 = 0;
  for (const o of offers) {
    totalCostKrw += o.priceKrw;
    deadheadKm += o.deadheadKm;
    loadedKm += o.loadedKm;
    co2 += o.co2Kg;
  }
  let baselineCostKrw = 0;
  let baselineCo2Kg = 0;
  for (const job of served) {
    const b = baselineFor(job);
    baselineCostKrw += b.costKrw;
    baselineCo2Kg += b.co2Kg;
  }
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    requestsConsidered: input.requests.length,
    servedCount: served.length,
    unservedRequestIds: input.requests.filter((r) => !servedIds.has(r.id)).map((r) => r.id),
    consolidatedLoads: offers.filter((o) => o.kind === 'CONSOLIDATED').length,
    consolidatedRequests: consolidated.size,
    totalCostKrw,
    baselineCostKrw,
    savingsPct: baselineCostKrw > 0 ? round3(((baselineCostKrw - totalCostKrw) / baselineCostKrw) * 100) : 0,
    deadheadKm: round3(deadheadKm),
    loadedKm: round3(loadedKm),
    emptyKmShare: deadheadKm + loadedKm > 0 ? round3(deadheadKm / (deadheadKm + loadedKm)) : 0,
    co2Kg: round3(co2),
    baselineCo2Kg: round3(baselineCo2Kg),
    candidatePairsEvaluated: ctx.counters.pairsEvaluated,
    feasiblePairs: ctx.counters.feasiblePairs,
    timeMs: Math.round(timeMs * 10) / 10,
  };
}
