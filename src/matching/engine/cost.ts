/**
 * Pricing: integer KRW throughout (rounded once per component so breakdowns add up exactly), CO2 in kg.
 */
import type { CostBreakdown } from './types';

export const ZERO_BREAKDOWN: CostBreakdown = Object.freeze({ baseKrw: 0, distanceKrw: 0, storageKrw: 0, handlingKrw: 0 });

/** Returns the sum of a breakdown's components. */
export function totalOf(b: CostBreakdown): number {
  return b.baseKrw + b.distanceKrw + b.storageKrw + b.handlingKrw;
}

/** Returns the component-wise sum of breakdowns. */
export function addBreakdowns(...parts: CostBreakdown[]): CostBreakdown {
  const sum = { baseKrw: 0, distanceKrw: 0, storageKrw: 0, handlingKrw: 0 };
  for (const p of parts) {
    sum.baseKrw += p.baseKrw;
    sum.distanceKrw += p.distanceKrw;
    sum.storageKrw += p.storageKrw;
    sum.handlingKrw += p.handlingKrw;
  }
  return sum;
}

/** Returns base fee + per-km rate x (deadhead + loaded km) as a breakdown. */
export function transportCost(baseFeeKrw: number, perKmKrw: number, deadheadKm: number, loadedKm: number): CostBreakdown {
  return { baseKrw: baseFeeKrw, distanceKrw: Math.round(perKmKrw * (deadheadKm + loadedKm)), storageKrw: 0, handlingKrw: 0 };
}

/** Returns pallets x days x price per pallet-day as a breakdown. */
export function storageCost(pallets: number, days: number, pricePerPalletDayKrw: number): CostBreakdown {
  return { ...ZERO_BREAKDOWN, storageKrw: Math.round(pallets * days * pricePerPalletDayKrw) };
}

/** Returns the centre's handling fee for `pallets` cross-docked pallets as a breakdown. */
export function handlingCost(pallets: number, feePerPalletKrw: number): CostBreakdown {
  return { ...ZERO_BREAKDOWN, handlingKrw: Math.round(pallets * feePerPalletKrw) };
}

/** Returns kg CO2 for empty and loaded km at the given g/km factors, to the gram. */
export function co2Kg(emptyKm: number, emptyGPerKm: number, loadedKm: number, loadedGPerKm: number): number {
  return Math.round(emptyKm * emptyGPerKm + loadedKm * loadedGPerKm) / 1000;
}

/**
 * Splits an integer `total` in proportion to `weights` by largest remainder, so the parts are integers that
 * add up to exactly `total`. Equal weights are used when all weights are zero.
 * @throws Error when `weights` is empty or a weight is negative.
 */
export function allocateProportionally(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) throw new Error('allocateProportionally: no weights');
  if (weights.some((w) => w < 0 || !Number.isFinite(w))) throw new Error('allocateProportionally: bad weight');
  const sum = weights.reduce((a, b) => a + b, 0);
  const effective = sum > 0 ? weights : weights.map(() => 1);
  const effectiveSum = sum > 0 ? sum : weights.length;
  const exact = effective.map((w) => (total * w) / effectiveSum);
  const parts = exact.map(Math.floor);
  let rest = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k]!.i]! += 1;
  return parts;
}

/** Splits every component of a breakdown by `weights` (see allocateProportionally); parts sum to `b`. */
export function splitBreakdown(b: CostBreakdown, weights: readonly number[]): CostBreakdown[] {
  const base = allocateProportionally(b.baseKrw, weights);
  const distance = allocateProportionally(b.distanceKrw, weights);
  const storage = allocateProportionally(b.storageKrw, weights);
  const handling = allocateProportionally(b.handlingKrw, weights);
  return weights.map((_, i) => ({
    baseKrw: base[i]!,
    distanceKrw: distance[i]!,
    storageKrw: storage[i]!,
    handlingKrw: handling[i]!,
  }));
}
