import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../../src/geo/distance';
import { buildJob, canShareVehicle, createContext, evaluateTransport, resolveConfig } from '../../../src/matching/engine/index';
import { serviceMinutes } from '../../../src/supply/loading-methods';
import type { RequestInput, VehicleInput } from '../../../src/matching/engine/index';
import { baseRequest, baseVehicle, CENTRE, H, NOW, runRound } from '../../helpers/matching-fixtures';

const request = baseRequest;

const vehicle = baseVehicle;

function evaluate(r: RequestInput, v: VehicleInput) {
  const config = resolveConfig();
  const ctx = createContext(config, NOW, CENTRE, [v]);
  return evaluateTransport(buildJob(0, 0, r, config), ctx.vehicles[0]!, ctx);
}

const reasonOf = (r: RequestInput, v: VehicleInput) => {
  const result = evaluate(r, v);
  return result.ok ? 'OK' : result.reason;
};

describe('transport feasibility and price', () => {
  it('prices base + per-km x (deadhead + loaded) with the 1.3 detour factor, and times at 45 km/h', () => {
    const r = request();
    const v = vehicle();
    const plan = evaluate(r, v);
    if (!plan.ok) throw new Error(plan.reason);
    const deadhead = haversineKm(v.location, r.origin) * 1.3;
    const loaded = haversineKm(r.origin, r.destination) * 1.3;
    expect(plan.deadheadKm).toBeCloseTo(deadhead, 9);
    expect(plan.loadedKm).toBeCloseTo(loaded, 9);
    expect(plan.costKrw).toBe(40_000 + Math.round(1_300 * (deadhead + loaded)));
    expect(plan.breakdown).toEqual({ baseKrw: 40_000, distanceKrw: Math.round(1_300 * (deadhead + loaded)), storageKrw: 0, handlingKrw: 0, stopsKrw: 0, waitingKrw: 0 });
    expect(plan.pickupAt).toBe(r.pickupWindow.start);
    // Loading and unloading by forklift (10 min + 2 per pallet each) + driving.
    expect(plan.deliverAt).toBeCloseTo(r.pickupWindow.start + 2 * serviceMinutes('FORKLIFT', r.pallets) * 60_000 + (loaded / 45) * H, 0);
    expect(plan.co2Kg).toBeCloseTo((deadhead * 295 + loaded * 370) / 1000, 2);
    expect(plan.expiresAt).toBe(NOW + 30 * 60_000);
  });

  it('applies the cargo class vs body type table', () => {
    expect(reasonOf(request({ cargoClass: 'CHILLED' }), vehicle({ bodyType: 'WING' }))).toBe('BODY');
    expect(reasonOf(request({ cargoClass: 'CHILLED' }), vehicle({ bodyType: 'REFRIGERATED' }))).toBe('OK');
    expect(reasonOf(request({ cargoClass: 'CHILLED' }), vehicle({ bodyType: 'FROZEN' }))).toBe('OK');
    expect(reasonOf(request({ cargoClass: 'FROZEN' }), vehicle({ bodyType: 'REFRIGERATED' }))).toBe('BODY');
    expect(reasonOf(request({ cargoClass: 'FROZEN' }), vehicle({ bodyType: 'FROZEN' }))).toBe('OK');
    expect(reasonOf(request({ cargoClass: 'LIQUID_BULK', pallets: 0 }), vehicle({ bodyType: 'WING' }))).toBe('BODY');
    expect(reasonOf(request({ cargoClass: 'LIQUID_BULK', pallets: 0 }), vehicle({ bodyType: 'TANK' }))).toBe('OK');
    expect(reasonOf(request({ cargoClass: 'OVERSIZE' }), vehicle({ bodyType: 'BOX' }))).toBe('BODY');
    expect(reasonOf(request({ cargoClass: 'OVERSIZE' }), vehicle({ bodyType: 'FLATBED' }))).toBe('OK');
    expect(reasonOf(request({ cargoClass: 'OVERSIZE' }), vehicle({ bodyType: 'CARGO' }))).toBe('OK');
    expect(reasonOf(request({ cargoClass: 'GENERAL' }), vehicle({ bodyType: 'TANK' }))).toBe('BODY');
  });

  it('requires hazmat certification for hazmat cargo', () => {
    expect(reasonOf(request({ cargoClass: 'HAZMAT' }), vehicle())).toBe('HAZMAT');
    expect(reasonOf(request({ cargoClass: 'HAZMAT' }), vehicle({ hazmatCertified: true }))).toBe('OK');
  });

  it('never lets hazmat share a vehicle with chilled or frozen food', () => {
    expect(canShareVehicle('HAZMAT', 'CHILLED')).toBe(false);
    expect(canShareVehicle('FROZEN', 'HAZMAT')).toBe(false);
    expect(canShareVehicle('HAZMAT', 'GENERAL')).toBe(true);
    expect(canShareVehicle('CHILLED', 'GENERAL')).toBe(true);
  });

  it('lets an oversize piece share its open deck with general cargo or another piece, never with hazmat; bulk rides alone', () => {
    expect(canShareVehicle('OVERSIZE', 'GENERAL')).toBe(true);
    expect(canShareVehicle('OVERSIZE', 'OVERSIZE')).toBe(true);
    expect(canShareVehicle('HAZMAT', 'OVERSIZE')).toBe(false);
    expect(canShareVehicle('LIQUID_BULK', 'LIQUID_BULK')).toBe(false);
    expect(canShareVehicle('GENERAL', 'LIQUID_BULK')).toBe(false);
  });

  it('checks payload and pallet slots', () => {
    expect(reasonOf(request({ weightKg: 2_501 }), vehicle())).toBe('PAYLOAD');
    expect(reasonOf(request({ pallets: 7 }), vehicle())).toBe('PALLETS');
    expect(reasonOf(request({ weightKg: 2_500, pallets: 6 }), vehicle())).toBe('OK');
  });

  it('refuses when the pickup window cannot be reached within the availability window', () => {
    // Available only after the pickup window closes.
    expect(reasonOf(request(), vehicle({ availability: [{ start: NOW + 4 * H, end: NOW + 12 * H }] }))).toBe('WINDOW');
    // Too far away to arrive before the window closes (Busan, ~300 km).
    expect(reasonOf(request(), vehicle({ location: { lat: 35.18, lng: 129.08 } }))).toBe('WINDOW');
    // Availability ends before the delivery would finish.
    expect(reasonOf(request(), vehicle({ availability: [{ start: NOW, end: NOW + 2 * H }] }))).toBe('WINDOW');
    // A second window that works is used.
    expect(reasonOf(request(), vehicle({ availability: [{ start: NOW, end: NOW + 0.5 * H }, { start: NOW + 2 * H, end: NOW + 10 * H }] }))).toBe('OK');
  });

  it('refuses when the delivery deadline cannot be met', () => {
    const loadedHours = (haversineKm(request().origin, request().destination) * 1.3) / 45;
    const justEnough = NOW + H + 2 * serviceMinutes('FORKLIFT', request().pallets) * 60_000 + loadedHours * H + 1;
    expect(reasonOf(request({ deliveryDeadline: justEnough }), vehicle())).toBe('OK');
    expect(reasonOf(request({ deliveryDeadline: justEnough - 2 }), vehicle())).toBe('DEADLINE');
  });

  it('refuses a price above the request maximum', () => {
    const plan = evaluate(request(), vehicle());
    if (!plan.ok) throw new Error(plan.reason);
    expect(reasonOf(request({ maxPriceKrw: plan.costKrw }), vehicle())).toBe('OK');
    expect(reasonOf(request({ maxPriceKrw: plan.costKrw - 1 }), vehicle())).toBe('PRICE');
  });

  it('never offers a declined pair again', () => {
    const input = { centre: CENTRE, requests: [request()], vehicles: [vehicle(), vehicle({ id: 'V2', location: { lat: 37.4, lng: 126.9 } })], listings: [], now: NOW };
    const first = runRound(input);
    expect(first.offers.map((o) => (o.kind === 'ROUTE' ? o.vehicleId : null))).toEqual(['V1']);
    const again = runRound({ ...input, excludedPairs: [{ requestId: 'R1', vehicleId: 'V1' }] });
    expect(again.offers.map((o) => (o.kind === 'ROUTE' ? o.vehicleId : null))).toEqual(['V2']);
  });
});
