import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { offers, organisations } from '../../db/schema';
import { createApiKey } from '../../src/auth/create-api-key';
import { SYSTEM_ADMIN } from '../../src/auth/viewer';
import { toGlobalId } from '../../src/global-id';
import { gql, subscribedTo, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { ctxAs, makeOffers, nextPlate, round, shipment, vehicle, type RoundRef } from '../helpers/bookings-fixtures';

const RETIRE = 'mutation ($input: VehicleRetireInput!) { vehicleRetire(input: $input) { vehicle { status retiredAt retiredReason retiredByOperator } } }';
const READ = 'query ($id: ID!) { node(id: $id) { ... on Vehicle { plateNumber status retiredAt retiredReason retiredByOperator } } }';
const REGISTER = 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id plateNumber status } } }';
const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { offer { status } } }';
const RECENT = 'query { complex(code: "BANWOL_SIHWA") { recentActivity(first: 100) { id kind summary summaryKo } } }';

type Retired = { status: string; retiredAt: string | null; retiredReason: string | null; retiredByOperator: boolean };
type Line = { id: string; kind: string; summary: string; summaryKo: string };

describe("vehicleRetire by the complex's operator", () => {
  const tmp = tempDir();
  let server: TestServer;
  let carrier: string;
  let otherCarrier: string;
  let operator: string;
  let r: RoundRef;
  const as = <T = Record<string, unknown>>(apiKey: string, query: string, variables?: Record<string, unknown>) => gql<T>(server.url, query, variables, { apiKey });
  const code = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
  const carrierCtx = () => ctxAs(server.db, server.keyOf('CARRIER'));
  const truck = async () => {
    const v = await vehicle(carrierCtx());
    return { ...v, gid: toGlobalId('Vehicle', v.id) };
  };
  const read = async (id: string) => (await as<{ node: Retired & { plateNumber: string } }>(carrier, READ, { id })).body.data!.node;
  /** A PENDING offer of a fresh request to the vehicle. */
  const offerTo = async (vehicleId: number) => {
    const request = await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
    const [offerId] = await makeOffers(server.db, [{ round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: server.keyOf('CARRIER').organisationId, vehicleId }]);
    return offerId!;
  };
  const offerStatus = async (id: number) => (await server.db.select().from(offers).where(eq(offers.id, id)).get())!.status;

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'operator-retire.db'), env: { RATE_LIMIT_PER_KEY: '100000', RATE_LIMIT_PER_ADDRESS: '100000' } });
    carrier = server.keyOf('CARRIER').apiKey;
    operator = server.keyOf('OPERATOR').apiKey;
    const complexId = ctxAs(server.db, server.keyOf('CARRIER')).viewer!.complexId!;
    const other = (await server.db
      .select({ id: organisations.id })
      .from(organisations)
      .where(and(eq(organisations.role, 'CARRIER'), eq(organisations.complexId, complexId), ne(organisations.id, server.keyOf('CARRIER').organisationId)))
      .get())!;
    otherCarrier = (await createApiKey({ ctx: { ...ctxAs(server.db, server.keyOf('ADMIN')), viewer: SYSTEM_ADMIN }, input: { organisationId: other.id, name: 'test' } })).secret;
    r = await round(server.db);
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('retires a squatted plate with a reason the carrier reads, withdraws its offers, and frees the plate', async () => {
    const plateNumber = nextPlate();
    const squatted = await vehicle(carrierCtx(), { plateNumber });
    const gid = toGlobalId('Vehicle', squatted.id);
    const pending = await offerTo(squatted.id);
    // The real owner is told whom to ask, without learning who holds the plate.
    const refused = await as(otherCarrier, REGISTER, { input: { plateNumber, tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.32, lng: 126.74 } } });
    expect(refused.body.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: `A vehicle with plate ${plateNumber} is already registered; if it is yours, ask the operator of BANWOL_SIHWA to retire it`,
    });

    const reason = '  Plate belongs to 한빛운수 (registration certificate shown)  ';
    const res = await as<{ vehicleRetire: { vehicle: Retired } }>(operator, RETIRE, { input: { vehicleId: gid, reason } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.vehicleRetire.vehicle).toEqual({ status: 'RETIRED', retiredAt: expect.any(String), retiredReason: reason.trim(), retiredByOperator: true });
    expect(await read(gid)).toMatchObject({ status: 'RETIRED', retiredReason: reason.trim(), retiredByOperator: true });
    expect(await offerStatus(pending)).toBe('WITHDRAWN');

    // Again: nothing changes, not even the reason.
    const again = await as<{ vehicleRetire: { vehicle: Retired } }>(operator, RETIRE, { input: { vehicleId: gid, reason: 'another reason' } });
    expect(again.body.data!.vehicleRetire.vehicle).toEqual(res.body.data!.vehicleRetire.vehicle);

    const registered = await as<{ vehicleRegister: { vehicle: { plateNumber: string; status: string } } }>(otherCarrier, REGISTER, {
      input: { plateNumber, tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.32, lng: 126.74 } },
    });
    expect(registered.body.errors).toBeUndefined();
    expect(registered.body.data!.vehicleRegister.vehicle).toMatchObject({ plateNumber, status: 'ACTIVE' });
  });

  it.each([
    ['missing', undefined],
    ['blank', '   '],
    ['one character', 'x'],
    ['on two lines', 'wrong\nplate'],
  ])('asks the operator for a reason (%s), naming input.reason; changes nothing', async (_, reason) => {
    const v = await truck();
    const res = await as(operator, RETIRE, { input: { vehicleId: v.gid, ...(reason !== undefined && { reason }) } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'input.reason' }] });
    expect(await read(v.gid)).toMatchObject({ status: 'ACTIVE', retiredAt: null, retiredReason: null, retiredByOperator: false });
  });

  it("answers NOT_FOUND to another complex's operator and FORBIDDEN to a shipper; changes nothing", async () => {
    const v = await truck();
    expect(code(await as(server.keyOf('OPERATOR', 'GUMI').apiKey, RETIRE, { input: { vehicleId: v.gid, reason: 'not ours' } }))).toBe('NOT_FOUND');
    expect(code(await as(server.keyOf('MANUFACTURER').apiKey, RETIRE, { input: { vehicleId: v.gid, reason: 'not ours' } }))).toBe('FORBIDDEN');
    expect(code(await as(operator, RETIRE, { input: { vehicleId: toGlobalId('Vehicle', 999_999), reason: 'unknown' } }))).toBe('NOT_FOUND');
    expect((await read(v.gid)).status).toBe('ACTIVE');
  });

  it('refuses while the vehicle holds a booking (contact the carrier), and changes nothing', async () => {
    const v = await truck();
    const booked = await offerTo(v.id);
    expect((await as(carrier, ACCEPT, { id: toGlobalId('Offer', booked), key: randomUUID() })).body.errors).toBeUndefined();
    const pending = await offerTo(v.id);
    const res = await as(operator, RETIRE, { input: { vehicleId: v.gid, reason: 'disputed plate' } });
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('contact its carrier') });
    expect(await read(v.gid)).toMatchObject({ status: 'ACTIVE', retiredAt: null, retiredReason: null, retiredByOperator: false });
    expect(await offerStatus(pending)).toBe('PENDING');
  });

  it('tells the feed the centre retired it, live and in recentActivity alike, with the same id', async () => {
    const v = await truck();
    const lines: Line[] = [];
    const client = wsClient(server.wsUrl, { apiKey: operator });
    try {
      const live = subscribedTo(server.pubsub, 'complexActivity');
      const unsubscribe = client.subscribe<{ complexActivity: Line }>(
        { query: 'subscription { complexActivity(code: "BANWOL_SIHWA") { id kind summary summaryKo } }' },
        { next: (value) => value.data && lines.push(value.data.complexActivity), error: () => {}, complete: () => {} },
      );
      await live;
      expect((await as(operator, RETIRE, { input: { vehicleId: v.gid, reason: 'plate disputed' } })).body.errors).toBeUndefined();
      await vi.waitFor(() => expect(lines.map((l) => l.kind)).toContain('VEHICLE_RETIRED'));
      unsubscribe();
    } finally {
      await client.dispose();
    }
    const told = lines.find((l) => l.kind === 'VEHICLE_RETIRED')!;
    expect(told).toMatchObject({ summary: 'Vehicle retired by the centre: 5-ton WING', summaryKo: '센터 운영자가 차량 운행 종료: 5톤 윙바디' });
    const history = (await as<{ complex: { recentActivity: Line[] } }>(operator, RECENT)).body.data!.complex.recentActivity;
    expect(history.filter((l) => l.id === told.id)).toEqual([told]);
  });

  it("still lets the carrier retire its own vehicle without a reason, or with one, told as before", async () => {
    const [plain, explained] = [await truck(), await truck()];
    const res = await as<{ vehicleRetire: { vehicle: Retired } }>(carrier, RETIRE, { input: { vehicleId: plain.gid } });
    expect(res.body.data!.vehicleRetire.vehicle).toEqual({ status: 'RETIRED', retiredAt: expect.any(String), retiredReason: null, retiredByOperator: false });
    const given = await as<{ vehicleRetire: { vehicle: Retired } }>(carrier, RETIRE, { input: { vehicleId: explained.gid, reason: 'sold' } });
    expect(given.body.data!.vehicleRetire.vehicle).toMatchObject({ status: 'RETIRED', retiredReason: 'sold', retiredByOperator: false });
    const history = (await as<{ complex: { recentActivity: Line[] } }>(operator, RECENT)).body.data!.complex.recentActivity;
    expect(history.find((l) => l.id === toGlobalId('ComplexActivity', `VEHICLE_RETIRED:${plain.id}`))).toMatchObject({ summary: 'Vehicle retired: 5-ton WING' });
  });
});
