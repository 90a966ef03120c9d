/**
 * Loads posted for a later day pool on trucks free that day. A truck the one-per-truck assignment left idle joins the
 * search in one of its shifts: the one its cluster's loads are picked up in, not merely its first.
 */
import { describe, expect, it } from 'vitest';
import { baseRequest, baseVehicle, CENTRE, H, NOW, runRound } from '../../helpers/matching-fixtures';

const DAEJEON = { lat: 36.3504, lng: 127.3845 };
// Three shifts, today, tomorrow and the day after: 08:00–20:00 Asia/Seoul (NOW is 08:00).
const shifts = [0, 24, 48].map((h) => ({ start: NOW + h * H, end: NOW + (h + 12) * H }));
// Two 1 t vans, each the cheapest truck for one load alone, and a 2.5 t truck that carries both.
const vehicles = [
  baseVehicle({ id: 'VAN1', vehicleClass: 'T1', payloadKg: 1_000, palletSlots: 2, bodyType: 'BOX', baseFeeKrw: 25_000, perKmKrw: 1_000, perStopFeeKrw: 10_000, availability: shifts }),
  baseVehicle({ id: 'VAN2', vehicleClass: 'T1', payloadKg: 1_000, palletSlots: 2, bodyType: 'BOX', baseFeeKrw: 25_000, perKmKrw: 1_000, perStopFeeKrw: 10_000, availability: shifts }),
  baseVehicle({ id: 'TRUCK', perStopFeeKrw: 16_000, availability: shifts }),
];
const loadsOn = (day: number) =>
  ['A', 'B'].map((id, i) =>
    baseRequest({ id, shipperOrgId: `S${i}`, origin: { lat: 37.32 + i * 0.01, lng: 126.74 + i * 0.02 }, destination: DAEJEON, weightKg: 700, pallets: 2, pickupWindow: { start: NOW + (day * 24 + 1) * H, end: NOW + (day * 24 + 3) * H }, deliveryDeadline: NOW + (day * 24 + 10) * H }),
  );

describe('pooling on a later day', () => {
  it.each([0, 2])('pools two loads to one city on one truck when they are picked up on day %i', (day) => {
    const { offers } = runRound({ centre: CENTRE, requests: loadsOn(day), vehicles, listings: [], now: NOW });
    const routes = offers.filter((o) => o.kind === 'ROUTE');
    expect(routes).toHaveLength(1);
    expect(routes[0]).toMatchObject({ vehicleId: 'TRUCK' });
    expect(routes[0]!.kind === 'ROUTE' && routes[0]!.shares.map((s) => s.requestId).sort()).toEqual(['A', 'B']);
  });
});
