/**
 * A round searches for seconds on its thread, from what it read at its start. A truck retired or a listing withdrawn,
 * moved or re-classed meanwhile withdrew the offers pending on it, and the round's were not written yet: it writes
 * none on them when it comes to write, nor the route that would take goods to that warehouse. Driven deterministically:
 * the round's read and search as the service does them, the change, then its write step.
 */
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipmentRequests } from '../../db/schema';
import { cancelShipmentRequest } from '../../src/demand/cancel-shipment-request';
import { kstDayOf, kstTimeOn } from '../../src/matching/engine/days';
import { updateListing } from '../../src/supply/listings/update-listing';
import { withdrawListing } from '../../src/supply/listings/withdraw-listing';
import { retireVehicle } from '../../src/supply/vehicles/retire-vehicle';
import { ctxAs, listing, shipment, vehicle } from '../helpers/bookings-fixtures';
import { roundSteps } from '../helpers/round-steps';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

describe("a round's offers on suppliers that changed while it searched", () => {
  const tmp = tempDir();
  let server: TestServer;
  const as = (role: 'MANUFACTURER' | 'CARRIER' | 'WAREHOUSE_OWNER' | 'OPERATOR') => ctxAs(server.db, server.keyOf(role));
  // Tomorrow between 10:00 and 16:00 in Korea: the warehouses (open 08:00 to 18:00) receive the goods that day.
  const day = kstDayOf(Date.now()) + 1;
  const post = (storage: boolean) =>
    shipment(as('MANUFACTURER'), {
      origin: { lat: 37.325, lng: 126.75 },
      destination: { lat: 37.2636, lng: 127.0286 },
      pickupWindow: { from: new Date(kstTimeOn(day, '10:00')), until: new Date(kstTimeOn(day, '16:00')) },
      deliverBy: new Date(kstTimeOn(day + 1, '10:00')),
      ...(storage && { storage: { pallets: 3, days: 3, storageClass: 'AMBIENT' as const } }),
    });
  const { search, write } = roundSteps(() => as('OPERATOR'));
  const statusOf = async (id: number) => (await server.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, id)).get())!.status;

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'stale-round.db') });
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('writes no route on a truck retired meanwhile; its requests stay OPEN for the next round', async () => {
    const request = await post(false);
    const truck = await vehicle(as('CARRIER'), { location: { lat: 37.33, lng: 126.75 } });
    const { input, planned } = await search();
    const onTruck = planned.filter((o) => o.kind === 'ROUTE' && o.vehicleId === String(truck.id));
    expect(onTruck.flatMap((o) => (o.kind === 'ROUTE' ? o.shares.map((s) => s.requestId) : []))).toContain(String(request.id));
    await retireVehicle({ ctx: as('CARRIER'), input: { vehicleId: truck.id } });
    const written = await write(input, planned);
    expect(written.filter((o) => o.vehicleId === truck.id)).toEqual([]);
    expect(await statusOf(request.id)).toBe('OPEN');
  });

  it('writes no storage offer into a listing withdrawn, moved or re-classed meanwhile, nor the route taking the goods there', async () => {
    await vehicle(as('CARRIER'), { location: { lat: 37.33, lng: 126.75 } });
    const owner = as('WAREHOUSE_OWNER');
    const changes = [
      (id: number) => withdrawListing({ ctx: owner, input: { listingId: id } }),
      (id: number) => updateListing({ ctx: owner, input: { listingId: id, location: { lat: 37.4, lng: 126.9 } } }),
      (id: number) => updateListing({ ctx: owner, input: { listingId: id, storageClass: 'BONDED' } }),
    ];
    for (const change of changes) {
      const request = await post(true);
      const space = await listing(owner, 10);
      const { input, planned } = await search();
      expect(planned.some((o) => o.kind === 'STORAGE' && o.requestId === String(request.id) && o.listingId === String(space.id))).toBe(true);
      await change(space.id);
      const written = await write(input, planned);
      expect(written.filter((o) => o.listingId === space.id || o.requestId === request.id)).toEqual([]);
      expect(await statusOf(request.id)).toBe('OPEN');
      // Out of the next case's way: the request and the space leave the market.
      await cancelShipmentRequest({ ctx: as('MANUFACTURER'), input: { id: request.id, reason: 'test case done' } });
      if (change !== changes[0]) await withdrawListing({ ctx: owner, input: { listingId: space.id } });
    }
  });
});
