import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getComplex } from '../../src/complexes/get-complex';
import { loadRoundInput } from '../../src/matching/round-input';
import { ctxAs, listing, shipment, vehicle } from '../helpers/bookings-fixtures';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

describe('round input', () => {
  const tmp = tempDir();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'round-input.db') });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('hands the engine loading methods, the rate card per stop and per hour waited, and opening hours and equipment', async () => {
    const as = (role: 'CARRIER' | 'MANUFACTURER' | 'WAREHOUSE_OWNER') => ctxAs(server.db, server.keyOf(role));
    const truck = await vehicle(as('CARRIER'), { tonnageClass: 'T1', bodyType: 'CARGO', rateCard: { perStopFeeKrw: 7_000 } });
    const request = await shipment(as('MANUFACTURER'), { cargoClass: 'OVERSIZE', pallets: 1, weightKg: 600, loadingAtOrigin: 'HOIST', loadingAtDestination: 'BY_HAND' });
    const warehouse = await listing(as('WAREHOUSE_OWNER'));

    const input = await loadRoundInput({ db: server.db }, getComplex({ ctx: as('CARRIER'), input: { code: 'BANWOL_SIHWA' } }), new Date());

    expect(input.requests.find((r) => r.id === String(request.id))).toMatchObject({ pickupLoadingMethod: 'HOIST', deliveryLoadingMethod: 'BY_HAND' });
    expect(input.vehicles.find((v) => v.id === String(truck.id))).toMatchObject({ perStopFeeKrw: 7_000, waitingFeePerHourKrw: 8_000 });
    expect(input.listings.find((l) => l.id === String(warehouse.id))).toMatchObject({ opensAt: '08:00', closesAt: '18:00', hasForklift: false, hasDock: false });
    expect(input.centre).toMatchObject({ opensAt: '07:00', closesAt: '22:00' });
  });
});
