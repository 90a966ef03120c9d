/**
 * MATCHING_MAX_STOPS (config.maxStopsPerRoute) counts places: loads picked up at one dock and dropped at one
 * address are two stops for the driver however many loads there are.
 */
import { describe, expect, it } from 'vitest';
import { baseRequest, baseVehicle, CENTRE, NOW, runRound } from '../../helpers/matching-fixtures';

describe('stop limit', () => {
  it('pools three loads from one dock to one address on one truck at a limit of 4 stops (six pickups and drops)', () => {
    const requests = ['R1', 'R2', 'R3'].map((id, k) => baseRequest({ id, shipperOrgId: `S${k}` }));
    const vehicles = ['V1', 'V2', 'V3'].map((id) => baseVehicle({ id }));
    const { offers } = runRound({ now: NOW, centre: CENTRE, requests, vehicles, listings: [] }, { maxStopsPerRoute: 4 });
    const routes = offers.flatMap((o) => (o.kind === 'ROUTE' ? [o] : []));
    expect(routes).toHaveLength(1);
    expect(routes[0]!.shares.map((s) => s.requestId).sort()).toEqual(['R1', 'R2', 'R3']);
    expect(routes[0]!.stops).toHaveLength(6);
  });
});
