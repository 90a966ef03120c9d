import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { fromGlobalId, toGlobalId } from '../../src/global-id';
import { ctxAs, makeOffers, round, shipment, vehicle } from '../helpers/bookings-fixtures';
import { addDays, seoulDay } from '../../src/supply/listings/seoul-day';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const CREATE = 'mutation ($input: WarehouseListingCreateInput!) { warehouseListingCreate(input: $input) { listing { id } } }';
const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { bookings { id } } }';
const GIVE_BACK = 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "반입 불가", idempotencyKey: $key }) { bookings { status } } }';
const OCCUPANCY = 'query ($id: ID!, $from: String!, $to: String!) { node(id: $id) { ... on WarehouseListing { occupancy(from: $from, to: $to) { day idlePallets bookedPallets freePallets } } } }';

type Day = { day: string; idlePallets: number; bookedPallets: number; freePallets: number };

describe('WarehouseListing.occupancy', () => {
  const tmp = tempDir();
  let server: TestServer;
  let owner: string;
  let listingId: string;
  const today = seoulDay(new Date());
  const d = (n: number) => addDays(today, n);
  const as = <T = Record<string, unknown>>(apiKey: string, query: string, variables?: Record<string, unknown>) => gql<T>(server.url, query, variables, { apiKey });
  const occupancy = (apiKey: string, from: string, to: string) => as<{ node: { occupancy: Day[] | null } | null }>(apiKey, OCCUPANCY, { id: listingId, from, to });

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'occupancy.db'), env: { RATE_LIMIT_PER_KEY: '100000', RATE_LIMIT_PER_ADDRESS: '100000' } });
    owner = server.keyOf('WAREHOUSE_OWNER').apiKey;
    // Two windows with a gap between them: days 2-5 with 10 idle pallets, days 8-9 with 6.
    const created = await as<{ warehouseListingCreate: { listing: { id: string } } }>(owner, CREATE, {
      input: {
        name: '시화 물류창고 A동',
        location: { lat: 37.33, lng: 126.76 },
        storageClass: 'AMBIENT',
        totalPallets: 10,
        availability: [
          { from: d(2), to: d(5), idlePallets: 10 },
          { from: d(8), to: d(9), idlePallets: 6 },
        ],
        pricePerPalletDayKrw: 1_000,
        minDays: 1,
        opensAt: '08:00',
        closesAt: '19:00',
      },
    });
    listingId = created.body.data!.warehouseListingCreate.listing.id;
    const ownerOrg = server.keyOf('WAREHOUSE_OWNER').organisationId;
    const shipper = ctxAs(server.db, server.keyOf('MANUFACTURER'));
    const carrier = server.keyOf('CARRIER');
    const r = await round(server.db);
    // Three stays: 4 pallets on days 2-4, 3 on days 3-5 and 5 on days 4-5, the last given back.
    const stays = [
      { pallets: 4, from: d(2), to: d(4) },
      { pallets: 3, from: d(3), to: d(5) },
      { pallets: 2, from: d(4), to: d(5) },
    ];
    const bookingIds: string[] = [];
    for (const stay of stays) {
      const request = await shipment(shipper, { pallets: stay.pallets, storage: { pallets: stay.pallets, days: 3, storageClass: 'AMBIENT' } });
      // A request's storage leg is booked with its transport leg: the carrier accepts the truck first.
      const [transportId, offerId] = await makeOffers(server.db, [
        { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: carrier.organisationId, vehicleId: (await vehicle(ctxAs(server.db, carrier))).id },
        { round: r, requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: ownerOrg, listingId: fromGlobalId(listingId)!.id, storagePallets: stay.pallets, storageFromDay: stay.from, storageToDay: stay.to },
      ]);
      const truck = await as(carrier.apiKey, ACCEPT, { id: toGlobalId('Offer', transportId!), key: randomUUID() });
      if (truck.body.errors) throw new Error(JSON.stringify(truck.body.errors));
      const accepted = await as<{ offerAccept: { bookings: { id: string }[] } }>(owner, ACCEPT, { id: toGlobalId('Offer', offerId!), key: randomUUID() });
      if (!accepted.body.data) throw new Error(JSON.stringify(accepted.body.errors));
      bookingIds.push(accepted.body.data.offerAccept.bookings[0]!.id);
    }
    const given = await as(owner, GIVE_BACK, { id: bookingIds[2], key: randomUUID() });
    if (given.body.errors) throw new Error(JSON.stringify(given.body.errors));
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  it('gives the owner every day of the period: idle listed, booked by held stays, free', async () => {
    const res = await occupancy(owner, d(1), d(10));
    expect(res.body.errors).toBeUndefined();
    const day = (n: number, idlePallets: number, bookedPallets: number) => ({ day: d(n), idlePallets, bookedPallets, freePallets: idlePallets - bookedPallets });
    expect(res.body.data!.node!.occupancy).toEqual([
      day(1, 0, 0),
      day(2, 10, 4),
      day(3, 10, 7),
      day(4, 10, 7), // the given-back stay's 2 pallets are free again
      day(5, 10, 3),
      day(6, 0, 0),
      day(7, 0, 0),
      day(8, 6, 0),
      day(9, 6, 0),
      day(10, 0, 0),
    ]);
  });

  it('gives a single day when from and to are the same', async () => {
    const res = await occupancy(owner, d(3), d(3));
    expect(res.body.data!.node!.occupancy).toEqual([{ day: d(3), idlePallets: 10, bookedPallets: 7, freePallets: 3 }]);
  });

  it('takes a whole leap year: 366 days, both included', async () => {
    const res = await occupancy(owner, d(0), d(365));
    expect(res.body.data!.node!.occupancy).toHaveLength(366);
    expect(res.body.data!.node!.occupancy!.at(-1)).toEqual({ day: d(365), idlePallets: 0, bookedPallets: 0, freePallets: 0 });
  });

  it('shows the complex operator and admins, not manufacturers (null) nor other owners (no listing)', async () => {
    for (const role of ['OPERATOR', 'ADMIN'] as const) {
      const res = await occupancy(server.keyOf(role).apiKey, d(3), d(3));
      expect(res.body.data!.node!.occupancy).toEqual([{ day: d(3), idlePallets: 10, bookedPallets: 7, freePallets: 3 }]);
    }
    const manufacturer = await occupancy(server.keyOf('MANUFACTURER').apiKey, d(1), d(10));
    expect(manufacturer.body.errors).toBeUndefined();
    expect(manufacturer.body.data!.node).toEqual({ occupancy: null });

    const ownerId = server.keyOf('WAREHOUSE_OWNER').organisationId;
    const complexId = (await server.db.select({ c: organisations.complexId }).from(organisations).where(eq(organisations.id, ownerId)).get())!.c!;
    const other = (await server.db
      .select({ id: organisations.id })
      .from(organisations)
      .where(and(eq(organisations.role, 'WAREHOUSE_OWNER'), eq(organisations.complexId, complexId), ne(organisations.id, ownerId)))
      .get())!;
    const key = await as<{ apiKeyCreate: { secret: string } }>(server.keyOf('ADMIN').apiKey, 'mutation ($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret } }', {
      input: { organisationId: toGlobalId('Organisation', other.id), name: 'test' },
    });
    const theirs = await occupancy(key.body.data!.apiKeyCreate.secret, d(1), d(10));
    expect(theirs.body.data?.node ?? null).toBeNull();
  });

  it.each([
    ['a reversed period', () => [d(5), d(4)], 'to', 'must not be before from'],
    ['a period over 366 days', () => [d(0), d(399)], 'to', 'at most 366 days'],
    ['a date that is not one', () => ['2027-02-30', d(4)], 'from', 'real calendar date'],
  ])('refuses %s naming the argument', async (_, period, field, rule) => {
    const [from, to] = period();
    const res = await occupancy(owner, from!, to!);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field, rule: expect.stringContaining(rule) }] });
  });
});
