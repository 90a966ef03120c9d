import { join } from 'node:path';
import { and, count, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations, vehicles } from '../../db/schema';
import { activityLog } from '../helpers/activity';
import { firstResults, gql, keepTriggering, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const VEHICLE = /* GraphQL */ `
  fragment V on Vehicle {
    id plateNumber status tonnageClass payloadKg palletSlots bodyType hazmatCertified rateCard { baseFeeKrw perKmKrw perStopFeeKrw waitingFeePerHourKrw }
    location { lat lng } h3Cell locationUpdatedAt availability { startsAt endsAt } complex { code } createdAt
  }
`;
const REGISTER = `mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { ...V } } } ${VEHICLE}`;
const MOVE = 'mutation ($input: VehicleLocationUpdateInput!) { vehicleLocationUpdate(input: $input) { location { vehicleId location { lat lng } h3Cell locationUpdatedAt } } }';
const MOVE_MANY = 'mutation ($input: VehicleLocationsUpdateInput!) { vehicleLocationsUpdate(input: $input) { locations { vehicleId location { lat lng } h3Cell } } }';
const AVAILABILITY = `mutation ($input: VehicleAvailabilityUpdateInput!) { vehicleAvailabilityUpdate(input: $input) { vehicle { ...V } } } ${VEHICLE}`;
const RETIRE = `mutation ($input: VehicleRetireInput!) { vehicleRetire(input: $input) { vehicle { ...V } } } ${VEHICLE}`;
const LIST = `query ($filter: VehicleFilter, $first: Int, $after: String) {
  vehicles(filter: $filter, first: $first, after: $after) { totalCount edges { cursor distanceKm node { ...V } } pageInfo { hasNextPage endCursor } }
} ${VEHICLE}`;
const NODE = `query ($id: ID!) { node(id: $id) { ...V } } ${VEHICLE}`;

type Vehicle = {
  id: string;
  plateNumber: string;
  status: string;
  tonnageClass: string;
  payloadKg: number;
  palletSlots: number;
  rateCard: { baseFeeKrw: number; perKmKrw: number; perStopFeeKrw: number; waitingFeePerHourKrw: number };
  location: { lat: number; lng: number };
  h3Cell: string;
  availability: { startsAt: string; endsAt: string }[];
  complex: { code: string };
};
type Connection = { totalCount: number; edges: { cursor: string; distanceKm: number | null; node: Vehicle }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };

const HOUR = 3_600_000;
const at = (hoursFromNow: number) => new Date(Date.now() + hoursFromNow * HOUR).toISOString();
let plateCounter = 1000;
const freshPlate = () => `${plateCounter % 90 + 10}가${plateCounter++}`;
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64url');
/** What every write on a carrier's own retired vehicle answers: it still reads it (status RETIRED), so it is no NOT_FOUND. */
const RETIRED = { message: 'A retired vehicle cannot be changed; register the truck again', extensions: { code: 'CONFLICT' } };

function vehicleInput(overrides: Record<string, unknown> = {}) {
  return {
    plateNumber: freshPlate(),
    tonnageClass: 'T5',
    bodyType: 'WING',
    location: { lat: 37.32, lng: 126.74 },
    availability: [
      { startsAt: at(1), endsAt: at(9) },
      { startsAt: at(25), endsAt: at(33) },
    ],
    ...overrides,
  };
}

describe('vehicles over GraphQL', () => {
  const tmp = tempDir();
  let server: TestServer;
  let carrier: string;
  let otherCarrier: string;
  let activity: ReturnType<typeof activityLog>;
  const as = <T = Record<string, unknown>>(apiKey: string, query: string, variables?: Record<string, unknown>) => gql<T>(server.url, query, variables, { apiKey });
  const register = async (apiKey: string, overrides: Record<string, unknown> = {}) => {
    const res = await as<{ vehicleRegister: { vehicle: Vehicle } }>(apiKey, REGISTER, { input: vehicleInput(overrides) });
    if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
    return res.body.data.vehicleRegister.vehicle;
  };
  const rowCount = async () => (await server.db.select({ n: count() }).from(vehicles).get())!.n;
  const code = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'vehicles.db'), env: { RATE_LIMIT_PER_KEY: '100000', RATE_LIMIT_PER_ADDRESS: '100000' } });
    carrier = server.keyOf('CARRIER').apiKey;
    const carrierId = server.keyOf('CARRIER').organisationId;
    const complexId = (await server.db.select({ c: organisations.complexId }).from(organisations).where(eq(organisations.id, carrierId)).get())!.c!;
    const other = (await server.db
      .select({ id: organisations.id })
      .from(organisations)
      .where(and(eq(organisations.role, 'CARRIER'), eq(organisations.complexId, complexId), ne(organisations.id, carrierId)))
      .get())!;
    const key = await as<{ apiKeyCreate: { secret: string } }>(server.keyOf('ADMIN').apiKey, 'mutation ($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret } }', {
      input: { organisationId: globalId('Organisation', other.id), name: 'test' },
    });
    otherCarrier = key.body.data!.apiKeyCreate.secret;
    activity = activityLog(server.pubsub);
  });
  afterAll(async () => {
    activity.stop();
    await server.stop();
    tmp.remove();
  });

  describe('vehicleRegister', () => {
    it('registers with payload, slots and rate card defaulting from the class, and tells the operator over graphql-ws', async () => {
      const client = wsClient(server.wsUrl, { apiKey: server.keyOf('OPERATOR').apiKey });
      try {
        const feed = firstResults<{ complexActivity: { kind: string; summary: string; summaryKo: string } }>(client, { query: 'subscription { complexActivity(code: "BANWOL_SIHWA") { kind summary summaryKo } }' });
        // Registers until the subscription is live on the server; each registration is an event.
        let vehicle: Vehicle | undefined;
        const [event] = await keepTriggering(feed, async () => {
          vehicle = await register(carrier);
        });
        // The feed's summaries are English, as README says: no Korean class label in them.
        expect(event!.data!.complexActivity).toEqual({ kind: 'VEHICLE_REGISTERED', summary: 'Vehicle registered: 5-ton WING (5,000 kg, 10 pallets)', summaryKo: '차량 등록: 5톤 윙바디 (5,000kg, 10팔레트)' });
        expect(vehicle).toMatchObject({
          status: 'ACTIVE',
          tonnageClass: 'T5',
          payloadKg: 5_000,
          palletSlots: 10,
          rateCard: { baseFeeKrw: 60_000, perKmKrw: 1_600, perStopFeeKrw: 24_000, waitingFeePerHourKrw: 18_000 },
          complex: { code: 'BANWOL_SIHWA' },
        });
        expect(vehicle!.availability).toHaveLength(2);
        expect(vehicle!.h3Cell).toMatch(/^89/);
      } finally {
        await client.dispose();
      }
    });

    it('takes a plate typed in decomposed Hangul (NFD, as macOS pastes it) as the same plate, not as malformed or as another', async () => {
      const plate = '경기34바5678';
      const decomposed = plate.normalize('NFD');
      expect(decomposed).not.toBe(plate);
      const vehicle = await register(carrier, { plateNumber: decomposed });
      expect(vehicle.plateNumber).toBe(plate);
      const again = await as(carrier, REGISTER, { input: vehicleInput({ plateNumber: plate }) });
      expect(again.body.errors?.[0]).toMatchObject({ message: `A vehicle with plate ${plate} is already registered; if it is yours, ask the operator of BANWOL_SIHWA to retire it`, extensions: { code: 'CONFLICT' } });
    });

    it('takes overrides within the class bounds and normalises the plate', async () => {
      const vehicle = await register(carrier, {
        plateNumber: '서울 12바 3456',
        tonnageClass: 'T25',
        bodyType: 'REFRIGERATED',
        payloadKg: 24_000,
        palletSlots: 18,
        hazmatCertified: true,
        rateCard: { perKmKrw: 3_000, perStopFeeKrw: 0 },
      });
      expect(vehicle).toMatchObject({
        plateNumber: '서울12바3456',
        payloadKg: 24_000,
        palletSlots: 18,
        rateCard: { baseFeeKrw: 130_000, perKmKrw: 3_000, perStopFeeKrw: 0, waitingFeePerHourKrw: 40_000 },
      });
      const read = await as<{ node: Vehicle }>(carrier, NODE, { id: vehicle.id });
      expect(read.body.data!.node.rateCard).toEqual(vehicle.rateCard);
      const noWindows = await register(carrier, { plateNumber: '123가4567', availability: null });
      expect(noWindows.availability).toEqual([]);
    });

    it.each([
      ['plate format', { plateNumber: 'AB-1234' }, 'input.plateNumber', 'Korean number plate'],
      ['plate hangul', { plateNumber: '12육3456' }, 'input.plateNumber', 'Korean number plate'],
      ['payload below the class', { payloadKg: 2_000 }, 'input.payloadKg', 'from 2500 to 7500 kg for class T5'],
      ['payload above the largest class', { tonnageClass: 'T25', payloadKg: 30_000 }, 'input.payloadKg', 'from 12500 to 25000 kg'],
      ['pallet slots', { palletSlots: 21 }, 'input.palletSlots', 'from 1 to 20 for class T5'],
      ['pallet slots positive', { palletSlots: 0 }, 'input.palletSlots', 'from 1'],
      ['base fee', { rateCard: { baseFeeKrw: -1 } }, 'input.rateCard.baseFeeKrw', 'not be negative'],
      ['per-km rate', { rateCard: { perKmKrw: 60_000 } }, 'input.rateCard.perKmKrw', 'at most 50000'],
      ['per-stop fee', { rateCard: { perStopFeeKrw: -5_000 } }, 'input.rateCard.perStopFeeKrw', 'not be negative'],
      ['waiting fee', { rateCard: { waitingFeePerHourKrw: 600_000 } }, 'input.rateCard.waitingFeePerHourKrw', 'at most 500000'],
      ['latitude', { location: { lat: -91, lng: 126 } }, 'input.location.lat', 'latitude'],
      ['service region', { location: { lat: 35.1, lng: 129.0 } }, 'input.location', 'within 150 km'],
      ['window in the past', { availability: [{ startsAt: at(-2), endsAt: at(3) }] }, 'input.availability[0].startsAt', 'past'],
      ['window order', { availability: [{ startsAt: at(5), endsAt: at(3) }] }, 'input.availability[0].endsAt', 'later than startsAt'],
      ['window horizon', { availability: [{ startsAt: at(1), endsAt: at(24 * 400) }] }, 'input.availability[0].endsAt', 'within a year'],
      [
        'overlapping windows',
        { availability: [{ startsAt: at(1), endsAt: at(5) }, { startsAt: at(4), endsAt: at(8) }] },
        'input.availability[1].startsAt',
        'must not be before the end of window 0',
      ],
      [
        'windows out of order',
        { availability: [{ startsAt: at(10), endsAt: at(12) }, { startsAt: at(1), endsAt: at(2) }] },
        'input.availability[1].startsAt',
        'time order',
      ],
      ['idempotency key', { idempotencyKey: 'bad key!' }, 'input.idempotencyKey', '8–100'],
    ])('refuses a bad %s, naming the field and rule, and writes nothing', async (_, overrides, field, rule) => {
      const before = await rowCount();
      const res = await as(carrier, REGISTER, { input: vehicleInput(overrides) });
      expect(code(res)).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.issues).toContainEqual({ field, rule: expect.stringContaining(rule) });
      expect(await rowCount()).toBe(before);
    });

    it('names every failing field in one answer: a field\'s own rule and a rule of its class together; writes nothing', async () => {
      const before = await rowCount();
      const res = await as(carrier, REGISTER, { input: vehicleInput({ rateCard: { perKmKrw: -1 }, palletSlots: 21, location: { lat: 35.1, lng: 129.0 } }) });
      expect(code(res)).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.issues).toEqual([
        { field: 'input.rateCard.perKmKrw', rule: 'must not be negative' },
        { field: 'input.palletSlots', rule: 'must be from 1 to 20 for class T5' },
        { field: 'input.location', rule: "must lie within 150 km of the complex's centroid" },
      ]);
      expect(await rowCount()).toBe(before);
    });

    it('refuses an unknown body type or class at the GraphQL layer', async () => {
      for (const input of [vehicleInput({ bodyType: 'BUS' }), vehicleInput({ tonnageClass: 'T40' })]) {
        expect(code(await as(carrier, REGISTER, { input }))).toBe('BAD_USER_INPUT');
      }
    });

    it('answers CONFLICT for a plate already registered, by anyone', async () => {
      const plateNumber = freshPlate();
      await register(carrier, { plateNumber });
      expect(code(await as(otherCarrier, REGISTER, { input: vehicleInput({ plateNumber }) }))).toBe('CONFLICT');
    });

    it('registers a retired vehicle\'s plate again (a truck sold on), once among the vehicles in service', async () => {
      const plateNumber = freshPlate();
      const first = await register(carrier, { plateNumber });
      await as(carrier, RETIRE, { input: { vehicleId: first.id } });
      const sold = await as<{ vehicleRegister: { vehicle: Vehicle } }>(otherCarrier, REGISTER, { input: vehicleInput({ plateNumber }) });
      expect(sold.body.errors).toBeUndefined();
      expect(sold.body.data!.vehicleRegister.vehicle).toMatchObject({ plateNumber, status: 'ACTIVE' });
      expect(code(await as(carrier, REGISTER, { input: vehicleInput({ plateNumber }) }))).toBe('CONFLICT');
      // The retired one keeps its plate, as its bookings and statements name it.
      expect((await as<{ node: Vehicle }>(carrier, NODE, { id: first.id })).body.data!.node).toMatchObject({ plateNumber, status: 'RETIRED' });
    });

    it('is for CARRIER organisations only', async () => {
      for (const role of ['MANUFACTURER', 'WAREHOUSE_OWNER', 'OPERATOR', 'ADMIN'] as const) {
        expect(code(await as(server.keyOf(role).apiKey, REGISTER, { input: vehicleInput() }))).toBe('FORBIDDEN');
      }
    });

    it('returns the first vehicle for a repeated idempotency key, and CONFLICT for the key with another input', async () => {
      const input = vehicleInput({ idempotencyKey: 'vehicle-key-0001' });
      const first = await as<{ vehicleRegister: { vehicle: Vehicle } }>(carrier, REGISTER, { input });
      const before = await rowCount();
      await activity.settled();
      const eventsBefore = activity.events.length;
      const again = await as<{ vehicleRegister: { vehicle: Vehicle } }>(carrier, REGISTER, { input });
      expect(again.body.data!.vehicleRegister.vehicle.id).toBe(first.body.data!.vehicleRegister.vehicle.id);
      expect(await rowCount()).toBe(before);
      await activity.settled();
      expect(activity.events.length).toBe(eventsBefore);
      expect(code(await as(carrier, REGISTER, { input: { ...input, plateNumber: freshPlate() } }))).toBe('CONFLICT');
    });
  });

  describe('vehicleLocationUpdate and vehicleLocationsUpdate', () => {
    it('moves the vehicle, recomputes its H3 cell and publishes nothing', async () => {
      const vehicle = await register(carrier);
      await activity.settled();
      const before = activity.events.length;
      const res = await as<{ vehicleLocationUpdate: { location: { vehicleId: string; location: { lat: number; lng: number }; h3Cell: string } } }>(carrier, MOVE, {
        input: { vehicleId: vehicle.id, location: { lat: 37.5, lng: 127.0 } },
      });
      expect(res.body.data!.vehicleLocationUpdate.location).toMatchObject({ vehicleId: vehicle.id, location: { lat: 37.5, lng: 127.0 } });
      expect(res.body.data!.vehicleLocationUpdate.location.h3Cell).not.toBe(vehicle.h3Cell);
      const node = await as<{ node: Vehicle }>(carrier, NODE, { id: vehicle.id });
      expect(node.body.data!.node.location).toEqual({ lat: 37.5, lng: 127.0 });
      await activity.settled();
      expect(activity.events.length).toBe(before);
    });

    it('accepts positions anywhere in Korea but refuses bad ones, naming the field', async () => {
      const vehicle = await register(carrier);
      const busan = await as(carrier, MOVE, { input: { vehicleId: vehicle.id, location: { lat: 35.1, lng: 129.04 } } });
      expect(busan.body.errors).toBeUndefined();
      const tokyo = await as(carrier, MOVE, { input: { vehicleId: vehicle.id, location: { lat: 35.68, lng: 139.76 } } });
      expect(tokyo.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.location', rule: "must lie within 500 km of the complex's centroid" }]);
      const range = await as(carrier, MOVE, { input: { vehicleId: vehicle.id, location: { lat: 95, lng: 127 } } });
      expect(range.body.errors?.[0]?.extensions?.issues).toContainEqual({ field: 'input.location.lat', rule: expect.stringContaining('latitude') });
      const malformed = await as(carrier, MOVE, { input: { vehicleId: 'nope', location: { lat: 37, lng: 127 } } });
      expect(malformed.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.vehicleId', rule: 'must be the ID of a Vehicle' }]);
    });

    it('refuses a position in North Korea or Japan, within reach of the complex but not a place its trucks drive, as a tracking position is', async () => {
      const vehicle = await register(carrier);
      const korea = { field: 'input.location', rule: expect.stringMatching(/^must lie in South Korea \(lat 33–38\.7, lng 124\.5–131\), south of the DMZ/) };
      // Pyongyang: 210 km from Banwol-Sihwa, a latitude typed 39 for 37.
      const pyongyang = await as(carrier, MOVE, { input: { vehicleId: vehicle.id, location: { lat: 39.03, lng: 125.75 } } });
      expect(pyongyang.body.errors?.[0]?.extensions?.issues).toEqual([korea]);
      const tsushima = await as(carrier, MOVE, { input: { vehicleId: vehicle.id, location: { lat: 34.4, lng: 129.33 } } });
      expect(tsushima.body.errors?.[0]?.extensions?.issues).toEqual([korea]);
      const fleet = await as(carrier, MOVE_MANY, { input: { updates: [{ vehicleId: vehicle.id, location: { lat: 37.3, lng: 126.7 } }, { vehicleId: (await register(carrier)).id, location: { lat: 39.03, lng: 125.75 } }] } });
      expect(fleet.body.errors?.[0]?.extensions?.issues).toEqual([{ ...korea, field: 'input.updates[1].location' }]);
      expect((await as<{ node: Vehicle }>(carrier, NODE, { id: vehicle.id })).body.data!.node.location).toEqual(vehicle.location);
      // Kaesong, 75 km away across the DMZ: no yard of a South Korean carrier.
      const before = await rowCount();
      const kaesong = await as(carrier, REGISTER, { input: vehicleInput({ location: { lat: 37.97, lng: 126.55 } }) });
      expect(kaesong.body.errors?.[0]?.extensions?.issues).toEqual([korea]);
      expect(await rowCount()).toBe(before);
    });

    it('answers NOT_FOUND for unknown and other carriers’ vehicles (retired too), CONFLICT for its own retired one, FORBIDDEN for other roles', async () => {
      const vehicle = await register(carrier);
      const retired = await register(carrier);
      await as(carrier, RETIRE, { input: { vehicleId: retired.id } });
      const location = { lat: 37.3, lng: 126.7 };
      expect(code(await as(carrier, MOVE, { input: { vehicleId: globalId('Vehicle', 999_999), location } }))).toBe('NOT_FOUND');
      expect((await as(carrier, MOVE, { input: { vehicleId: retired.id, location } })).body.errors?.[0]).toMatchObject(RETIRED);
      expect(code(await as(otherCarrier, MOVE, { input: { vehicleId: retired.id, location } }))).toBe('NOT_FOUND');
      expect(code(await as(otherCarrier, MOVE, { input: { vehicleId: vehicle.id, location } }))).toBe('NOT_FOUND');
      expect(code(await as(server.keyOf('OPERATOR').apiKey, MOVE, { input: { vehicleId: vehicle.id, location } }))).toBe('FORBIDDEN');
      const node = await as<{ node: Vehicle }>(carrier, NODE, { id: vehicle.id });
      expect(node.body.data!.node.location).toEqual(vehicle.location);
    });

    it('moves a fleet in one transaction: all or nothing', async () => {
      const fleet = [await register(carrier), await register(carrier), await register(carrier)];
      const updates = fleet.map((v, i) => ({ vehicleId: v.id, location: { lat: 37.2 + i / 100, lng: 126.9 } }));
      const res = await as<{ vehicleLocationsUpdate: { locations: { vehicleId: string }[] } }>(carrier, MOVE_MANY, { input: { updates } });
      expect(res.body.data!.vehicleLocationsUpdate.locations.map((l) => l.vehicleId)).toEqual(fleet.map((v) => v.id));

      const theirs = await register(otherCarrier);
      const mixed = [...updates.map((u) => ({ ...u, location: { lat: 37.0, lng: 127.0 } })), { vehicleId: theirs.id, location: { lat: 37.0, lng: 127.0 } }];
      const refused = await as(carrier, MOVE_MANY, { input: { updates: mixed } });
      expect(code(refused)).toBe('NOT_FOUND');
      expect(refused.body.errors?.[0]?.message).toContain('input.updates[3]');
      const after = await as<{ node: Vehicle }>(carrier, NODE, { id: fleet[0]!.id });
      expect(after.body.data!.node.location).toEqual({ lat: 37.2, lng: 126.9 });
      // Its own retired truck in the batch: named by its update, in the words of the single report.
      const gone = await register(carrier);
      await as(carrier, RETIRE, { input: { vehicleId: gone.id } });
      const withRetired = await as(carrier, MOVE_MANY, { input: { updates: [mixed[0], { vehicleId: gone.id, location: { lat: 37.0, lng: 127.0 } }] } });
      expect(withRetired.body.errors?.[0]).toMatchObject({ message: `input.updates[1]: ${RETIRED.message}`, extensions: RETIRED.extensions });
      expect((await as<{ node: Vehicle }>(carrier, NODE, { id: fleet[0]!.id })).body.data!.node.location).toEqual({ lat: 37.2, lng: 126.9 });

      const twice = await as(carrier, MOVE_MANY, { input: { updates: [updates[0], updates[0]] } });
      expect(twice.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.updates[1].vehicleId', rule: 'must not repeat a vehicle of an earlier update' }]);
      const empty = await as(carrier, MOVE_MANY, { input: { updates: [] } });
      expect(empty.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.updates', rule: 'must hold at least one update' }]);
      expect(code(await as(server.keyOf('ADMIN').apiKey, MOVE_MANY, { input: { updates } }))).toBe('FORBIDDEN');
    });
  });

  describe('vehicleAvailabilityUpdate and vehicleRetire', () => {
    it('replaces the windows as a whole (empty: none)', async () => {
      const vehicle = await register(carrier);
      const windows = [{ startsAt: at(50), endsAt: at(60) }];
      const res = await as<{ vehicleAvailabilityUpdate: { vehicle: Vehicle } }>(carrier, AVAILABILITY, { input: { vehicleId: vehicle.id, availability: windows } });
      expect(res.body.data!.vehicleAvailabilityUpdate.vehicle.availability).toEqual(windows);
      const cleared = await as<{ vehicleAvailabilityUpdate: { vehicle: Vehicle } }>(carrier, AVAILABILITY, { input: { vehicleId: vehicle.id, availability: [] } });
      expect(cleared.body.data!.vehicleAvailabilityUpdate.vehicle.availability).toEqual([]);
    });

    it('validates windows, and answers NOT_FOUND, FORBIDDEN and CONFLICT (retired) like the other verbs', async () => {
      const vehicle = await register(carrier);
      const overlap = await as(carrier, AVAILABILITY, {
        input: { vehicleId: vehicle.id, availability: [{ startsAt: at(1), endsAt: at(5) }, { startsAt: at(2), endsAt: at(3) }] },
      });
      expect(overlap.body.errors?.[0]?.extensions?.issues).toContainEqual({ field: 'input.availability[1].startsAt', rule: expect.stringContaining('window 0') });
      expect(code(await as(otherCarrier, AVAILABILITY, { input: { vehicleId: vehicle.id, availability: [] } }))).toBe('NOT_FOUND');
      expect(code(await as(server.keyOf('OPERATOR').apiKey, AVAILABILITY, { input: { vehicleId: vehicle.id, availability: [] } }))).toBe('FORBIDDEN');
      await as(carrier, RETIRE, { input: { vehicleId: vehicle.id } });
      expect((await as(carrier, AVAILABILITY, { input: { vehicleId: vehicle.id, availability: [] } })).body.errors?.[0]).toMatchObject(RETIRED);
      expect(code(await as(otherCarrier, AVAILABILITY, { input: { vehicleId: vehicle.id, availability: [] } }))).toBe('NOT_FOUND');
      const node = await as<{ node: Vehicle }>(carrier, NODE, { id: vehicle.id });
      expect(node.body.data!.node.availability).toEqual(vehicle.availability);
    });

    it('retires once (one VEHICLE_RETIRED event) and is idempotent after; others get NOT_FOUND or FORBIDDEN', async () => {
      const vehicle = await register(carrier);
      expect(code(await as(otherCarrier, RETIRE, { input: { vehicleId: vehicle.id } }))).toBe('NOT_FOUND');
      expect(code(await as(server.keyOf('MANUFACTURER').apiKey, RETIRE, { input: { vehicleId: vehicle.id } }))).toBe('FORBIDDEN');
      expect(code(await as(carrier, RETIRE, { input: { vehicleId: globalId('Vehicle', 999_999) } }))).toBe('NOT_FOUND');
      await activity.settled();
      const before = activity.events.length;
      for (let i = 0; i < 2; i++) {
        const res = await as<{ vehicleRetire: { vehicle: Vehicle } }>(carrier, RETIRE, { input: { vehicleId: vehicle.id } });
        expect(res.body.data!.vehicleRetire.vehicle.status).toBe('RETIRED');
      }
      await activity.settled();
      expect(activity.events.slice(before).map((e) => [e.kind, e.summary])).toEqual([['VEHICLE_RETIRED', expect.stringMatching(/^Vehicle retired: \d+(\.\d+)?-ton [A-Z_]+$/)]]);
    });
  });

  describe('vehicles and node(id:)', () => {
    let mine: Vehicle;
    let theirs: Vehicle;
    let changwon: Vehicle;
    beforeAll(async () => {
      mine = await register(carrier, { bodyType: 'TANK', tonnageClass: 'T11', availability: [{ startsAt: at(200), endsAt: at(210) }] });
      theirs = await register(otherCarrier, { bodyType: 'TANK', tonnageClass: 'T11' });
      changwon = await register(server.keyOf('CARRIER', 'CHANGWON').apiKey, { bodyType: 'TANK', location: { lat: 35.2, lng: 128.65 } });
    });
    const ids = (c: Connection) => c.edges.map((e) => e.node.id);
    const list = async (apiKey: string, variables: Record<string, unknown>) => {
      const res = await as<{ vehicles: Connection }>(apiKey, LIST, variables);
      if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
      return res.body.data.vehicles;
    };

    it('keeps vehicles private to their carrier and the complex operator', async () => {
      const filter = { bodyType: 'TANK' };
      expect(ids(await list(carrier, { filter }))).toEqual([mine.id]);
      expect(ids(await list(otherCarrier, { filter }))).toEqual([theirs.id]);
      expect(ids(await list(server.keyOf('OPERATOR').apiKey, { filter }))).toEqual([mine.id, theirs.id]);
      expect(ids(await list(server.keyOf('OPERATOR', 'CHANGWON').apiKey, { filter }))).toEqual([changwon.id]);
      expect(ids(await list(server.keyOf('ADMIN').apiKey, { filter }))).toEqual([mine.id, theirs.id, changwon.id]);
      expect(ids(await list(server.keyOf('ADMIN').apiKey, { filter: { ...filter, complexCode: 'CHANGWON' } }))).toEqual([changwon.id]);
      for (const role of ['MANUFACTURER', 'WAREHOUSE_OWNER'] as const) expect(code(await as(server.keyOf(role).apiKey, LIST, {}))).toBe('FORBIDDEN');
    });

    it('node(id:) applies the same checks', async () => {
      const fetch = async (apiKey: string, id: string) => (await as<{ node: Vehicle | null }>(apiKey, NODE, { id })).body.data!.node;
      expect((await fetch(carrier, mine.id))!.plateNumber).toBe(mine.plateNumber);
      expect(await fetch(otherCarrier, mine.id)).toBeNull();
      expect((await fetch(server.keyOf('OPERATOR').apiKey, mine.id))!.id).toBe(mine.id);
      expect(await fetch(server.keyOf('OPERATOR', 'CHANGWON').apiKey, mine.id)).toBeNull();
      expect(await fetch(server.keyOf('MANUFACTURER').apiKey, mine.id)).toBeNull();
    });

    it('filters by class, status and availability instant', async () => {
      const filter = { bodyType: 'TANK', tonnageClass: 'T11' };
      expect(ids(await list(server.keyOf('OPERATOR').apiKey, { filter: { ...filter, availableAt: at(205) } }))).toEqual([mine.id]);
      expect(ids(await list(server.keyOf('OPERATOR').apiKey, { filter: { ...filter, availableAt: at(210) } }))).toEqual([]);
      expect(ids(await list(server.keyOf('OPERATOR').apiKey, { filter: { ...filter, status: 'RETIRED' } }))).toEqual([]);
      expect(ids(await list(server.keyOf('OPERATOR').apiKey, { filter: { ...filter, status: 'ACTIVE' } }))).toEqual([mine.id, theirs.id]);
    });

    it('pages near results by offset cursors, nearest first, within the radius', async () => {
      const near = { lat: 37.32, lng: 126.74, radiusKm: 25 };
      const all = await list(server.keyOf('OPERATOR').apiKey, { filter: { near }, first: 100 });
      expect(all.totalCount).toBeGreaterThan(5);
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await list(server.keyOf('OPERATOR').apiKey, { filter: { near }, first: 4, after });
        seen.push(...ids(page));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
      } while (after);
      expect(seen).toEqual(ids(all));
      const distances = all.edges.map((e) => e.distanceKm!);
      expect([...distances].sort((a, b) => a - b)).toEqual(distances);
      expect(Math.max(...distances)).toBeLessThanOrEqual(25);
      const foreignCursor = await as(carrier, LIST, { first: 2, after: all.pageInfo.endCursor });
      expect(foreignCursor.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'after', rule: 'must be a cursor returned by this list with the same filter' }]);
    });
  });
});
