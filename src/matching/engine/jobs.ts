/**
 * Turns requests into transport jobs: the loaded route is fixed before vehicles are matched, door to door or,
 * for a storage need, door to the chosen warehouse(s).
 */
import { haversineKm } from '../../geo/distance';
import { roadKm, travelMs, type MatchingConfig } from './config';
import type { TransportJob } from './context';
import type { StoragePlan } from './storage';
import type { RequestInput } from './types';

/** Returns job number `index` for `request` (at `requestIndex` in the input), routed via `storage` when given. */
export function buildJob(index: number, requestIndex: number, request: RequestInput, config: MatchingConfig, storage?: StoragePlan): TransportJob {
  const drops = storage ? storage.drops : [request.destination];
  const loadedKm = storage ? storage.routeKm : roadKm(haversineKm(request.origin, request.destination), config);
  const stopMs = config.stopMinutes * 60_000;
  const storageCostKrw = storage?.storageCostKrw ?? 0;
  return {
    index,
    requestIndex,
    request,
    origin: request.origin,
    drops,
    loadedKm,
    workMs: stopMs + travelMs(loadedKm, config) + stopMs * drops.length,
    storageCostKrw,
    transportBudgetKrw: request.maxPriceKrw === null ? Infinity : request.maxPriceKrw - storageCostKrw,
  };
}
