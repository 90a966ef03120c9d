/**
 * Turns requests into transport jobs: the loaded route is fixed before vehicles are matched, door to door or,
 * for a storage need, door to the chosen warehouse(s).
 */
import { haversineKm } from '../../geo/distance';
import { DEFAULT_LOADING_METHOD, serviceMinutes } from '../../supply/loading-methods';
import { roadKm, travelMs, type MatchingConfig } from './config';
import type { TransportJob } from './context';
import { aroundTheClock, kstDayOf, kstTimeOn } from './days';
import type { StoragePlan } from './storage';
import type { ListingInput, RequestInput } from './types';

const MINUTE = 60_000;

/**
 * The pallets unloaded at each drop of `request`'s job: without storage all at the destination; with it, each
 * warehouse its part of the stay, then the destination the pallets not stored (no such drop when all are).
 */
export function dropPallets(request: RequestInput, storage?: StoragePlan): number[] {
  if (!storage) return [request.pallets];
  const stored = storage.parts.map((part) => part.pallets);
  const rest = request.pallets - stored.reduce((a, b) => a + b, 0);
  return rest > 0 ? [...stored, rest] : stored;
}

/**
 * Returns job number `index` for `request` (at `requestIndex` in the input), routed via `storage` when given (and on
 * to the destination with the pallets not stored). A stop takes the time its loading method needs for its pallets;
 * goods bound for a warehouse are unloaded while it is open on the day of the pickup window.
 */
export function buildJob(index: number, requestIndex: number, request: RequestInput, config: MatchingConfig, storage?: StoragePlan, listings: readonly ListingInput[] = []): TransportJob {
  const pallets = dropPallets(request, storage);
  // Goods not stored go on from the last warehouse to the destination.
  const onward = storage && pallets.length > storage.parts.length ? request.destination : null;
  const drops = storage ? [...storage.drops, ...(onward ? [onward] : [])] : [request.destination];
  const loadedKm = storage
    ? storage.routeKm + (onward ? roadKm(haversineKm(storage.drops.at(-1)!, onward), config) : 0)
    : roadKm(haversineKm(request.origin, request.destination), config);
  const pickupServiceMs = serviceMinutes(request.pickupLoadingMethod ?? DEFAULT_LOADING_METHOD, request.pallets) * MINUTE;
  const dropServiceMs = pallets.map((n) => serviceMinutes(request.deliveryLoadingMethod ?? DEFAULT_LOADING_METHOD, n) * MINUTE);
  const day = kstDayOf(request.pickupWindow.start);
  const hours = (storage?.parts ?? []).map((part) => listings[part.listingIndex]).filter((l) => l?.opensAt && l.closesAt && !aroundTheClock(l));
  const dropEarliestMs = Math.max(-Infinity, ...hours.map((l) => kstTimeOn(day, l!.opensAt!)));
  // A warehouse's closing bounds its own unloading; pallets not stored go on to the destination after it, so the job
  // may end later by the drive from the last warehouse and the unloading there (a stop in between only adds time).
  const onwardMs = onward ? travelMs(roadKm(haversineKm(storage!.drops.at(-1)!, onward), config), config) + dropServiceMs.at(-1)! : 0;
  const deadlineMs = Math.min(request.deliveryDeadline, ...hours.map((l) => kstTimeOn(day, l!.closesAt!) + onwardMs));
  const storageCostKrw = storage?.storageCostKrw ?? 0;
  return {
    index,
    requestIndex,
    request,
    origin: request.origin,
    drops,
    loadedKm,
    workMs: pickupServiceMs + travelMs(loadedKm, config) + dropServiceMs.reduce((a, b) => a + b, 0),
    pickupServiceMs,
    dropServiceMs,
    dropEarliestMs,
    deadlineMs,
    storageCostKrw,
    transportBudgetKrw: request.maxPriceKrw === null ? Infinity : request.maxPriceKrw - storageCostKrw,
  };
}
