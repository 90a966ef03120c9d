/**
 * MATCHING_DAILY_DRIVING_HOURS caps a truck's driving in a day (Asia/Seoul), not only one route's: once a truck is
 * booked on a morning route, the next rounds offer it that afternoon only what the rest of the day's driving allows.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kstDayOf, kstTimeOn } from '../../src/matching/engine/days';
import { fromNow, marketApi } from '../helpers/market-api';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const GATE = { lat: 37.325, lng: 126.75 };
const SUWON = { lat: 37.2636, lng: 127.0286 };
/** Gimpo, north-west across the capital region from Suwon: about 1.5 hours' driving. */
const GIMPO = { lat: 37.615, lng: 126.715 };
const ACCEPT = 'mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) { route { id status } } }';
type Route = { id: string; vehicleId: string; stops: { requestId: string }[] };

describe("a truck's day of driving", () => {
  const tmp = tempDir();
  let server: TestServer;
  let truck: string;
  const market = marketApi(() => server);
  /** Milliseconds from now to `hhmm` tomorrow, Asia/Seoul. */
  const tomorrowAt = (hhmm: string) => kstTimeOn(kstDayOf(Date.now()) + 1, hhmm) - Date.now();

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'daily-driving.db'), env: { MATCHING_DAILY_DRIVING_HOURS: '2' } });
    const registered = await market.as<{ vehicleRegister: { vehicle: { id: string } } }>(server.keyOf('CARRIER').apiKey, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { plateNumber: '경기90바1234', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: fromNow(HOUR), endsAt: fromNow(72 * HOUR) }], idempotencyKey: randomUUID() },
    });
    truck = registered.data!.vehicleRegister.vehicle.id;
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it("does not offer a truck booked on a morning route an afternoon trip past the day's driving", async () => {
    // An hour to Suwon in the morning, booked.
    const a = await market.post(GATE, SUWON, 800, 2, tomorrowAt('09:00'), tomorrowAt('10:00'), tomorrowAt('14:00'));
    const morning = (await market.round<Route>('id vehicleId stops { requestId }')).find((r) => r.stops.some((s) => s.requestId === a))!;
    expect(morning.vehicleId).toBe(truck);
    expect((await market.as(server.keyOf('CARRIER').apiKey, ACCEPT, { id: morning.id, key: randomUUID() })).errors).toBeUndefined();
    // From Suwon, where the truck stands after it, 1.5 hours more the same afternoon: past the 2 hours of the day.
    const b = await market.post(SUWON, GIMPO, 800, 2, tomorrowAt('12:00'), tomorrowAt('13:00'), tomorrowAt('20:00'));
    const afternoon = (await market.round<Route>('id vehicleId stops { requestId }')).filter((r) => r.stops.some((s) => s.requestId === b));
    expect(afternoon.map((r) => r.vehicleId)).not.toContain(truck);
  });
});
