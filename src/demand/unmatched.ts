import type { UnmatchedReason } from '../../db/schema';
import type { ShipmentRequestRecord } from './request-record';

/**
 * What each reason tells the shipper, naming what it may change. "Nearby" is a request's 50 nearest trucks with free
 * time (src/matching/engine/unserved.ts), or the warehouses within the round's search radius of its origin.
 */
const EXPLANATIONS: Readonly<Record<UnmatchedReason, string>> = {
  NO_VEHICLE: 'No truck of the complex has free time ahead; the next rounds try again as carriers publish their shifts',
  EXCLUDED: 'The only trucks or warehouses that could take it are ones that declined it',
  BODY: 'No truck nearby has a body that may carry its cargoClass',
  HAZMAT: 'No truck nearby is certified for hazardous cargo (cargoClass HAZMAT)',
  LOADING: 'No truck nearby can be loaded and unloaded as loadingAtOrigin and loadingAtDestination say',
  PAYLOAD: 'No truck nearby can carry its weightKg',
  PALLETS: 'No truck nearby has room for its pallets',
  WINDOW: 'No truck nearby is free to reach its origin within its pickupWindow',
  DEADLINE: 'No truck nearby can deliver it by deliverBy',
  DRIVING: "The trucks nearby have too little of the day's driving left for the trip (MATCHING_DAILY_DRIVING_HOURS)",
  PRICE: 'Every truck nearby that could carry it costs more than its maxPriceKrw allows',
  STORAGE_CLASS: 'No warehouse nearby offers its storage.storageClass for its cargoClass',
  STORAGE_DATES: 'No warehouse nearby has idle space on every day of its stay (storage.days from the pickup day)',
  STORAGE_CAPACITY: 'No warehouse nearby has room for its storage.pallets for the whole stay (storage.splitAllowed lets several share them)',
  MIN_DAYS: 'The warehouses nearby take only stays longer than its storage.days',
  STORAGE_HOURS: "No truck nearby can unload it at its warehouse before the warehouse closes on the pickupWindow's day: an earlier pickupWindow fits",
  HELD: 'Its truck is held for other loads to share it (MATCHING_HOLD_ALONE_MINUTES, MATCHING_HOLD_POOLED_MINUTES): it is offered as its pickup window nears',
  TAKEN: 'Trucks that could carry it went to other loads in this round; the next round tries again',
};

export interface Unmatched {
  reason: UnmatchedReason;
  explanation: string;
  at: Date;
}

/** Why the last round that considered `request` gave it no offer, or null: offered since, or in no round yet. */
export function unmatchedOf(request: Pick<ShipmentRequestRecord, 'unmatchedReason' | 'unmatchedAt'>): Unmatched | null {
  const { unmatchedReason: reason, unmatchedAt: at } = request;
  return reason && at ? { reason, explanation: EXPLANATIONS[reason], at } : null;
}
