import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, complexes, logisticsCentres, routes, listingAvailability, offers, organisations, shipmentRequests } from '../../db/schema';
import { createApiKey } from '../../src/auth/create-api-key';
import { loadProgramme } from '../../src/complexes/load-programme';
import { SYSTEM_ADMIN } from '../../src/auth/viewer';
import { localIdOf, toGlobalId } from '../../src/global-id';
import { ctxAs, listing, makeOffers, offerValues, round, shipment, vehicle, type OfferFixture, type RoundRef } from '../helpers/bookings-fixtures';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { TINY_PNG } from '../../scripts/simulation/market';

const STATEMENT = `query ($org: ID!, $month: String!) {
  statement(organisationId: $org, month: $month) {
    organisation { name } month firstDay lastDay
    lines { bookingId kind part status supplyDate item pallets weightKg bookedPriceKrw supplyValueKrw vatKrw totalKrw endReason routeId vehiclePlate
      supplier { organisationId centreId name businessRegistrationNumber } buyer { organisationId centreId name businessRegistrationNumber } }
    trips { routeId bookingIds vehiclePlate supplyDate supplyValueKrw vatKrw totalKrw }
    totals { supplyValueKrw vatKrw totalKrw chargedLines endedLines }
  }
}`;
const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { bookings { id } } }';
const GIVE_BACK = 'mutation ($id: ID!, $key: String!) { bookingGiveBack(input: { bookingId: $id, reason: "차량 고장", idempotencyKey: $key }) { bookings { id } } }';
const CANCEL = 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "=생산 일정 변경, \\"보류\\"" }) { shipmentRequest { status } } }';
const CENTRE_STATEMENT = `query ($complex: String!, $month: String!) {
  centreStatement(complexCode: $complex, month: $month) {
    complex { code } centre { id nameKo } supplier { organisationId centreId name businessRegistrationNumber } month firstDay lastDay crossDockedPallets
    lines { bookingId kind part status supplyDate item pallets bookedPriceKrw supplyValueKrw vatKrw totalKrw endReason routeId vehiclePlate
      supplier { organisationId centreId name businessRegistrationNumber } buyer { organisationId centreId name businessRegistrationNumber } }
    totals { supplyValueKrw vatKrw totalKrw chargedLines endedLines }
  }
}`;
const REPORT = 'mutation ($input: TrackingEventReportInput!) { trackingEventReport(input: $input) { booking { status } } }';
const INSIGHTS = 'query ($from: DateTime!, $to: DateTime!) { complexInsights(complexCode: "BANWOL_SIHWA", from: $from, to: $to) { transport { costKrw } requests { served } } }';
const PNG = TINY_PNG;
const MONTH = '2026-11';

interface Party {
  organisationId: string | null;
  centreId: string | null;
  name: string;
  businessRegistrationNumber: string;
}
interface Line {
  bookingId: string;
  kind: string;
  part: string;
  status: string;
  supplyDate: string;
  item: string;
  bookedPriceKrw: number;
  supplyValueKrw: number;
  vatKrw: number;
  totalKrw: number;
  endReason: string | null;
  routeId: string | null;
  vehiclePlate: string | null;
  supplier: Party;
  buyer: Party;
}
interface Statement {
  month: string;
  firstDay: string;
  lastDay: string;
  lines: Line[];
  trips: { routeId: string | null; bookingIds: string[]; vehiclePlate: string | null; supplyDate: string; supplyValueKrw: number; vatKrw: number; totalKrw: number }[];
  totals: { supplyValueKrw: number; vatKrw: number; totalKrw: number; chargedLines: number; endedLines: number };
}

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
let r: RoundRef;
const key = (role: 'MANUFACTURER' | 'CARRIER' | 'WAREHOUSE_OWNER' | 'OPERATOR' | 'ADMIN', complex = 'BANWOL_SIHWA') => server.keyOf(role, complex);
const orgId = (id: number) => toGlobalId('Organisation', id);
const base = () => server.url.replace(/\/graphql$/, '');
const statement = (org: number, apiKey: string, month = MONTH) => gql<{ statement: Statement }>(server.url, STATEMENT, { org: orgId(org), month }, { apiKey });
const csv = (org: number | string, apiKey: string | null, month = MONTH) =>
  fetch(`${base()}/statements/${typeof org === 'number' ? orgId(org) : org}/${month}.csv`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
interface CentreStatement {
  complex: { code: string };
  centre: { id: string; nameKo: string };
  supplier: Party;
  month: string;
  firstDay: string;
  lastDay: string;
  crossDockedPallets: number;
  lines: (Line & { pallets: number })[];
  totals: Statement['totals'];
}
const centreStatement = (apiKey: string | undefined, complex = 'BANWOL_SIHWA', month = MONTH) => gql<{ centreStatement: CentreStatement }>(server.url, CENTRE_STATEMENT, { complex, month }, apiKey ? { apiKey } : {});
const centreCsv = (apiKey: string | null, complex = 'BANWOL_SIHWA', month = MONTH) =>
  fetch(`${base()}/statements/centres/${complex}/${month}.csv`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
/** Banwol-Sihwa's centre as a tax-invoice party: the programme's (demo) number, its Korean name. */
const CENTRE_BRN = '137-82-00012';
let centreParty: Party;

/** The second shipper of the complex, with a key of its own. */
let shipperB: { id: number; apiKey: string; name: string; brn: string };
/** Booking global IDs by the names the hand-computed statements use. */
const booked: Record<string, string> = {};
let plate: string;
let routeId: number;

const at = (iso: string) => new Date(iso);
/** Marks a request as posted at `iso`, so that complexInsights counts it in that month. */
const postedAt = async (requestId: number, iso: string) => await server.db.update(shipmentRequests).set({ createdAt: at(iso) }).where(eq(shipmentRequests.id, requestId)).run();

async function accept(offerId: number, apiKey: string): Promise<string[]> {
  const res = await gql<{ offerAccept: { bookings: { id: string }[] } }>(server.url, ACCEPT, { id: toGlobalId('Offer', offerId), key: randomUUID() }, { apiKey });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.offerAccept.bookings.map((b) => b.id);
}

/**
 * A transport offer for the request on `when` and its acceptance by the carrier; returns the booking ID. With
 * `feederHandlingKrw`, the offer is a feeder leg to the centre whose price holds the centre's handling, as a round prices it.
 */
async function transport(f: Omit<OfferFixture, 'round' | 'supplierOrgId'>, feederHandlingKrw?: number): Promise<string> {
  const [offerId] = await makeOffers(server.db, [{ round: r, supplierOrgId: key('CARRIER').organisationId, ...f }]);
  if (feederHandlingKrw !== undefined) {
    await server.db.update(offers).set({ centreLeg: 'FEEDER', handlingKrw: feederHandlingKrw }).where(eq(offers.id, offerId!)).run();
    // Its trunk leg, still on offer: a feeder is booked while its sibling leg waits.
    const [trunk] = await makeOffers(server.db, [{ round: r, supplierOrgId: key('CARRIER').organisationId, ...f, priceKrw: 100_000 }]);
    await server.db.update(offers).set({ centreLeg: 'TRUNK' }).where(eq(offers.id, trunk!)).run();
  }
  const [bookingId] = await accept(offerId!, key('CARRIER').apiKey);
  return bookingId!;
}

beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'settlement.db'), env: { POD_STORAGE_DIR: join(tmp.dir, 'pod') } });
  r = await round(server.db);
  const carrierCtx = ctxAs(server.db, key('CARRIER'));
  const a = ctxAs(server.db, key('MANUFACTURER'));
  const second = (await server.db.select().from(organisations).where(and(eq(organisations.complexId, r.complexId), eq(organisations.role, 'MANUFACTURER'))).orderBy(organisations.id).all())[1]!;
  shipperB = { id: second.id, name: second.name, brn: second.businessRegistrationNumber, apiKey: (await createApiKey({ ctx: { ...a, viewer: SYSTEM_ADMIN }, input: { organisationId: second.id, name: 'test' } })).secret };
  const b = ctxAs(server.db, { organisationId: shipperB.id, role: 'MANUFACTURER' });
  const truck = await vehicle(carrierCtx);
  plate = truck.plateNumber;
  const space = await listing(ctxAs(server.db, key('WAREHOUSE_OWNER')));
  await server.db.insert(listingAvailability).values({ listingId: space.id, fromDay: '2026-11-01', toDay: '2026-11-30', idlePallets: 10 }).run();
  const vehicleId = truck.id;

  // 1. A: transport delivered 00:30 on 1 November in Seoul (15:30 UTC the day before), with 3 pallets stored 26–30 November.
  const r1 = await shipment(a, { storage: { pallets: 3, days: 5, storageClass: 'AMBIENT' } });
  await postedAt(r1.id, '2026-10-31T15:10:00Z');
  const storage = offerValues({ round: r, requestId: r1.id, shipperOrgId: r1.shipperOrgId, supplierOrgId: key('WAREHOUSE_OWNER').organisationId, listingId: space.id, storagePallets: 3, priceKrw: 15_000 });
  const storageOffer = (await server.db.insert(offers).values({ ...storage, storageFromDay: '2026-11-26', storageToDay: '2026-11-30' }).returning().get()).id;
  booked.a1 = await transport({ requestId: r1.id, shipperOrgId: r1.shipperOrgId, vehicleId, priceKrw: 412_345, pickupAt: at('2026-10-31T09:00:00Z'), deliverAt: at('2026-10-31T15:30:00Z') });
  booked.a1Storage = (await accept(storageOffer, key('WAREHOUSE_OWNER').apiKey))[0]!;

  // 2. A and B pooled on one consolidated load delivered 20 November: shares of 300,007 and 599,993.
  const r2a = await shipment(a, { pallets: 2, weightKg: 800 });
  const r2b = await shipment(b, { pallets: 4, weightKg: 1_600 });
  await postedAt(r2a.id, '2026-11-18T01:00:00Z');
  await postedAt(r2b.id, '2026-11-18T02:00:00Z');
  routeId = (await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId, priceKrw: 900_000, startAt: at('2026-11-19T21:30:00Z'), endAt: at('2026-11-20T03:00:00Z') }).returning().get()).id;
  const share = { round: r, kind: 'TRANSPORT' as const, routeId, supplierOrgId: key('CARRIER').organisationId, vehicleId, pickupAt: at('2026-11-19T22:00:00Z'), deliverAt: at('2026-11-20T03:00:00Z') };
  const [shareA] = await makeOffers(server.db, [
    { ...share, requestId: r2a.id, shipperOrgId: r2a.shipperOrgId, priceKrw: 300_007 },
    { ...share, requestId: r2b.id, shipperOrgId: r2b.shipperOrgId, priceKrw: 599_993 },
  ]);
  const shares = await accept(shareA!, key('CARRIER').apiKey);
  booked.a2 = shares[0]!;
  booked.b2 = shares[1]!;

  // 3. A: transport for 15 November, given back by the carrier.
  const r3 = await shipment(a);
  await postedAt(r3.id, '2026-11-10T01:00:00Z');
  booked.a3 = await transport({ requestId: r3.id, shipperOrgId: r3.shipperOrgId, vehicleId, priceKrw: 200_000, pickupAt: at('2026-11-15T01:00:00Z'), deliverAt: at('2026-11-15T08:00:00Z') });
  expect((await gql(server.url, GIVE_BACK, { id: booked.a3, key: randomUUID() }, { apiKey: key('CARRIER').apiKey })).body.errors).toBeUndefined();

  // 4. B: transport for 25 November, cancelled by B (a reason that Excel would run as a formula).
  const r4 = await shipment(b);
  await postedAt(r4.id, '2026-11-20T01:00:00Z');
  booked.b4 = await transport({ requestId: r4.id, shipperOrgId: r4.shipperOrgId, vehicleId, priceKrw: 180_000, pickupAt: at('2026-11-25T01:00:00Z'), deliverAt: at('2026-11-25T08:00:00Z') });
  expect((await gql(server.url, CANCEL, { id: toGlobalId('ShipmentRequest', r4.id) }, { apiKey: shipperB.apiKey })).body.errors).toBeUndefined();

  // 5. B: planned for 1 December but delivered on 30 November: supplied in November.
  const r5 = await shipment(b);
  await postedAt(r5.id, '2026-11-28T01:00:00Z');
  booked.b5 = await transport({ requestId: r5.id, shipperOrgId: r5.shipperOrgId, vehicleId, priceKrw: 250_000, pickupAt: at('2026-11-30T05:00:00Z'), deliverAt: at('2026-12-01T01:00:00Z') });
  // Booked (in the test's real time) after the month it is reported in: date the booking as a carrier's would be.
  await server.db.update(bookings).set({ bookedAt: at('2026-11-28T02:00:00Z') }).where(eq(bookings.id, localIdOf(booked.b5, 'Booking', 'id'))).run();
  const event = (bookingId: string, kind: string, occurredAt: string, extra = {}) =>
    gql(server.url, REPORT, { input: { bookingId, kind, occurredAt, position: { lat: 36.5, lng: 127.5 }, idempotencyKey: randomUUID(), ...extra } }, { apiKey: key('CARRIER').apiKey });
  expect((await event(booked.b5, 'PICKED_UP', '2026-11-30T06:00:00Z')).body.errors).toBeUndefined();
  const upload = await fetch(`${base()}/pod-images/${booked.b5}`, { method: 'POST', headers: { authorization: `Bearer ${key('CARRIER').apiKey}`, 'content-type': 'image/png' }, body: PNG });
  const image = (await upload.json()) as { id: string };
  const delivered = await event(booked.b5, 'DELIVERED', '2026-11-30T10:00:00Z', { proofOfDelivery: { receiverName: '김수령', receivedAt: '2026-11-30T10:00:00Z', imageId: image.id } });
  expect(delivered.body.errors).toBeUndefined();

  // 6. A: delivered at midnight starting 1 December in Seoul (15:00 UTC on 30 November), posted in December: not November's.
  const r6 = await shipment(a);
  booked.a6 = await transport({ requestId: r6.id, shipperOrgId: r6.shipperOrgId, vehicleId, priceKrw: 100_000, pickupAt: at('2026-11-30T10:00:00Z'), deliverAt: at('2026-11-30T15:00:00Z') });

  // 7. A: a feeder leg to the centre, 3 pallets: 64,321 booked, of which the centre's handling is 3 × 4,000. Planned at
  //    the centre on 22 November, handed over (AT_CENTRE) on the 21st.
  const r7 = await shipment(a);
  await postedAt(r7.id, '2026-11-19T01:00:00Z');
  booked.a7 = await transport({ requestId: r7.id, shipperOrgId: r7.shipperOrgId, vehicleId, priceKrw: 64_321, pickupAt: at('2026-11-20T23:00:00Z'), deliverAt: at('2026-11-22T01:00:00Z') }, 12_000);
  await server.db.update(bookings).set({ bookedAt: at('2026-11-19T02:00:00Z') }).where(eq(bookings.id, localIdOf(booked.a7, 'Booking', 'id'))).run();
  // As if its trunk were booked too (elsewhere: this month's statements stay the feeder's), so the feeder may be picked up.
  await server.db.update(shipmentRequests).set({ status: 'BOOKED' }).where(eq(shipmentRequests.id, r7.id)).run();
  expect((await event(booked.a7, 'PICKED_UP', '2026-11-21T01:00:00Z')).body.errors).toBeUndefined();
  expect((await event(booked.a7, 'AT_CENTRE', '2026-11-21T03:00:00Z')).body.errors).toBeUndefined();

  // 8. B: a feeder leg of 2 pallets for 24 November (40,000 with 8,000 handling), given back by the carrier.
  const r8 = await shipment(b, { pallets: 2, weightKg: 800 });
  await postedAt(r8.id, '2026-11-20T02:00:00Z');
  booked.b8 = await transport({ requestId: r8.id, shipperOrgId: r8.shipperOrgId, vehicleId, priceKrw: 40_000, pickupAt: at('2026-11-23T23:00:00Z'), deliverAt: at('2026-11-24T01:00:00Z') }, 8_000);
  expect((await gql(server.url, GIVE_BACK, { id: booked.b8, key: randomUUID() }, { apiKey: key('CARRIER').apiKey })).body.errors).toBeUndefined();

  const centre = (await server.db.select().from(logisticsCentres).where(eq(logisticsCentres.complexId, r.complexId)).get())!;
  centreParty = { organisationId: null, centreId: toGlobalId('LogisticsCentre', centre.id), name: '반월시화 공동물류센터', businessRegistrationNumber: CENTRE_BRN };
});

afterAll(async () => {
  await server.stop();
  tmp.remove();
});

describe('settlement statements', () => {
  const brn = (org: { businessRegistrationNumber: string }) => org.businessRegistrationNumber.replace(/^(\d{3})(\d{2})(\d{5})$/, '$1-$2-$3');
  const orgOf = async (role: 'MANUFACTURER' | 'CARRIER' | 'WAREHOUSE_OWNER') => (await server.db.select().from(organisations).where(eq(organisations.id, key(role).organisationId)).get())!;
  const partyOf = (org: { id: number; name: string; businessRegistrationNumber: string }) => ({ organisationId: orgId(org.id), centreId: null, name: org.name, businessRegistrationNumber: brn(org) });

  it("a shipper's month, hand-computed: supply value = booked price, VAT = floor(10 %) per line, ended bookings charge nothing; a feeder leg is the carrier's transport and the centre's handling", async () => {
    const { body } = await statement(key('MANUFACTURER').organisationId, key('MANUFACTURER').apiKey);
    expect(body.errors).toBeUndefined();
    const s = body.data!.statement;
    expect(s).toMatchObject({ month: MONTH, firstDay: '2026-11-01', lastDay: '2026-11-30' });
    const carrier = partyOf(await orgOf('CARRIER'));
    const me = partyOf(await orgOf('MANUFACTURER'));
    expect(s.lines.map(({ bookingId, part, status, supplyDate, bookedPriceKrw, supplyValueKrw, vatKrw, totalKrw, endReason, supplier, buyer }) => ({ bookingId, part, status, supplyDate, bookedPriceKrw, supplyValueKrw, vatKrw, totalKrw, endReason, supplier, buyer }))).toEqual([
      { bookingId: booked.a1, part: 'TRANSPORT', status: 'CONFIRMED', supplyDate: '2026-11-01', bookedPriceKrw: 412_345, supplyValueKrw: 412_345, vatKrw: 41_234, totalKrw: 453_579, endReason: null, supplier: carrier, buyer: me },
      { bookingId: booked.a3, part: 'TRANSPORT', status: 'RETURNED', supplyDate: '2026-11-15', bookedPriceKrw: 200_000, supplyValueKrw: 0, vatKrw: 0, totalKrw: 0, endReason: '차량 고장', supplier: carrier, buyer: me },
      { bookingId: booked.a2, part: 'TRANSPORT', status: 'CONFIRMED', supplyDate: '2026-11-20', bookedPriceKrw: 300_007, supplyValueKrw: 300_007, vatKrw: 30_000, totalKrw: 330_007, endReason: null, supplier: carrier, buyer: me },
      // The feeder leg, supplied at its hand-over: the carrier's transport is the booked price less the handling.
      { bookingId: booked.a7, part: 'TRANSPORT', status: 'COMPLETED', supplyDate: '2026-11-21', bookedPriceKrw: 52_321, supplyValueKrw: 52_321, vatKrw: 5_232, totalKrw: 57_553, endReason: null, supplier: carrier, buyer: me },
      { bookingId: booked.a7, part: 'HANDLING', status: 'COMPLETED', supplyDate: '2026-11-21', bookedPriceKrw: 12_000, supplyValueKrw: 12_000, vatKrw: 1_200, totalKrw: 13_200, endReason: null, supplier: centreParty, buyer: me },
      { bookingId: booked.a1Storage, part: 'STORAGE', status: 'CONFIRMED', supplyDate: '2026-11-30', bookedPriceKrw: 15_000, supplyValueKrw: 15_000, vatKrw: 1_500, totalKrw: 16_500, endReason: null, supplier: partyOf(await orgOf('WAREHOUSE_OWNER')), buyer: me },
    ]);
    expect(s.lines[0]!.item).toBe('화물운송 3팔레트 1,200kg');
    expect(s.lines[2]).toMatchObject({ item: '화물운송(혼적) 2팔레트 800kg', routeId: toGlobalId('Route', routeId), vehiclePlate: plate });
    expect(s.lines[3]).toMatchObject({ kind: 'TRANSPORT', item: '화물운송 3팔레트 1,200kg', vehiclePlate: plate });
    expect(s.lines[4]).toMatchObject({ kind: 'TRANSPORT', item: '센터하역 3팔레트', vehiclePlate: null, routeId: null });
    expect(s.lines[5]!.item).toBe('창고보관 Test warehouse 3팔레트 × 5일 (2026-11-26~2026-11-30)');
    // The feeder's 64,321 as before, now on two lines.
    expect(s.totals).toEqual({ supplyValueKrw: 727_352 + 64_321, vatKrw: 72_734 + 6_432, totalKrw: 800_086 + 70_753, chargedLines: 5, endedLines: 1 });
    expect(s.trips).toEqual([]);
  });

  it('a second shipper of the pooled load sees only its own share; a delivery reported early moves the date of supply', async () => {
    const s = (await statement(shipperB.id, shipperB.apiKey)).body.data!.statement;
    expect(s.lines.map((l) => [l.bookingId, l.part, l.status, l.supplyDate, l.bookedPriceKrw, l.supplyValueKrw, l.vatKrw, l.totalKrw, l.endReason])).toEqual([
      [booked.b2, 'TRANSPORT', 'CONFIRMED', '2026-11-20', 599_993, 599_993, 59_999, 659_992, null],
      // A feeder leg given back: both its lines, with the reason and no charge.
      [booked.b8, 'TRANSPORT', 'RETURNED', '2026-11-24', 32_000, 0, 0, 0, '차량 고장'],
      [booked.b8, 'HANDLING', 'RETURNED', '2026-11-24', 8_000, 0, 0, 0, '차량 고장'],
      [booked.b4, 'TRANSPORT', 'CANCELLED', '2026-11-25', 180_000, 0, 0, 0, '=생산 일정 변경, "보류"'],
      [booked.b5, 'TRANSPORT', 'COMPLETED', '2026-11-30', 250_000, 250_000, 25_000, 275_000, null],
    ]);
    expect(s.lines[2]!.supplier).toEqual(centreParty);
    expect(s.totals).toEqual({ supplyValueKrw: 849_993, vatKrw: 84_999, totalKrw: 934_992, chargedLines: 2, endedLines: 3 });
    expect(s.lines.every((l) => l.buyer.organisationId === orgId(shipperB.id))).toBe(true);
  });

  it("a carrier's month: every line it supplied and its trips with their earnings (a pooled load's VAT is its lines'; a feeder leg's handling is the centre's, not its)", async () => {
    const s = (await statement(key('CARRIER').organisationId, key('CARRIER').apiKey)).body.data!.statement;
    expect(s.lines.map((l) => l.bookingId)).toEqual([booked.a1, booked.a3, booked.a2, booked.b2, booked.a7, booked.b8, booked.b4, booked.b5]);
    expect(s.lines.every((l) => l.part === 'TRANSPORT' && l.supplier.organisationId === orgId(key('CARRIER').organisationId))).toBe(true);
    expect(s.lines.find((l) => l.bookingId === booked.a7)).toMatchObject({ bookedPriceKrw: 52_321, supplyValueKrw: 52_321, vatKrw: 5_232, totalKrw: 57_553 });
    expect(s.trips).toEqual([
      { routeId: null, bookingIds: [booked.a1], vehiclePlate: plate, supplyDate: '2026-11-01', supplyValueKrw: 412_345, vatKrw: 41_234, totalKrw: 453_579 },
      { routeId: null, bookingIds: [booked.a3], vehiclePlate: plate, supplyDate: '2026-11-15', supplyValueKrw: 0, vatKrw: 0, totalKrw: 0 },
      // 30,000 + 59,999: each shipper gets its own invoice line, so the trip's VAT is not floor(900,000 × 10 %).
      { routeId: toGlobalId('Route', routeId), bookingIds: [booked.a2, booked.b2], vehiclePlate: plate, supplyDate: '2026-11-20', supplyValueKrw: 900_000, vatKrw: 89_999, totalKrw: 989_999 },
      { routeId: null, bookingIds: [booked.a7], vehiclePlate: plate, supplyDate: '2026-11-21', supplyValueKrw: 52_321, vatKrw: 5_232, totalKrw: 57_553 },
      { routeId: null, bookingIds: [booked.b8], vehiclePlate: plate, supplyDate: '2026-11-24', supplyValueKrw: 0, vatKrw: 0, totalKrw: 0 },
      { routeId: null, bookingIds: [booked.b4], vehiclePlate: plate, supplyDate: '2026-11-25', supplyValueKrw: 0, vatKrw: 0, totalKrw: 0 },
      { routeId: null, bookingIds: [booked.b5], vehiclePlate: plate, supplyDate: '2026-11-30', supplyValueKrw: 250_000, vatKrw: 25_000, totalKrw: 275_000 },
    ]);
    expect(s.totals).toEqual({ supplyValueKrw: 1_562_345 + 52_321, vatKrw: 156_233 + 5_232, totalKrw: 1_718_578 + 57_553, chargedLines: 5, endedLines: 3 });
  });

  it("dates a carrier's trip by what it supplied: a share given back after the pickup does not move it to its planned delivery", async () => {
    const a = ctxAs(server.db, key('MANUFACTURER'));
    const b = ctxAs(server.db, { organisationId: shipperB.id, role: 'MANUFACTURER' });
    const truck = await vehicle(ctxAs(server.db, key('CARRIER')));
    const [ra, rb] = [await shipment(a), await shipment(b)];
    const pooled = (await server.db.insert(routes).values({ roundId: r.roundId, complexId: r.complexId, vehicleId: truck.id, priceKrw: 300_000, startAt: at('2026-10-10T00:00:00Z'), endAt: at('2026-10-12T05:00:00Z') }).returning().get()).id;
    const share = { round: r, kind: 'TRANSPORT' as const, routeId: pooled, supplierOrgId: key('CARRIER').organisationId, vehicleId: truck.id, pickupAt: at('2026-10-10T00:00:00Z') };
    const [first] = await makeOffers(server.db, [
      { ...share, requestId: ra.id, shipperOrgId: ra.shipperOrgId, priceKrw: 100_000, deliverAt: at('2026-10-10T05:00:00Z') },
      { ...share, requestId: rb.id, shipperOrgId: rb.shipperOrgId, priceKrw: 200_000, deliverAt: at('2026-10-12T05:00:00Z') },
    ]);
    const [onBoard, returned] = await accept(first!, key('CARRIER').apiKey);
    for (const id of [onBoard!, returned!]) await server.db.update(bookings).set({ bookedAt: at('2026-10-09T00:00:00Z') }).where(eq(bookings.id, localIdOf(id, 'Booking', 'id'))).run();
    const event = (bookingId: string, kind: string, occurredAt: string, extra = {}) =>
      gql(server.url, REPORT, { input: { bookingId, kind, occurredAt, position: { lat: 36.5, lng: 127.5 }, idempotencyKey: randomUUID(), ...extra } }, { apiKey: key('CARRIER').apiKey });
    expect((await event(onBoard!, 'PICKED_UP', '2026-10-10T00:30:00Z')).body.errors).toBeUndefined();
    expect((await gql(server.url, GIVE_BACK, { id: returned, key: randomUUID() }, { apiKey: key('CARRIER').apiKey })).body.errors).toBeUndefined();
    const upload = await fetch(`${base()}/pod-images/${onBoard}`, { method: 'POST', headers: { authorization: `Bearer ${key('CARRIER').apiKey}`, 'content-type': 'image/png' }, body: PNG });
    const image = (await upload.json()) as { id: string };
    const proofOfDelivery = { receiverName: '김수령', receivedAt: '2026-10-10T05:00:00Z', imageId: image.id };
    expect((await event(onBoard!, 'DELIVERED', '2026-10-10T05:00:00Z', { proofOfDelivery })).body.errors).toBeUndefined();

    const s = (await statement(key('CARRIER').organisationId, key('CARRIER').apiKey, '2026-10')).body.data!.statement;
    expect(s.lines.map((l) => [l.bookingId, l.status, l.supplyDate])).toEqual([[onBoard, 'COMPLETED', '2026-10-10'], [returned, 'RETURNED', '2026-10-12']]);
    expect(s.trips).toEqual([{ routeId: toGlobalId('Route', pooled), bookingIds: [onBoard, returned], vehiclePlate: truck.plateNumber, supplyDate: '2026-10-10', supplyValueKrw: 100_000, vatKrw: 10_000, totalKrw: 110_000 }]);
  });

  it("a warehouse owner's month: every stay, supplied on its last day", async () => {
    const s = (await statement(key('WAREHOUSE_OWNER').organisationId, key('WAREHOUSE_OWNER').apiKey)).body.data!.statement;
    expect(s.lines.map((l) => [l.bookingId, l.kind, l.supplyDate, l.supplyValueKrw, l.vatKrw, l.totalKrw])).toEqual([[booked.a1Storage, 'STORAGE', '2026-11-30', 15_000, 1_500, 16_500]]);
    expect(s.trips).toEqual([]);
  });

  it("names a stay's listing as it was booked: renaming the listing later does not rewrite a month's lines", async () => {
    const owner = key('WAREHOUSE_OWNER');
    const space = await listing(ctxAs(server.db, owner));
    await server.db.insert(listingAvailability).values({ listingId: space.id, fromDay: '2027-01-01', toDay: '2027-01-31', idlePallets: 10 }).run();
    const RENAME = 'mutation ($input: WarehouseListingUpdateInput!) { warehouseListingUpdate(input: $input) { listing { name } } }';
    const rename = async (name: string) => expect((await gql(server.url, RENAME, { input: { listingId: toGlobalId('WarehouseListing', space.id), name } }, { apiKey: owner.apiKey })).body.errors).toBeUndefined();
    const stay = async (storageFromDay: string, storageToDay: string) => {
      const request = await shipment(ctxAs(server.db, { organisationId: shipperB.id, role: 'MANUFACTURER' }), { storage: { pallets: 3, days: 2, storageClass: 'AMBIENT' } });
      const [offerId] = await makeOffers(server.db, [{ round: r, requestId: request.id, shipperOrgId: shipperB.id, supplierOrgId: owner.organisationId, listingId: space.id, storageFromDay, storageToDay }]);
      // A transport offer still pending, so that the stay may be accepted first.
      await makeOffers(server.db, [{ round: r, requestId: request.id, shipperOrgId: shipperB.id, supplierOrgId: key('CARRIER').organisationId, vehicleId: (await vehicle(ctxAs(server.db, key('CARRIER')))).id }]);
      return (await accept(offerId!, owner.apiKey))[0]!;
    };
    await rename('시화 창고 A동');
    const first = await stay('2027-01-10', '2027-01-11');
    await rename('시화 창고 B동');
    const second = await stay('2027-01-12', '2027-01-13');
    await rename('시화 창고 C동');
    const items = async (org: number, apiKey: string) => Object.fromEntries((await statement(org, apiKey, '2027-01')).body.data!.statement.lines.map((l) => [l.bookingId, l.item]));
    const expected = { [first]: '창고보관 시화 창고 A동 3팔레트 × 2일 (2027-01-10~2027-01-11)', [second]: '창고보관 시화 창고 B동 3팔레트 × 2일 (2027-01-12~2027-01-13)' };
    expect(await items(owner.organisationId, owner.apiKey)).toEqual(expected);
    expect(await items(shipperB.id, shipperB.apiKey)).toEqual(expected);
    const sheet = await (await csv(owner.organisationId, owner.apiKey, '2027-01')).text();
    expect(sheet).toContain('시화 창고 A동');
    expect(sheet).not.toContain('시화 창고 C동');
    // A stay weighs nothing on an invoice: its weight is left blank, not a 0 that reads as measured.
    const rows = sheet.replace(/^\uFEFF/, '').trim().split('\r\n').map((row) => row.slice(1, -1).split('","'));
    const weight = rows[0]!.indexOf('중량(kg)');
    expect(rows.find((row) => row.some((f) => f.includes('시화 창고 A동')))![weight]).toBe('');
  });

  it('months are Asia/Seoul calendar months: a delivery at 00:00 KST on 1 December is December’s', async () => {
    const s = (await statement(key('MANUFACTURER').organisationId, key('MANUFACTURER').apiKey, '2026-12')).body.data!.statement;
    expect(s).toMatchObject({ firstDay: '2026-12-01', lastDay: '2026-12-31' });
    expect(s.lines.map((l) => [l.bookingId, l.supplyDate, l.totalKrw])).toEqual([[booked.a6, '2026-12-01', 110_000]]);
  });

  it("reconciles with complexInsights: the shippers' supply values, and the suppliers' (carriers', warehouse owners', centre's), equal the month's booked cost", async () => {
    const insights = await gql<{ complexInsights: { transport: { costKrw: number }; requests: { served: number } } }>(
      server.url,
      INSIGHTS,
      { from: '2026-11-01T00:00:00+09:00', to: '2026-12-01T00:00:00+09:00' },
      { apiKey: key('OPERATOR').apiKey },
    );
    const cost = insights.body.data!.complexInsights.transport.costKrw;
    expect(cost).toBe(1_577_345 + 64_321);
    const supplied = async (org: number, apiKey: string) => (await statement(org, apiKey)).body.data!.statement.totals.supplyValueKrw;
    const operator = key('OPERATOR').apiKey;
    expect((await supplied(key('MANUFACTURER').organisationId, operator)) + (await supplied(shipperB.id, operator))).toBe(cost);
    const centre = (await centreStatement(operator)).body.data!.centreStatement.totals.supplyValueKrw;
    expect(centre).toBe(12_000);
    expect((await supplied(key('CARRIER').organisationId, operator)) + (await supplied(key('WAREHOUSE_OWNER').organisationId, operator)) + centre).toBe(cost);
  });

  it('is for the organisation itself, the operators of its complex and admins; anyone else finds nothing', async () => {
    const a = key('MANUFACTURER').organisationId;
    for (const apiKey of [key('OPERATOR').apiKey, key('ADMIN').apiKey]) expect((await statement(a, apiKey)).body.data!.statement.totals.supplyValueKrw).toBe(791_673);
    for (const apiKey of [shipperB.apiKey, key('CARRIER').apiKey, key('OPERATOR', 'GUMI').apiKey, key('MANUFACTURER', 'GUMI').apiKey]) {
      const { body } = await statement(a, apiKey);
      expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: 'Organisation not found' });
    }
    expect((await gql(server.url, STATEMENT, { org: orgId(a), month: MONTH })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a malformed month or ID, naming the field', async () => {
    const apiKey = key('MANUFACTURER').apiKey;
    for (const month of ['2026-13', '2026-1', 'November', '2026-11-01', '0000-01', '1969-12']) {
      const { body } = await statement(key('MANUFACTURER').organisationId, apiKey, month);
      expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/^month: must be a calendar month written YYYY-MM/) });
    }
    // The first and last months a statement can be for: empty, and each its own days.
    for (const [month, lastDay] of [['1970-01', '1970-01-31'], ['9999-12', '9999-12-31']]) {
      const { body } = await statement(key('MANUFACTURER').organisationId, apiKey, month);
      expect(body.errors).toBeUndefined();
      expect(body.data!.statement).toMatchObject({ month, lastDay, lines: [], totals: { supplyValueKrw: 0 } });
    }
    // An operator's or admin's organisation never trades: no statement, rather than an empty one.
    for (const [role, caller] of [['OPERATOR', key('OPERATOR')], ['ADMIN', key('ADMIN')]] as const) {
      const { body } = await statement(caller.organisationId, key('ADMIN').apiKey);
      expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: `organisationId: must be an organisation that trades (a manufacturer, carrier or warehouse owner): ${role} organisations have no statement` });
    }
    const wrongType = await gql(server.url, STATEMENT, { org: toGlobalId('Booking', 1), month: MONTH }, { apiKey });
    expect(wrongType.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: 'organisationId: must be the ID of an Organisation' });
  });

  it('downloads as CSV for Excel: BOM, Korean headers, quoted fields, CRLF, the same lines and totals', async () => {
    const res = await csv(shipperB.id, shipperB.apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="statement-${shipperB.brn}-${MONTH}.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = text.slice(0, -2).split('\r\n');
    expect(rows).toHaveLength(7);
    expect(rows[0]).toBe(
      '"공급일자","구분","상태","품목","공급자 사업자등록번호","공급자 상호","공급받는자 사업자등록번호","공급받는자 상호","팔레트","중량(kg)","예약금액","공급가액","세액","합계금액","취소·반납 사유","차량번호","운행 ID","예약 ID"',
    );
    const carrier = await orgOf('CARRIER');
    const buyer = `"${brn({ businessRegistrationNumber: shipperB.brn })}","${shipperB.name.replace(/"/g, '""')}"`;
    expect(rows[1]).toBe(`"2026-11-20","운송","확정","화물운송(혼적) 4팔레트 1,600kg","${brn(carrier)}","${carrier.name}",${buyer},"4","1600","599993","599993","59999","659992","","${plate}","${toGlobalId('Route', routeId)}","${booked.b2}"`);
    expect(rows[3]).toBe(`"2026-11-24","하역","반납","센터하역 2팔레트","${CENTRE_BRN}","반월시화 공동물류센터",${buyer},"2","800","8000","0","0","0","차량 고장","","","${booked.b8}"`);
    // A quote doubled, and a leading "=" defused so that Excel shows the reason instead of running it.
    expect(rows[4]).toContain(`"취소",`);
    expect(rows[4]).toContain(`"0","0","0","'=생산 일정 변경, ""보류""",`);
    expect(rows[6]).toBe(`"2026-11 합계","","","","","","","","","","","849993","84999","934992","","","",""`);
  });

  it('CSV has the same admission and access rules, with errors as JSON', async () => {
    const a = key('MANUFACTURER').organisationId;
    expect((await csv(a, key('OPERATOR').apiKey)).status).toBe(200);
    const notYours = await csv(a, key('OPERATOR', 'GUMI').apiKey);
    expect(notYours.status).toBe(404);
    expect(await notYours.json()).toMatchObject({ errors: [{ message: 'Organisation not found', extensions: { code: 'NOT_FOUND' } }] });
    expect((await csv(a, null)).status).toBe(401);
    expect((await csv(a, 'sk_not_a_key')).status).toBe(401);
    const badMonth = await csv(a, key('MANUFACTURER').apiKey, '2026-13');
    expect(badMonth.status).toBe(400);
    expect(await badMonth.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    expect((await csv('not-an-id', key('MANUFACTURER').apiKey)).status).toBe(400);
  });

  it("the centre's month: a handling line per feeder leg (the shipper buys, the centre supplies), totals and cross-docked pallets", async () => {
    const { body } = await centreStatement(key('OPERATOR').apiKey);
    expect(body.errors).toBeUndefined();
    const s = body.data!.centreStatement;
    expect(s).toMatchObject({ complex: { code: 'BANWOL_SIHWA' }, centre: { id: centreParty.centreId, nameKo: '반월시화 공동물류센터' }, supplier: centreParty, month: MONTH, firstDay: '2026-11-01', lastDay: '2026-11-30' });
    const a = partyOf(await orgOf('MANUFACTURER'));
    const b = { organisationId: orgId(shipperB.id), centreId: null, name: shipperB.name, businessRegistrationNumber: brn({ businessRegistrationNumber: shipperB.brn }) };
    expect(s.lines.map(({ bookingId, kind, part, status, supplyDate, item, pallets, bookedPriceKrw, supplyValueKrw, vatKrw, totalKrw, endReason, supplier, buyer }) => ({ bookingId, kind, part, status, supplyDate, item, pallets, bookedPriceKrw, supplyValueKrw, vatKrw, totalKrw, endReason, supplier, buyer }))).toEqual([
      { bookingId: booked.a7, kind: 'TRANSPORT', part: 'HANDLING', status: 'COMPLETED', supplyDate: '2026-11-21', item: '센터하역 3팔레트', pallets: 3, bookedPriceKrw: 12_000, supplyValueKrw: 12_000, vatKrw: 1_200, totalKrw: 13_200, endReason: null, supplier: centreParty, buyer: a },
      { bookingId: booked.b8, kind: 'TRANSPORT', part: 'HANDLING', status: 'RETURNED', supplyDate: '2026-11-24', item: '센터하역 2팔레트', pallets: 2, bookedPriceKrw: 8_000, supplyValueKrw: 0, vatKrw: 0, totalKrw: 0, endReason: '차량 고장', supplier: centreParty, buyer: b },
    ]);
    expect(s.totals).toEqual({ supplyValueKrw: 12_000, vatKrw: 1_200, totalKrw: 13_200, chargedLines: 1, endedLines: 1 });
    expect(s.crossDockedPallets).toBe(3);
    // Admins too; another month has none.
    expect((await centreStatement(key('ADMIN').apiKey)).body.data!.centreStatement.totals.supplyValueKrw).toBe(12_000);
    expect((await centreStatement(key('OPERATOR').apiKey, 'BANWOL_SIHWA', '2026-12')).body.data!.centreStatement).toMatchObject({ lines: [], crossDockedPallets: 0, totals: { supplyValueKrw: 0 } });
  });

  it("the centre's statement is its complex's operators' and admins': others are refused, a bad month or complex named", async () => {
    for (const apiKey of [key('CARRIER').apiKey, key('MANUFACTURER').apiKey, key('WAREHOUSE_OWNER').apiKey, key('OPERATOR', 'GUMI').apiKey]) {
      expect((await centreStatement(apiKey)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await centreStatement(undefined)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const operator = key('OPERATOR').apiKey;
    for (const month of ['2026-13', '1969-12', 'November']) {
      expect((await centreStatement(operator, 'BANWOL_SIHWA', month)).body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/^month: must be a calendar month written YYYY-MM/) });
    }
    expect((await centreStatement(operator, 'banwol')).body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: 'complexCode: must be a complex code such as BANWOL_SIHWA' });
    expect((await centreStatement(operator, 'ATLANTIS')).body.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: 'Complex ATLANTIS not found' });
  });

  it("the centre's statement downloads as CSV with the same rules", async () => {
    const res = await centreCsv(key('OPERATOR').apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="statement-${CENTRE_BRN.replace(/-/g, '')}-${MONTH}.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(rows.pop()).toBe('');
    const a = await orgOf('MANUFACTURER');
    expect(rows).toEqual([
      '"공급일자","구분","상태","품목","공급자 사업자등록번호","공급자 상호","공급받는자 사업자등록번호","공급받는자 상호","팔레트","중량(kg)","예약금액","공급가액","세액","합계금액","취소·반납 사유","차량번호","운행 ID","예약 ID"',
      `"2026-11-21","하역","완료","센터하역 3팔레트","${CENTRE_BRN}","반월시화 공동물류센터","${brn(a)}","${a.name.replace(/"/g, '""')}","3","1200","12000","12000","1200","13200","","","","${booked.a7}"`,
      expect.stringMatching(/^"2026-11-24","하역","반납","센터하역 2팔레트",.*"8000","0","0","0","차량 고장","","",".+"$/),
      '"2026-11 합계","","","","","","","","","","","12000","1200","13200","","","",""',
    ]);
    const refused = await centreCsv(key('CARRIER').apiKey);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect((await centreCsv(key('OPERATOR').apiKey, 'ATLANTIS')).status).toBe(404);
    expect((await centreCsv(key('OPERATOR').apiKey, 'BANWOL_SIHWA', '2026-13')).status).toBe(400);
    expect((await centreCsv(null)).status).toBe(401);
  });

  it("a database made before centres had a business registration number gets the programme's at start-up", async () => {
    const banwol = (await server.db.select().from(complexes).where(eq(complexes.code, 'BANWOL_SIHWA')).get())!;
    await server.db.update(logisticsCentres).set({ businessRegistrationNumber: null }).where(eq(logisticsCentres.complexId, banwol.id)).run();
    // What the service runs at every start.
    await loadProgramme({ ctx: { db: server.db } });
    const centre = (await server.db.select().from(logisticsCentres).where(eq(logisticsCentres.complexId, banwol.id)).get())!;
    expect(centre.businessRegistrationNumber).toBe(CENTRE_BRN.replace(/-/g, ''));
    expect((await centreStatement(key('OPERATOR').apiKey)).body.data!.centreStatement.supplier).toEqual(centreParty);
  });
});
