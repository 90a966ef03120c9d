/**
 * Pricing: integer KRW throughout (rounded once per component so breakdowns add up exactly), CO2 in kg.
 */
import type { CostBreakdown } from './types';

export const ZERO_BREAKDOWN: CostBreakdown = Object.freeze({ baseKrw: 0, distanceKrw: 0, storageKrw: 0, handlingKrw: 0, stopsKrw: 0, waitingKrw: 0 });

/** Returns the sum of a breakdown's components. */
export function totalOf(b: CostBreakdown): number {
  return b.baseKrw + b.distanceKrw + b.storageKrw + b.handlingKrw + b.stopsKrw + b.waitingKrw;
}

/** Returns base fee + per-km rate x (deadhead + loaded km) as a breakdown. */
export function transportCost(baseFeeKrw: number, perKmKrw: number, deadheadKm: number, loadedKm: number): CostBreakdown {
  return { ...ZERO_BREAKDOWN, baseKrw: baseFeeKrw, distanceKrw: Math.round(perKmKrw * (deadheadKm + loadedKm)) };
}

/** Returns pallets x days x price per pallet-day as a breakdown. */
export function storageCost(pallets: number, days: number, pricePerPalletDayKrw: number): CostBreakdown {
  return { ...ZERO_BREAKDOWN, storageKrw: Math.round(pallets * days * pricePerPalletDayKrw) };
}

/** Returns kg CO2 for empty and loaded km at the given g/km factors, to the gram. */
export function co2Kg(emptyKm: number, emptyGPerKm: number, loadedKm: number, loadedGPerKm: number): number {
  return Math.round(emptyKm * emptyGPerKm + loadedKm * loadedGPerKm) / 1000;
}
