import { join } from 'node:path';
import { and, count, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { listingAvailability, offers, organisations, warehouseListings } from '../../db/schema';
import { toGlobalId } from '../../src/global-id';
import { ctxAs, makeOffers, round, shipment, vehicle } from '../helpers/bookings-fixtures';
import { addDays, seoulDay } from '../../src/supply/listings/seoul-day';
import { activityLog } from '../helpers/activity';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const LISTING = /* GraphQL */ `
  fragment L on WarehouseListing {
    id name status location { lat lng } h3Cell storageClass totalPallets availability { from to idlePallets }
    pricePerPalletDayKrw minDays hasForklift hasDock opensAt closesAt ownerName ownerContact { name phone }
    complex { code } createdAt updatedAt
  }
`;
const CREATE = `mutation ($input: WarehouseListingCreateInput!) { warehouseListingCreate(input: $input) { listing { ...L } } } ${LISTING}`;
const UPDATE = `mutation ($input: WarehouseListingUpdateInput!) { warehouseListingUpdate(input: $input) { listing { ...L } } } ${LISTING}`;
const WITHDRAW = `mutation ($input: WarehouseListingWithdrawInput!) { warehouseListingWithdraw(input: $input) { listing { ...L } } } ${LISTING}`;
const LIST = `query ($filter: WarehouseListingFilter, $first: Int, $after: String) {
  warehouseListings(filter: $filter, first: $first, after: $after) { totalCount edges { cursor distanceKm node { ...L } } pageInfo { hasNextPage endCursor } }
} ${LISTING}`;
const NODE = `query ($id: ID!) { node(id: $id) { ...L } } ${LISTING}`;

type Listing = {
  id: string;
  name: string;
  status: string;
  location: { lat: number; lng: number };
  h3Cell: string;
  totalPallets: number;
  availability: { from: string; to: string; idlePallets: number }[];
  ownerContact: { name: string | null; phone: string | null } | null;
  opensAt: string;
  closesAt: string;
  complex: { code: string };
};
type Connection = { totalCount: number; edges: { cursor: string; distanceKm: number | null; node: Listing }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };

const BANWOL = { lat: 37.325, lng: 126.75 };
const today = seoulDay(new Date());

function listingInput(overrides: Record<string, unknown> = {}) {
  return {
    name: '시화 2공장 창고 B동',
    location: { lat: 37.33, lng: 126.76 },
    storageClass: 'AMBIENT',
    totalPallets: 120,
    availability: [
      { from: addDays(today, 1), to: addDays(today, 30), idlePallets: 80 },
      { from: addDays(today, 31), to: addDays(today, 60), idlePallets: 120 },
    ],
    pricePerPalletDayKrw: 1_200,
    minDays: 3,
    hasForklift: true,
    hasDock: false,
    opensAt: '08:00',
    closesAt: '19:00',
    ...overrides,
  };
}

describe('warehouse listings over GraphQL', () => {
  const tmp = tempDir();
  let server: TestServer;
  let owner: string;
  let otherOwner: string;
  let activity: ReturnType<typeof activityLog>;
  const as = <T = Record<string, unknown>>(apiKey: string, query: string, variables?: Record<string, unknown>) => gql<T>(server.url, query, variables, { apiKey });
  const create = async (apiKey: string, overrides: Record<string, unknown> = {}) => {
    const res = await as<{ warehouseListingCreate: { listing: Listing } }>(apiKey, CREATE, { input: listingInput(overrides) });
    if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
    return res.body.data.warehouseListingCreate.listing;
  };
  const rowCount = async () => (await server.db.select({ n: count() }).from(warehouseListings).get())!.n;

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'listings.db'), env: { RATE_LIMIT_PER_KEY: '100000', RATE_LIMIT_PER_ADDRESS: '100000' } });
    owner = server.keyOf('WAREHOUSE_OWNER').apiKey;
    // A second warehouse owner in the same complex, with a key made by the admin.
    const ownerId = server.keyOf('WAREHOUSE_OWNER').organisationId;
    const complexId = (await server.db.select({ c: organisations.complexId }).from(organisations).where(eq(organisations.id, ownerId)).get())!.c!;
    const other = (await server.db
      .select({ id: organisations.id })
      .from(organisations)
      .where(and(eq(organisations.role, 'WAREHOUSE_OWNER'), eq(organisations.complexId, complexId), ne(organisations.id, ownerId)))
      .get())!;
    const key = await as<{ apiKeyCreate: { secret: string } }>(server.keyOf('ADMIN').apiKey, 'mutation ($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret } }', {
      input: { organisationId: Buffer.from(`Organisation:${other.id}`).toString('base64url'), name: 'test' },
    });
    otherOwner = key.body.data!.apiKeyCreate.secret;
    activity = activityLog(server.pubsub);
  });
  afterAll(async () => {
    activity.stop();
    await server.stop();
    tmp.remove();
  });

  describe('warehouseListingCreate', () => {
    it('publishes a listing in the owner complex with its H3 cell, windows, and a LISTING_PUBLISHED event', async () => {
      const listing = await create(owner);
      expect(listing).toMatchObject({
        status: 'ACTIVE',
        complex: { code: 'BANWOL_SIHWA' },
        totalPallets: 120,
        availability: listingInput().availability,
        ownerContact: { name: expect.any(String) },
      });
      expect(listing.h3Cell).toMatch(/^89/);
      await activity.settled();
      expect(activity.events.at(-1)).toMatchObject({ complexCode: 'BANWOL_SIHWA', kind: 'LISTING_PUBLISHED' });
      expect(activity.events.at(-1)!.summary).not.toContain(server.keyOf('WAREHOUSE_OWNER').organisationName);
    });

    it.each([
      ['name', { name: 'A' }, 'input.name', '2 to 120'],
      ['latitude range', { location: { lat: 91, lng: 126.7 } }, 'input.location.lat', 'latitude'],
      ['longitude range', { location: { lat: 37, lng: -181 } }, 'input.location.lng', 'longitude'],
      ['service region', { location: { lat: 35.18, lng: 129.07 } }, 'input.location', 'within 150 km'],
      ['total pallets positive', { totalPallets: 0 }, 'input.totalPallets', 'at least 1'],
      ['total pallets bound', { totalPallets: 200_000 }, 'input.totalPallets', 'at most 100000'],
      ['at least one window', { availability: [] }, 'input.availability', 'at least one window'],
      ['calendar date', { availability: [{ from: '2031-02-30', to: '2031-03-01', idlePallets: 1 }] }, 'input.availability[0].from', 'real calendar date'],
      ['not in the past', { availability: [{ from: addDays(today, -1), to: addDays(today, 3), idlePallets: 1 }] }, 'input.availability[0].from', 'past'],
      ['ordered', { availability: [{ from: addDays(today, 5), to: addDays(today, 3), idlePallets: 1 }] }, 'input.availability[0].to', 'not be before from'],
      ['horizon', { availability: [{ from: addDays(today, 1), to: addDays(today, 900), idlePallets: 1 }] }, 'input.availability[0].to', 'within 730 days'],
      ['idle within total', { availability: [{ from: addDays(today, 1), to: addDays(today, 3), idlePallets: 121 }] }, 'input.availability[0].idlePallets', 'must not exceed totalPallets (120)'],
      ['idle positive', { availability: [{ from: addDays(today, 1), to: addDays(today, 3), idlePallets: 0 }] }, 'input.availability[0].idlePallets', 'at least 1'],
      [
        'no overlap',
        { availability: [{ from: addDays(today, 1), to: addDays(today, 10), idlePallets: 5 }, { from: addDays(today, 10), to: addDays(today, 12), idlePallets: 5 }] },
        'input.availability[1].from',
        'must not overlap window 0',
      ],
      ['price', { pricePerPalletDayKrw: 0 }, 'input.pricePerPalletDayKrw', 'at least 1 KRW'],
      ['minimum days', { minDays: 0 }, 'input.minDays', 'at least 1'],
      ['clock time', { opensAt: '25:00' }, 'input.opensAt', 'HH:MM'],
      ['opens before closes', { opensAt: '19:00', closesAt: '08:00' }, 'input.closesAt', 'later than opensAt'],
      ['idempotency key', { idempotencyKey: 'short' }, 'input.idempotencyKey', '8–100'],
    ])('refuses a bad %s, naming the field and rule, and writes nothing', async (_, overrides, field, rule) => {
      const before = await rowCount();
      const res = await as(owner, CREATE, { input: listingInput(overrides) });
      const error = res.body.errors?.[0];
      expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error?.extensions?.issues).toContainEqual({ field, rule: expect.stringContaining(rule) });
      expect(await rowCount()).toBe(before);
    });

    it('lists a warehouse open around the clock as 00:00 to 24:00; 24:00 only closes', async () => {
      const listing = await create(owner, { opensAt: '00:00', closesAt: '24:00' });
      expect(listing).toMatchObject({ opensAt: '00:00', closesAt: '24:00' });
      for (const [hours, field, rule] of [
        [{ opensAt: '24:00' }, 'input.opensAt', 'must be a time HH:MM from 00:00 to 23:59'],
        [{ closesAt: '24:30' }, 'input.closesAt', 'must be a time HH:MM from 00:00 to 24:00'],
        [{ opensAt: '00:00', closesAt: '00:00' }, 'input.closesAt', 'must be later than opensAt'],
      ] as const) {
        const res = await as(owner, CREATE, { input: listingInput(hours) });
        expect(res.body.errors?.[0]?.extensions?.issues).toContainEqual({ field, rule: expect.stringContaining(rule) });
      }
      // From around the clock to 06:00-22:00 narrows both ends; nothing is booked, so it may.
      const narrowed = await as<{ warehouseListingUpdate: { listing: Listing } }>(owner, UPDATE, { input: { listingId: listing.id, opensAt: '06:00', closesAt: '22:00' } });
      expect(narrowed.body.data?.warehouseListingUpdate.listing).toMatchObject({ opensAt: '06:00', closesAt: '22:00' });
    });

    it('names every failing field in one answer: a field\'s own rule and a rule between fields together; writes nothing', async () => {
      const before = await rowCount();
      const res = await as(owner, CREATE, { input: listingInput({ pricePerPalletDayKrw: 0, opensAt: '19:00', closesAt: '08:00' }) });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.issues).toEqual([
        { field: 'input.pricePerPalletDayKrw', rule: 'must be at least 1 KRW' },
        { field: 'input.closesAt', rule: 'must be later than opensAt' },
      ]);
      expect(await rowCount()).toBe(before);
    });

    it('refuses an unknown storage class at the GraphQL layer', async () => {
      const res = await as(owner, CREATE, { input: listingInput({ storageClass: 'WARM' }) });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.message).toContain('storageClass');
    });

    it('is for WAREHOUSE_OWNER organisations only', async () => {
      for (const role of ['MANUFACTURER', 'CARRIER', 'OPERATOR', 'ADMIN'] as const) {
        const res = await as(server.keyOf(role).apiKey, CREATE, { input: listingInput() });
        expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      const anonymous = await gql(server.url, CREATE, { input: listingInput() });
      expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('returns the first listing for a repeated idempotency key, and CONFLICT for the key with another input', async () => {
      const first = await create(owner, { idempotencyKey: 'listing-key-0001' });
      const before = await rowCount();
      const again = await create(owner, { idempotencyKey: 'listing-key-0001' });
      expect(again.id).toBe(first.id);
      expect(await rowCount()).toBe(before);
      const changed = await as(owner, CREATE, { input: listingInput({ idempotencyKey: 'listing-key-0001', totalPallets: 121 }) });
      expect(changed.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      // Keys are per organisation: another owner may use the same key.
      const theirs = await create(otherOwner, { idempotencyKey: 'listing-key-0001' });
      expect(theirs.id).not.toBe(first.id);
    });
  });

  describe('warehouseListingUpdate', () => {
    it('changes any field, replaces the windows as a whole, and recomputes the H3 cell on a move', async () => {
      const listing = await create(owner);
      const windows = [{ from: addDays(today, 2), to: addDays(today, 9), idlePallets: 40 }];
      const res = await as<{ warehouseListingUpdate: { listing: Listing & { updatedAt: string } } }>(owner, UPDATE, {
        input: { listingId: listing.id, name: '새 이름', location: { lat: 37.36, lng: 126.8 }, totalPallets: 60, availability: windows, closesAt: '21:30' },
      });
      const updated = res.body.data!.warehouseListingUpdate.listing;
      expect(updated).toMatchObject({ name: '새 이름', location: { lat: 37.36, lng: 126.8 }, totalPallets: 60, availability: windows, opensAt: '08:00', closesAt: '21:30' });
      expect(updated.h3Cell).not.toBe(listing.h3Cell);
      expect(updated.updatedAt).toEqual(expect.any(String));
      const stored = await server.db.select().from(listingAvailability).where(eq(listingAvailability.listingId, Number(Buffer.from(listing.id, 'base64url').toString().split(':')[1]))).all();
      expect(stored).toHaveLength(1);
    });

    it.each([
      ['total below the idle pallets of kept windows', { totalPallets: 100 }, 'input.totalPallets', 'at least the idle pallets of every availability window (120)'],
      ['opening after the kept closing time', { opensAt: '20:00' }, 'input.opensAt', 'earlier than closesAt'],
      [
        'overlapping new windows',
        { availability: [{ from: addDays(today, 1), to: addDays(today, 5), idlePallets: 1 }, { from: addDays(today, 3), to: addDays(today, 6), idlePallets: 1 }] },
        'input.availability[1].from',
        'overlap',
      ],
      ['a move out of the service region', { location: { lat: 33.5, lng: 126.5 } }, 'input.location', 'within 150 km'],
      ['a blank name', { name: ' ' }, 'input.name', '2 to 120'],
    ])('refuses %s and changes nothing', async (_, patch, field, rule) => {
      const listing = await create(owner);
      const res = await as(owner, UPDATE, { input: { listingId: listing.id, ...patch } });
      expect(res.body.errors?.[0]?.extensions?.issues).toContainEqual({ field, rule: expect.stringContaining(rule) });
      const node = await as<{ node: Listing }>(owner, NODE, { id: listing.id });
      expect(node.body.data!.node).toEqual(listing);
    });

    it('names a field\'s own rule and a rule against the listing as it is in one answer, and changes nothing', async () => {
      const listing = await create(owner);
      const res = await as(owner, UPDATE, { input: { listingId: listing.id, minDays: 0, totalPallets: 100 } });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.issues).toEqual([
        { field: 'input.minDays', rule: 'must be at least 1' },
        { field: 'input.totalPallets', rule: 'must be at least the idle pallets of every availability window (120)' },
      ]);
      expect((await as<{ node: Listing }>(owner, NODE, { id: listing.id })).body.data!.node).toEqual(listing);
    });

    it("refuses null for a field as a request's update does, naming it, and an update that changes no field; changes nothing", async () => {
      const listing = await create(owner);
      const cases: [Record<string, unknown>, { field: string; rule: unknown }[]][] = [
        // null is no value a listing can have: a client sending it to clear or reset the field is told, not ignored.
        [{ name: null, hasDock: null, minDays: 5 }, [{ field: 'input.name', rule: "must not be null: leave it out to keep the listing's" }, { field: 'input.hasDock', rule: "must not be null: leave it out to keep the listing's" }]],
        [{}, [{ field: 'input', rule: expect.stringMatching(/^must change at least one field of the listing: name, location, storageClass/) }]],
      ];
      for (const [patch, issues] of cases) {
        const res = await as(owner, UPDATE, { input: { listingId: listing.id, ...patch } });
        expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(patch)).toBe('BAD_USER_INPUT');
        expect(res.body.errors?.[0]?.extensions?.issues).toEqual(issues);
      }
      expect((await as<{ node: Listing }>(owner, NODE, { id: listing.id })).body.data!.node).toEqual(listing);
    });

    it('names a malformed listing ID, answers NOT_FOUND for unknown and other owners’ listings, FORBIDDEN for other roles', async () => {
      const listing = await create(owner);
      const malformed = await as(owner, UPDATE, { input: { listingId: 'nonsense', name: 'x y' } });
      expect(malformed.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'input.listingId', rule: 'must be the ID of a WarehouseListing' }]);
      const unknown = await as(owner, UPDATE, { input: { listingId: Buffer.from('WarehouseListing:999999').toString('base64url'), name: 'x y' } });
      expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const theirs = await as(otherOwner, UPDATE, { input: { listingId: listing.id, name: 'hijacked' } });
      expect(theirs.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const operator = await as(server.keyOf('OPERATOR').apiKey, UPDATE, { input: { listingId: listing.id, name: 'operator edit' } });
      expect(operator.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('keeps the opening hours booked deliveries were planned for: they may widen, not narrow, until the goods are in', async () => {
      const listing = await create(owner);
      const listingId = Number(Buffer.from(listing.id, 'base64url').toString().split(':')[1]);
      const carrier = server.keyOf('CARRIER');
      const shipper = ctxAs(server.db, server.keyOf('MANUFACTURER'));
      const r = await round(server.db);
      // Booked: a truck brings 4 pallets tomorrow, within 08:00-19:00, for a stay from tomorrow.
      const booked = await shipment(shipper, { pallets: 4, storage: { pallets: 4, days: 3, storageClass: 'AMBIENT' } });
      const [transport, stay] = await makeOffers(server.db, [
        { round: r, requestId: booked.id, shipperOrgId: booked.shipperOrgId, supplierOrgId: carrier.organisationId, vehicleId: (await vehicle(ctxAs(server.db, carrier))).id },
        { round: r, requestId: booked.id, shipperOrgId: booked.shipperOrgId, supplierOrgId: server.keyOf('WAREHOUSE_OWNER').organisationId, listingId, storagePallets: 4 },
      ]);
      const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { offer { status } } }';
      expect((await as(carrier.apiKey, ACCEPT, { id: toGlobalId('Offer', transport!), key: randomUUID() })).body.errors).toBeUndefined();
      expect((await as(owner, ACCEPT, { id: toGlobalId('Offer', stay!), key: randomUUID() })).body.errors).toBeUndefined();

      for (const hours of [{ opensAt: '14:00' }, { closesAt: '12:00' }]) {
        const narrowed = await as(owner, UPDATE, { input: { listingId: listing.id, ...hours } });
        const field = Object.keys(hours)[0];
        expect(narrowed.body.errors?.[0]).toMatchObject({
          extensions: { code: 'CONFLICT', issues: [{ field: `input.${field}`, rule: `goods booked into this listing arrive on ${addDays(today, 1)}, planned for 08:00-19:00: the hours may widen, not narrow, until they are in` }] },
          message: expect.stringMatching(new RegExp(`^input\\.${field}: goods booked into this listing arrive on ${addDays(today, 1)}, planned for 08:00-19:00`)),
        });
        expect((await as<{ node: Listing }>(owner, NODE, { id: listing.id })).body.data!.node).toEqual(listing);
      }
      const wider = await as<{ warehouseListingUpdate: { listing: Listing } }>(owner, UPDATE, { input: { listingId: listing.id, opensAt: '07:00', closesAt: '20:00' } });
      expect(wider.body.data?.warehouseListingUpdate.listing).toMatchObject({ opensAt: '07:00', closesAt: '20:00' });

      // Offered, not booked: narrowed hours withdraw the offer (its truck would come in the old hours), as a move does.
      const other = await create(owner);
      const offered = await shipment(shipper, { pallets: 2, storage: { pallets: 2, days: 3, storageClass: 'AMBIENT' } });
      const [pending] = await makeOffers(server.db, [
        { round: r, requestId: offered.id, shipperOrgId: offered.shipperOrgId, supplierOrgId: server.keyOf('WAREHOUSE_OWNER').organisationId, listingId: Number(Buffer.from(other.id, 'base64url').toString().split(':')[1]), storagePallets: 2 },
      ]);
      expect((await as(owner, UPDATE, { input: { listingId: other.id, closesAt: '12:00' } })).body.errors).toBeUndefined();
      expect((await server.db.select({ status: offers.status }).from(offers).where(eq(offers.id, pending!)).get())!.status).toBe('WITHDRAWN');
    });

    it('refuses to change a withdrawn listing with CONFLICT', async () => {
      const listing = await create(owner);
      await as(owner, WITHDRAW, { input: { listingId: listing.id } });
      const res = await as(owner, UPDATE, { input: { listingId: listing.id, name: 'again' } });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });
  });

  describe('warehouseListingWithdraw', () => {
    it('withdraws once (one LISTING_WITHDRAWN event) and is idempotent after', async () => {
      await activity.settled();
      const before = activity.events.length;
      const listing = await create(owner);
      const first = await as<{ warehouseListingWithdraw: { listing: Listing } }>(owner, WITHDRAW, { input: { listingId: listing.id } });
      expect(first.body.data!.warehouseListingWithdraw.listing.status).toBe('WITHDRAWN');
      const again = await as<{ warehouseListingWithdraw: { listing: Listing } }>(owner, WITHDRAW, { input: { listingId: listing.id } });
      expect(again.body.data!.warehouseListingWithdraw.listing.status).toBe('WITHDRAWN');
      await activity.settled();
      expect(activity.events.slice(before).map((e) => e.kind)).toEqual(['LISTING_PUBLISHED', 'LISTING_WITHDRAWN']);
    });

    it('answers NOT_FOUND for unknown and other owners’ listings, FORBIDDEN for other roles', async () => {
      const listing = await create(owner);
      const unknown = await as(owner, WITHDRAW, { input: { listingId: Buffer.from('WarehouseListing:999999').toString('base64url') } });
      expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const theirs = await as(otherOwner, WITHDRAW, { input: { listingId: listing.id } });
      expect(theirs.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const manufacturer = await as(server.keyOf('MANUFACTURER').apiKey, WITHDRAW, { input: { listingId: listing.id } });
      expect(manufacturer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const node = await as<{ node: Listing }>(owner, NODE, { id: listing.id });
      expect(node.body.data!.node.status).toBe('ACTIVE');
    });
  });

  describe('warehouseListings and node(id:)', () => {
    let active: Listing;
    let withdrawn: Listing;
    let changwon: Listing;
    beforeAll(async () => {
      active = await create(owner, { name: 'visible one', storageClass: 'FROZEN', availability: [{ from: addDays(today, 100), to: addDays(today, 120), idlePallets: 10 }] });
      withdrawn = await create(owner, { name: 'withdrawn one', storageClass: 'FROZEN' });
      await as(owner, WITHDRAW, { input: { listingId: withdrawn.id } });
      changwon = await create(server.keyOf('WAREHOUSE_OWNER', 'CHANGWON').apiKey, { location: { lat: 35.21, lng: 128.66 }, storageClass: 'FROZEN' });
    });
    const ids = (c: Connection) => c.edges.map((e) => e.node.id);
    const list = async (apiKey: string, variables: Record<string, unknown>) => {
      const res = await as<{ warehouseListings: Connection }>(apiKey, LIST, variables);
      if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
      return res.body.data.warehouseListings;
    };

    it('shows owners their own, operators their complex, admins all', async () => {
      const filter = { storageClass: 'FROZEN' };
      expect(ids(await list(owner, { filter, first: 100 }))).toEqual([active.id, withdrawn.id]);
      expect(ids(await list(otherOwner, { filter, first: 100 }))).toEqual([]);
      expect(ids(await list(server.keyOf('OPERATOR').apiKey, { filter, first: 100 }))).toEqual([active.id, withdrawn.id]);
      expect(ids(await list(server.keyOf('OPERATOR', 'CHANGWON').apiKey, { filter, first: 100 }))).toEqual([changwon.id]);
      expect(ids(await list(server.keyOf('ADMIN').apiKey, { filter, first: 100 }))).toEqual([active.id, withdrawn.id, changwon.id]);
      expect(ids(await list(server.keyOf('ADMIN').apiKey, { filter: { ...filter, complexCode: 'CHANGWON' } }))).toEqual([changwon.id]);
    });

    it('shows manufacturers the ACTIVE listings of their complex, without the owner contact', async () => {
      const seen = await list(server.keyOf('MANUFACTURER').apiKey, { filter: { storageClass: 'FROZEN' } });
      expect(ids(seen)).toEqual([active.id]);
      expect(seen.edges[0]!.node.ownerContact).toBeNull();
      expect(ids(await list(server.keyOf('MANUFACTURER').apiKey, { filter: { storageClass: 'FROZEN', status: 'WITHDRAWN' } }))).toEqual([]);
      const carrier = await as(server.keyOf('CARRIER').apiKey, LIST, {});
      expect(carrier.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('node(id:) applies the same checks: another tenant’s listing is null', async () => {
      const fetch = async (apiKey: string, id: string) => (await as<{ node: Listing | null }>(apiKey, NODE, { id })).body.data!.node;
      expect((await fetch(owner, withdrawn.id))!.status).toBe('WITHDRAWN');
      expect(await fetch(otherOwner, active.id)).toBeNull();
      expect(await fetch(server.keyOf('OPERATOR', 'CHANGWON').apiKey, active.id)).toBeNull();
      expect((await fetch(server.keyOf('MANUFACTURER').apiKey, active.id))!.ownerContact).toBeNull();
      expect(await fetch(server.keyOf('MANUFACTURER').apiKey, withdrawn.id)).toBeNull();
      expect(await fetch(server.keyOf('MANUFACTURER', 'CHANGWON').apiKey, active.id)).toBeNull();
      expect(await fetch(server.keyOf('CARRIER').apiKey, active.id)).toBeNull();
      expect((await fetch(server.keyOf('ADMIN').apiKey, changwon.id))!.complex.code).toBe('CHANGWON');
    });

    it('filters by status and by days with idle space (across adjacent windows, not across gaps)', async () => {
      const adjacent = await create(owner, {
        name: 'adjacent windows',
        storageClass: 'BONDED',
        availability: [
          { from: addDays(today, 10), to: addDays(today, 14), idlePallets: 5 },
          { from: addDays(today, 15), to: addDays(today, 20), idlePallets: 9 },
          { from: addDays(today, 25), to: addDays(today, 30), idlePallets: 9 },
        ],
      });
      const search = async (availableFrom?: number, availableTo?: number) =>
        ids(
          await list(owner, {
            filter: {
              storageClass: 'BONDED',
              status: 'ACTIVE',
              ...(availableFrom !== undefined && { availableFrom: addDays(today, availableFrom) }),
              ...(availableTo !== undefined && { availableTo: addDays(today, availableTo) }),
            },
          }),
        );
      expect(await search(12, 18)).toEqual([adjacent.id]);
      expect(await search(10, 20)).toEqual([adjacent.id]);
      expect(await search(18, 26)).toEqual([]);
      expect(await search(22)).toEqual([]);
      expect(await search(undefined, 28)).toEqual([adjacent.id]);
      expect(await search(9, 12)).toEqual([]);
      const reversed = await as(owner, LIST, { filter: { availableFrom: addDays(today, 5), availableTo: addDays(today, 1) } });
      expect(reversed.body.errors?.[0]?.extensions?.issues).toEqual([{ field: 'filter.availableTo', rule: 'must not be before availableFrom' }]);
    });

    it('a day before 1970 (0000-01-01, or 0099-12-31 that JavaScript reads as 1999) is refused naming the field, not a 500', async () => {
      const owner = server.keyOf('WAREHOUSE_OWNER').apiKey;
      const rule = 'must be from 1970-01-01 (days are counted from then)';
      for (const availableFrom of ['0000-01-01', '0099-12-31', '1969-12-31']) {
        const { body } = await as(owner, LIST, { filter: { availableFrom, availableTo: addDays(today, 1) } });
        expect(body.errors).toEqual([expect.objectContaining({ message: `filter.availableFrom: ${rule}`, extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'filter.availableFrom', rule }] } })]);
      }
      const { body } = await as(owner, LIST, { filter: { availableFrom: '1970-01-01', availableTo: addDays(today, 1) } });
      expect(body.errors).toBeUndefined();
    });

    it('pages by cursor without repeats', async () => {
      const admin = server.keyOf('ADMIN').apiKey;
      const all = await list(admin, { first: 100 });
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await list(admin, { first: 3, after });
        seen.push(...ids(page));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
        expect(page.totalCount).toBe(all.totalCount);
      } while (after);
      expect(seen).toEqual(ids(all));
    });

    it('answers near searches nearest first with distanceKm, within the radius, for the viewer’s listings only', async () => {
      const res = await list(server.keyOf('OPERATOR').apiKey, { filter: { near: { ...BANWOL, radiusKm: 10 } }, first: 100 });
      expect(res.totalCount).toBeGreaterThan(0);
      const distances = res.edges.map((e) => e.distanceKm!);
      expect([...distances].sort((a, b) => a - b)).toEqual(distances);
      expect(Math.max(...distances)).toBeLessThanOrEqual(10);
      expect(res.edges.every((e) => e.node.complex.code === 'BANWOL_SIHWA')).toBe(true);
      const plain = await list(server.keyOf('OPERATOR').apiKey, { first: 5 });
      expect(plain.edges.every((e) => e.distanceKm === null)).toBe(true);
      const bad = await as(owner, LIST, { filter: { near: { ...BANWOL, radiusKm: 500 } } });
      expect(bad.body.errors?.[0]?.extensions?.issues).toContainEqual({ field: 'filter.near.radiusKm', rule: expect.any(String) });
    });
  });
});
