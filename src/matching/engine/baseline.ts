/**
 * The "no sharing" baseline (DESIGN §4): each shipment moves alone on the smallest adequate dedicated truck
 * from the class table, starting at its origin and returning empty, so deadhead km = loaded km. Loads larger
 * than the largest class go on several of the largest trucks. Storage, when needed, costs what the engine
 * found, so savings compare transport arrangements on the same requests.
 */
import { LARGEST_CLASS, smallestClassFor } from '../../supply/vehicle-classes';
import type { TransportJob } from './context';
import { co2Kg } from './cost';

export interface BaselineLeg {
  costKrw: number;
  co2Kg: number;
  deadheadKm: number;
  loadedKm: number;
  trucks: number;
}

/** What one offer's request would cost alone, kept with the offer so insights compare booked against baseline. */
export interface OfferBaseline {
  /** Transport only: storage costs the same either way. */
  transportCostKrw: number;
  co2Kg: number;
  deadheadKm: number;
  loadedKm: number;
}

/** Returns the baseline of `job` as carried on its offer. */
export function offerBaselineFor(job: TransportJob): OfferBaseline {
  const { costKrw, co2Kg, deadheadKm, loadedKm } = baselineFor(job);
  return { transportCostKrw: costKrw - job.storageCostKrw, co2Kg, deadheadKm, loadedKm };
}

/** Returns the baseline cost and CO2 of moving `job` alone (including its storage cost). */
export function baselineFor(job: TransportJob): BaselineLeg {
  const { weightKg, pallets } = job.request;
  const fitting = smallestClassFor(weightKg, pallets);
  const truck = fitting ?? LARGEST_CLASS;
  const trucks = fitting ? 1 : Math.max(Math.ceil(weightKg / truck.payloadKg), Math.ceil(pallets / truck.palletSlots));
  const km = job.loadedKm;
  return {
    costKrw: trucks * (truck.baseFeeKrw + Math.round(truck.perKmKrw * 2 * km)) + job.storageCostKrw,
    co2Kg: trucks * co2Kg(km, truck.co2GPerKmEmpty, km, truck.co2GPerKmLoaded),
    deadheadKm: trucks * km,
    loadedKm: trucks * km,
    trucks,
  };
}
