/**
 * Storage legs: each request with a storage need gets the cheapest feasible listing(s), where "cheapest"
 * counts the storage price plus an estimate of moving the goods there (the smallest adequate class's default
 * per-km rate x road km; the actual carrier is chosen later by the assignment). A request may be split over
 * several listings only when its need allows it; each part stays in one listing for the whole stay.
 *
 * Listings are shared between requests through a per-day ledger. Requests are served most-constrained first
 * (fewest feasible listings, then most pallets): a heuristic, not an exact allocation, documented as such.
 */
import { haversineKm, type LatLng } from '../../geo/distance';
import { LARGEST_CLASS, smallestClassFor } from '../../supply/vehicle-classes';
import { CandidateIndex } from './candidates';
import { roadKm } from './config';
import type { RoundContext } from './context';
import { storageCost } from './cost';
import { kstDayOf } from './days';
import { refuse, type Refusal, storageClassAllows } from './feasibility';
import type { CostBreakdown, KstDay, ListingInput, RequestInput } from './types';

export interface StoragePart {
  listingIndex: number;
  pallets: number;
  fromDay: KstDay;
  toDay: KstDay;
  breakdown: CostBreakdown;
}

export interface StoragePlan {
  ok: true;
  parts: StoragePart[];
  storageCostKrw: number;
  /** Warehouses in visiting order, starting from the request's origin. */
  drops: LatLng[];
  /** Road km origin -> first drop -> ... -> last drop. */
  routeKm: number;
}

/** Per-listing, per-day pallets already promised in this round. */
export class StorageLedger {
  private readonly reserved = new Map<number, Map<KstDay, number>>();

  constructor(private readonly listings: readonly ListingInput[]) {}

  /** Returns the pallets listing `index` can still take on every day of [fromDay, toDay] (0 if any day is uncovered). */
  available(index: number, fromDay: KstDay, toDay: KstDay): number {
    const listing = this.listings[index]!;
    const taken = this.reserved.get(index);
    let least = Infinity;
    for (let day = fromDay; day <= toDay; day++) {
      let idle = 0;
      // Overlapping windows are not expected; if present, the most generous one counts.
      for (const w of listing.availability) if (w.fromDay <= day && day <= w.toDay) idle = Math.max(idle, w.idlePallets);
      least = Math.min(least, idle - (taken?.get(day) ?? 0));
      if (least <= 0) return 0;
    }
    return least === Infinity ? 0 : least;
  }

  reserve(index: number, fromDay: KstDay, toDay: KstDay, pallets: number): void {
    let taken = this.reserved.get(index);
    if (!taken) this.reserved.set(index, (taken = new Map()));
    for (let day = fromDay; day <= toDay; day++) taken.set(day, (taken.get(day) ?? 0) + pallets);
  }
}

/** First and last KST day of a request's stay: from the day of its pickup window's start. */
export function stayDays(request: RequestInput): { fromDay: KstDay; toDay: KstDay } {
  const fromDay = kstDayOf(request.pickupWindow.start);
  return { fromDay, toDay: fromDay + (request.storage?.days ?? 1) - 1 };
}

/**
 * Returns a storage plan for each request index that has a storage need (refusal when none is feasible),
 * reserving capacity in `ledger`.
 */
export function planStorage(
  requests: readonly RequestInput[],
  listings: readonly ListingInput[],
  ctx: RoundContext,
  ledger: StorageLedger = new StorageLedger(listings),
): Map<number, StoragePlan | Refusal> {
  const out = new Map<number, StoragePlan | Refusal>();
  if (listings.length === 0) {
    requests.forEach((r, i) => r.storage && out.set(i, refuse('STORAGE_CLASS')));
    return out;
  }
  const index = new CandidateIndex(listings);
  const work: { requestIndex: number; options: number[] }[] = [];
  requests.forEach((request, requestIndex) => {
    const need = request.storage;
    if (!need) return;
    let reason: Refusal = refuse('STORAGE_CLASS');
    const options: number[] = [];
    const { fromDay, toDay } = stayDays(request);
    for (const hit of index.within(request.origin, ctx.config.listingSearchRadiusKm)) {
      ctx.counters.pairsEvaluated++;
      const listing = listings[hit.index]!;
      if (ctx.isListingExcluded(request.id, listing.id)) reason = refuse('EXCLUDED');
      else if (!storageClassAllows(request.cargoClass, need.storageClass, listing.storageClass)) continue;
      else if (need.days < listing.minDays) reason = refuse('MIN_DAYS');
      else if (ledger.available(hit.index, fromDay, toDay) <= 0) reason = refuse('STORAGE_DATES');
      else {
        ctx.counters.feasiblePairs++;
        options.push(hit.index);
      }
    }
    if (options.length === 0) out.set(requestIndex, reason);
    else work.push({ requestIndex, options });
  });

  work.sort((a, b) => a.options.length - b.options.length || requests[b.requestIndex]!.storage!.pallets - requests[a.requestIndex]!.storage!.pallets || a.requestIndex - b.requestIndex);
  for (const { requestIndex, options } of work) {
    const request = requests[requestIndex]!;
    const plan = bestPlan(request, options, listings, ledger, ctx);
    out.set(requestIndex, plan);
    if (plan.ok) for (const part of plan.parts) ledger.reserve(part.listingIndex, part.fromDay, part.toDay, part.pallets);
  }
  return out;
}

function bestPlan(request: RequestInput, options: number[], listings: readonly ListingInput[], ledger: StorageLedger, ctx: RoundContext): StoragePlan | Refusal {
  const need = request.storage!;
  const { fromDay, toDay } = stayDays(request);
  const days = toDay - fromDay + 1;
  const perKm = (smallestClassFor(request.weightKg, request.pallets) ?? LARGEST_CLASS).perKmKrw;
  const kmTo = (from: LatLng, to: LatLng) => roadKm(haversineKm(from, to), ctx.config);
  const storageOf = (listingIndex: number, pallets: number) => storageCost(pallets, days, listings[listingIndex]!.pricePerPalletDayKrw);
  const capacity = new Map(options.map((i) => [i, ledger.available(i, fromDay, toDay)]));

  let best: { plan: StoragePlan; score: number } | null = null;
  for (const i of options) {
    if (capacity.get(i)! < need.pallets) continue;
    const routeKm = kmTo(request.origin, listings[i]!.location);
    const breakdown = storageOf(i, need.pallets);
    const score = breakdown.storageKrw + perKm * routeKm;
    if (!best || score < best.score) {
      best = { score, plan: { ok: true, parts: [{ listingIndex: i, pallets: need.pallets, fromDay, toDay, breakdown }], storageCostKrw: breakdown.storageKrw, drops: [listings[i]!.location], routeKm } };
    }
  }

  if (need.splitAllowed) {
    // Greedy fill: repeatedly take the listing with the lowest cost per pallet it can hold, counting the extra
    // drive from the previous drop.
    const parts: StoragePart[] = [];
    const drops: LatLng[] = [];
    let at = request.origin;
    let left = need.pallets;
    let routeKm = 0;
    let score = 0;
    const unused = new Set(options);
    while (left > 0 && unused.size > 0) {
      let pick: { i: number; take: number; km: number; perPallet: number } | null = null;
      for (const i of unused) {
        const take = Math.min(left, capacity.get(i)!);
        if (take <= 0) continue;
        const km = kmTo(at, listings[i]!.location);
        const perPallet = (storageOf(i, take).storageKrw + perKm * km) / take;
        if (!pick || perPallet < pick.perPallet) pick = { i, take, km, perPallet };
      }
      if (!pick) break;
      unused.delete(pick.i);
      const breakdown = storageOf(pick.i, pick.take);
      parts.push({ listingIndex: pick.i, pallets: pick.take, fromDay, toDay, breakdown });
      drops.push(listings[pick.i]!.location);
      at = listings[pick.i]!.location;
      routeKm += pick.km;
      score += breakdown.storageKrw + perKm * pick.km;
      left -= pick.take;
    }
    if (left === 0 && parts.length > 1 && (!best || score < best.score)) {
      const storageCostKrw = parts.reduce((s, p) => s + p.breakdown.storageKrw, 0);
      best = { score, plan: { ok: true, parts, storageCostKrw, drops, routeKm } };
    }
  }
  if (!best) return refuse('STORAGE_CAPACITY');
  if (request.maxPriceKrw !== null && best.plan.storageCostKrw > request.maxPriceKrw) return refuse('PRICE');
  return best.plan;
}
