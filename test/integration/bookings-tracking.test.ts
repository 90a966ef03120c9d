import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, podImages, shipmentRequests, vehicleReservations } from '../../db/schema';
import { localIdOf, toGlobalId } from '../../src/global-id';
import { firstResults, gql, keepTriggering, subscribedTo, wsClient } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { ctxAs, makeOffers, round, shipment, vehicle } from '../helpers/bookings-fixtures';
import type { CreateShipmentRequestInput } from '../../src/demand/create-shipment-request';
import { TINY_PNG } from '../../scripts/simulation/market';

const REPORT = `mutation ($input: TrackingEventReportInput!) {
  trackingEventReport(input: $input) {
    trackingEvent { kind occurredAt position { lat lng } }
    booking { status shipment { status } proofOfDelivery { receiverName image { mediaType byteSize downloadPath } } }
  }
}`;
const PNG = TINY_PNG;

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
const key = (role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR' | 'ADMIN', complex = 'BANWOL_SIHWA') => server.keyOf(role, complex).apiKey;
const base = (to = server) => to.url.replace(/\/graphql$/, '');

/** A request booked on a vehicle of the demo carrier; returns the booking's global ID. */
async function booked(on = server, ends: Partial<CreateShipmentRequestInput> = {}): Promise<{ bookingId: string; requestId: number; vehicleId: number }> {
  const carrier = on.keyOf('CARRIER');
  const request = await shipment(ctxAs(on.db, on.keyOf('MANUFACTURER')), ends);
  const v = await vehicle(ctxAs(on.db, carrier));
  const [offerId] = await makeOffers(on.db, [{ round: await round(on.db), requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: carrier.organisationId, vehicleId: v.id }]);
  const { body } = await gql<{ offerAccept: { bookings: { id: string }[] } }>(
    on.url,
    'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { bookings { id } } }',
    { id: toGlobalId('Offer', offerId!), key: randomUUID() },
    { apiKey: carrier.apiKey },
  );
  return { bookingId: body.data!.offerAccept.bookings[0]!.id, requestId: request.id, vehicleId: v.id };
}

function report(bookingId: string, kind: string, extra: Record<string, unknown> = {}, apiKey = key('CARRIER')) {
  return gql<{ trackingEventReport: { booking: { status: string; shipment: { status: string }; proofOfDelivery: { receiverName: string; image: { downloadPath: string; byteSize: number } } | null } } }>(
    server.url,
    REPORT,
    { input: { bookingId, kind, occurredAt: new Date().toISOString(), position: { lat: 36.5, lng: 127.5 }, idempotencyKey: randomUUID(), ...extra } },
    { apiKey },
  );
}

function upload(bookingId: string, body: Uint8Array, apiKey = key('CARRIER'), to = server) {
  return fetch(`${base(to)}/pod-images/${bookingId}`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'image/png' }, body });
}

beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'tracking.db'), env: { POD_STORAGE_DIR: join(tmp.dir, 'pod'), POD_MAX_BYTES: '4096' } });
});
afterAll(async () => {
  await server.stop();
  tmp.remove();
});

describe('tracking', () => {
  it('keeps the centre out of a direct booking, but for a shipment delivered to the centre itself', async () => {
    const direct = await booked();
    await report(direct.bookingId, 'PICKED_UP');
    for (const kind of ['AT_CENTRE', 'DEPARTED_CENTRE']) {
      const refused = await report(direct.bookingId, kind);
      // A rule as every other reads: what the value must be, then why (a dispatcher's app shows it under the field).
      const rule = `must not be ${kind}: this booking goes direct, not through the logistics centre`;
      expect(refused.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'input.kind', rule: expect.stringContaining(rule) }] }, message: expect.stringMatching(new RegExp(`^input\\.kind: ${rule}`)) });
    }
    const toCentre = await booked(server, { destination: { centre: true } });
    await report(toCentre.bookingId, 'PICKED_UP');
    expect((await report(toCentre.bookingId, 'DEPARTED_CENTRE')).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await report(toCentre.bookingId, 'AT_CENTRE')).body.data!.trackingEventReport.booking.shipment.status).toBe('AT_CENTRE');
  });

  it('enforces the order with a clear error and moves the request along', async () => {
    const { bookingId, requestId } = await booked();
    const early = await report(bookingId, 'IN_TRANSIT');
    expect(early.body.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: 'Cannot report IN_TRANSIT while the shipment is BOOKED: it may follow only PICKED_UP or IN_TRANSIT',
    });
    expect((await report(bookingId, 'PICKED_UP')).body.data!.trackingEventReport.booking.shipment.status).toBe('PICKED_UP');
    expect((await report(bookingId, 'PICKED_UP')).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await report(bookingId, 'IN_TRANSIT')).body.data!.trackingEventReport.booking.shipment.status).toBe('IN_TRANSIT');
    expect((await report(bookingId, 'EXCEPTION', { note: 'Traffic jam on the Gyeongbu expressway' })).body.errors).toBeUndefined();
    // Two minutes back: after the booking (within the clock skew), before the previous event.
    const past = await report(bookingId, 'IN_TRANSIT', { occurredAt: new Date(Date.now() - 2 * 60_000).toISOString() });
    expect(past.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('input.occurredAt: must not be before the previous event') });
    const outside = await report(bookingId, 'IN_TRANSIT', { position: { lat: 40, lng: 116 } });
    expect(outside.body.errors?.[0]?.message).toMatch(/input.position: must lie in South Korea/);
    expect((await server.db.select().from(shipmentRequests).where(eq(shipmentRequests.id, requestId)).get())!.status).toBe('IN_TRANSIT');
    const stranger = await report(bookingId, 'IN_TRANSIT', {}, key('CARRIER', 'CHANGWON'));
    expect(stranger.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses event times before the booking or in the future, beyond the clock skew', async () => {
    const before = Date.now();
    const { bookingId } = await booked();
    const refused = async (kind: string, occurredAt: string, rule: RegExp) => {
      const { body } = await report(bookingId, kind, { occurredAt });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'input.occurredAt', rule: expect.stringMatching(rule) }] });
    };
    await refused('PICKED_UP', '2001-01-01T00:00:00Z', /^must not be before the booking \(20\d\d-/);
    await refused('EXCEPTION', '0001-01-01T00:00:00Z', /^must not be before the booking/);
    await refused('PICKED_UP', new Date(Date.now() + 10 * 60_000).toISOString(), /^must not be in the future$/);
    // A device clock a few minutes behind ours is allowed for.
    const skewed = await report(bookingId, 'PICKED_UP', { occurredAt: new Date(before - 4 * 60_000).toISOString() });
    expect(skewed.body.errors).toBeUndefined();
  });

  it("tells the feed when a step happened that was reported late, not only when it was reported", async () => {
    const { bookingId } = await booked();
    // Booked three hours ago; the driver reports the pickup two hours late, the delivery as it happens.
    const now = Date.now();
    await server.db.update(bookings).set({ bookedAt: new Date(now - 3 * 3_600_000) }).where(eq(bookings.id, localIdOf(bookingId, 'Booking', 'bookingId'))).run();
    const pickedUpAt = new Date(now - 2 * 3_600_000);
    expect((await report(bookingId, 'PICKED_UP', { occurredAt: pickedUpAt.toISOString() })).body.errors).toBeUndefined();
    expect((await report(bookingId, 'EXCEPTION', { note: '정체' })).body.errors).toBeUndefined();
    const { body } = await gql<{ complex: { recentActivity: { kind: string; summaryKo: string; summary: string }[] } }>(
      server.url,
      'query { complex(code: "BANWOL_SIHWA") { recentActivity(first: 2) { kind summary summaryKo } } }',
      {},
      { apiKey: key('OPERATOR') },
    );
    const clock = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(pickedUpAt);
    const p = Object.fromEntries(clock.map((part) => [part.type, part.value]));
    const [exception, pickup] = body.data!.complex.recentActivity;
    expect(pickup).toMatchObject({ kind: 'SHIPMENT_PICKED_UP', summaryKo: expect.stringMatching(new RegExp(`^상차 완료\\(${p.month}-${p.day} ${p.hour}:${p.minute}\\): `)), summary: expect.stringMatching(/^Shipment picked up at \d\d-\d\d \d\d:\d\d: /) });
    expect(exception).toMatchObject({ kind: 'SHIPMENT_EXCEPTION', summaryKo: expect.stringMatching(/^배송 이상: /) });
  });

  it('a retried report with the same idempotency key is recorded once', async () => {
    const { bookingId } = await booked();
    const input = { bookingId, kind: 'PICKED_UP', occurredAt: new Date().toISOString(), position: { lat: 37.3, lng: 126.7 }, idempotencyKey: randomUUID() };
    const [a, b] = [await gql(server.url, REPORT, { input }, { apiKey: key('CARRIER') }), await gql(server.url, REPORT, { input }, { apiKey: key('CARRIER') })];
    expect(a.body.errors).toBeUndefined();
    expect(b.body).toEqual(a.body);
    const events = await gql<{ node: { trackingEvents: unknown[] } }>(server.url, 'query ($id: ID!) { node(id: $id) { ... on Booking { trackingEvents { kind } } } }', { id: bookingId }, { apiKey: key('MANUFACTURER') });
    expect(events.body.data!.node.trackingEvents).toEqual([{ kind: 'PICKED_UP' }]);
  });
});

describe('proof of delivery', () => {
  it('DELIVERED needs an uploaded JPEG or PNG; it completes the booking and frees the vehicle; only shipper, carrier and operator download it', async () => {
    const { bookingId, vehicleId } = await booked();
    await report(bookingId, 'PICKED_UP');
    const withoutProof = await report(bookingId, 'DELIVERED');
    expect(withoutProof.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('input.proofOfDelivery: is required with DELIVERED') });

    const notImage = await upload(bookingId, Buffer.from('%PDF-1.4 not an image at all'));
    expect(notImage.status).toBe(400);
    expect(((await notImage.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/must be a JPEG or PNG image/);
    // A PNG's first bytes are not a PNG: a page behind them is refused too.
    expect((await upload(bookingId, Buffer.concat([PNG.subarray(0, 8), Buffer.from('<html><script>alert(1)</script></html>')]))).status).toBe(400);
    expect((await upload(bookingId, Buffer.concat([PNG, Buffer.alloc(5000)]))).status).toBe(413);
    expect((await upload(bookingId, PNG, key('CARRIER', 'CHANGWON'))).status).toBe(404);
    expect((await upload(bookingId, PNG, key('MANUFACTURER'))).status).toBe(403);
    const uploaded = await upload(bookingId, PNG);
    expect(uploaded.status).toBe(201);
    const image = (await uploaded.json()) as { id: string; mediaType: string; downloadPath: string };
    expect(image.mediaType).toBe('image/png');

    const longAgo = await report(bookingId, 'DELIVERED', { proofOfDelivery: { receiverName: '김수령', receivedAt: '2001-01-01T00:00:00Z', imageId: image.id } });
    expect(longAgo.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'input.proofOfDelivery.receivedAt', rule: expect.stringMatching(/^must not be before the booking/) }] });
    const proof = { receiverName: '김수령', receivedAt: new Date().toISOString(), imageId: image.id };
    const delivered = await report(bookingId, 'DELIVERED', { proofOfDelivery: proof });
    expect(delivered.body.errors).toBeUndefined();
    expect(delivered.body.data!.trackingEventReport.booking).toEqual({
      status: 'COMPLETED',
      shipment: { status: 'DELIVERED' },
      proofOfDelivery: { receiverName: '김수령', image: { mediaType: 'image/png', byteSize: PNG.length, downloadPath: image.downloadPath } },
    });
    expect((await server.db.select().from(vehicleReservations).where(eq(vehicleReservations.vehicleId, vehicleId)).get())!.releasedAt).not.toBeNull();
    expect((await report(bookingId, 'IN_TRANSIT')).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const download = (apiKey?: string) => fetch(`${base()}${image.downloadPath}`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
    for (const role of ['MANUFACTURER', 'CARRIER', 'OPERATOR'] as const) {
      const response = await download(key(role));
      expect(response.status, role).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);
    }
    for (const apiKey of [key('MANUFACTURER', 'CHANGWON'), key('OPERATOR', 'CHANGWON'), key('ADMIN')]) expect((await download(apiKey)).status).toBe(404);
    expect((await download()).status).toBe(401);

    // The image's id is fetched again with node(id:) by those same three, and hidden from the rest as a download is.
    const node = async (apiKey?: string) =>
      (await gql(server.url, 'query ($id: ID!) { node(id: $id) { id ... on PodImage { mediaType downloadPath } } }', { id: image.id }, apiKey ? { apiKey } : {})).body.data;
    for (const role of ['MANUFACTURER', 'CARRIER', 'OPERATOR'] as const) {
      expect(await node(key(role)), role).toEqual({ node: { id: image.id, mediaType: 'image/png', downloadPath: image.downloadPath } });
    }
    for (const apiKey of [key('MANUFACTURER', 'CHANGWON'), key('OPERATOR', 'CHANGWON'), key('ADMIN'), undefined]) expect(await node(apiKey)).toEqual({ node: null });
    // The booking's proof (the receiver's name, the image) goes to the same three: an admin reads the booking, not the proof.
    const proofSeen = async (apiKey: string) =>
      (await gql<{ node: { proofOfDelivery: unknown } }>(server.url, 'query ($id: ID!) { node(id: $id) { ... on Booking { proofOfDelivery { receiverName image { id } } } } }', { id: bookingId }, { apiKey })).body.data!.node.proofOfDelivery;
    for (const role of ['MANUFACTURER', 'CARRIER', 'OPERATOR'] as const) expect(await proofSeen(key(role)), role).toEqual({ receiverName: '김수령', image: { id: image.id } });
    expect(await proofSeen(key('ADMIN'))).toBeNull();
  });

  it('refuses a receipt before the goods were picked up, naming the pickup', async () => {
    const { bookingId } = await booked();
    const pickedUpAt = new Date();
    await report(bookingId, 'PICKED_UP', { occurredAt: pickedUpAt.toISOString() });
    const image = (await (await upload(bookingId, PNG)).json()) as { id: string };
    // Within the clock skew allowed around the booking, yet before the truck loaded the goods.
    const proof = { receiverName: '김수령', receivedAt: new Date(pickedUpAt.getTime() - 2 * 60_000).toISOString(), imageId: image.id };
    const early = await report(bookingId, 'DELIVERED', { proofOfDelivery: proof });
    expect(early.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      issues: [{ field: 'input.proofOfDelivery.receivedAt', rule: `must not be before the goods were picked up (PICKED_UP at ${pickedUpAt.toISOString()})` }],
    });
    const delivered = await report(bookingId, 'DELIVERED', { proofOfDelivery: { ...proof, receivedAt: pickedUpAt.toISOString() } });
    expect(delivered.body.data?.trackingEventReport.booking.status).toBe('COMPLETED');
  });

  it('judges a receipt by the pickup, not by an exception reported before it', async () => {
    const { bookingId } = await booked();
    const start = Date.now();
    // The truck was held up on its way to collect: an EXCEPTION while BOOKED, then the pickup.
    await report(bookingId, 'EXCEPTION', { occurredAt: new Date(start - 3 * 60_000).toISOString(), note: 'stuck on the Seohaean expressway' });
    const pickedUpAt = new Date(start);
    await report(bookingId, 'PICKED_UP', { occurredAt: pickedUpAt.toISOString() });
    const image = (await (await upload(bookingId, PNG)).json()) as { id: string };
    const proof = { receiverName: '김수령', receivedAt: new Date(start - 60_000).toISOString(), imageId: image.id };
    const early = await report(bookingId, 'DELIVERED', { proofOfDelivery: proof });
    expect(early.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      issues: [{ field: 'input.proofOfDelivery.receivedAt', rule: `must not be before the goods were picked up (PICKED_UP at ${pickedUpAt.toISOString()})` }],
    });
  });

  it("refuses a proof-of-delivery image before the goods were picked up, naming the booking's state; takes it once they are", async () => {
    const { bookingId } = await booked();
    const early = await upload(bookingId, PNG);
    expect([early.status, await early.json()]).toEqual([
      409,
      { errors: [{ message: 'Booking is CONFIRMED with its goods not picked up yet (no PICKED_UP reported): a proof of delivery is uploaded once they are loaded', extensions: { code: 'CONFLICT' } }] },
    ]);
    expect(await server.db.select().from(podImages).where(eq(podImages.bookingId, localIdOf(bookingId, 'Booking', 'bookingId'))).all()).toEqual([]);
    await report(bookingId, 'PICKED_UP');
    expect((await upload(bookingId, PNG)).status).toBe(201);
  });

  it('takes an image by its content, whatever content-type it was sent with, and serves it as what it is', async () => {
    const { bookingId } = await booked();
    await report(bookingId, 'PICKED_UP');
    // A phone's JPEG, sent as image/png: SOI, a JFIF APP0 segment, a baseline frame header of 480 x 640.
    const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
    const sof0 = [0xff, 0xc0, 0x00, 0x0b, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x01, 0x01, 0x11, 0x00];
    const jpeg = Buffer.from([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
    const uploaded = await upload(bookingId, jpeg);
    expect(uploaded.status).toBe(201);
    const image = (await uploaded.json()) as { mediaType: string; downloadPath: string };
    expect(image.mediaType).toBe('image/jpeg');
    const served = await fetch(`${base()}${image.downloadPath}`, { headers: { authorization: `Bearer ${key('CARRIER')}` } });
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(jpeg);
  });

  it('stores an image under its id, with no name in its row; one stored under a UUID name before is still served', async () => {
    const { bookingId } = await booked();
    await report(bookingId, 'PICKED_UP');
    const files = () => readdirSync(join(tmp.dir, 'pod'));
    const before = new Set(files());
    const uploaded = await upload(bookingId, PNG);
    expect(uploaded.status).toBe(201);
    const { downloadPath } = (await uploaded.json()) as { downloadPath: string };
    const row = (await server.db.select().from(podImages).orderBy(desc(podImages.id)).limit(1).get())!;
    expect(row.fileName).toBeNull();
    expect(files().filter((f) => !before.has(f))).toEqual([`${row.id}.png`]);
    // A receiver's photo or signature: its owner's only, in a folder of the owner's.
    expect((statSync(join(tmp.dir, 'pod', `${row.id}.png`)).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(join(tmp.dir, 'pod')).mode & 0o777).toString(8)).toBe('700');

    const legacy = `${randomUUID()}.png`;
    renameSync(join(tmp.dir, 'pod', `${row.id}.png`), join(tmp.dir, 'pod', legacy));
    await server.db.update(podImages).set({ fileName: legacy }).where(eq(podImages.id, row.id)).run();
    const response = await fetch(`${base()}${downloadPath}`, { headers: { authorization: `Bearer ${key('CARRIER')}` } });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);

    // Recorded, but its file is not on this disk (lost, or stored by an instance whose POD_STORAGE_DIR is elsewhere).
    rmSync(join(tmp.dir, 'pod', legacy));
    const missing = await fetch(`${base()}${downloadPath}`, { headers: { authorization: `Bearer ${key('CARRIER')}` } });
    expect([missing.status, await missing.json()]).toEqual([404, { errors: [{ message: 'Proof-of-delivery image file not found', extensions: { code: 'NOT_FOUND' } }] }]);
  });
});

describe('proof-of-delivery files of another database', () => {
  it("are kept beside, not overwritten, when a new image gets the id they are named by (a restored backup's ids come again)", async () => {
    const { bookingId } = await booked();
    await report(bookingId, 'PICKED_UP');
    // The database was restored from a backup: the folder still holds the image uploaded after it, under the id the next upload gets.
    const last = await server.db.select({ id: podImages.id }).from(podImages).orderBy(desc(podImages.id)).limit(1).get();
    const next = `${(last?.id ?? 0) + 1}.png`;
    const evidence = Buffer.concat([PNG, Buffer.from('a delivery signed for after the backup')]);
    mkdirSync(join(tmp.dir, 'pod'), { recursive: true, mode: 0o700 });
    writeFileSync(join(tmp.dir, 'pod', next), evidence);
    const uploaded = await upload(bookingId, PNG);
    expect(uploaded.status).toBe(201);
    expect(readFileSync(join(tmp.dir, 'pod', next))).toEqual(PNG);
    const aside = readdirSync(join(tmp.dir, 'pod')).filter((f) => f.startsWith(`${next}.displaced-`));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(tmp.dir, 'pod', aside[0]!))).toEqual(evidence);
  });
});

// Root passes the start's check that the folder can be written, and /proc takes no folder of ours.
describe.runIf(process.getuid?.() === 0)('a POD_STORAGE_DIR where no folder can be made', () => {
  it('fails the upload and leaves the service answering (Node\'s recursive mkdir looped for ever there)', async () => {
    const other = await startTestServer({ dbPath: join(tmp.dir, 'pod-in-proc.db'), env: { POD_STORAGE_DIR: `/proc/sandan-${randomUUID()}/pod` } });
    try {
      const { bookingId } = await booked(other);
      const pickedUp = { bookingId, kind: 'PICKED_UP', occurredAt: new Date().toISOString(), position: { lat: 36.5, lng: 127.5 }, idempotencyKey: randomUUID() };
      expect((await gql(other.url, REPORT, { input: pickedUp }, { apiKey: other.keyOf('CARRIER').apiKey })).body.errors).toBeUndefined();
      const uploaded = await upload(bookingId, PNG, other.keyOf('CARRIER').apiKey, other);
      expect(uploaded.status).toBe(500);
      expect((await gql<{ __typename: string }>(other.url, '{ __typename }')).body.data).toEqual({ __typename: 'Query' });
      expect(await other.db.select().from(podImages).where(eq(podImages.bookingId, localIdOf(bookingId, 'Booking', 'bookingId'))).all()).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});

describe('live updates', () => {
  it('shipmentUpdated reaches only the shipper of the request', async () => {
    const { bookingId, requestId } = await booked();
    await report(bookingId, 'PICKED_UP');
    const query = 'subscription ($id: ID) { shipmentUpdated(shipmentRequestId: $id) { shipmentRequestId status trackingEvent { kind } } }';
    const mine = wsClient(server.wsUrl, { apiKey: key('MANUFACTURER') });
    const others = wsClient(server.wsUrl, { apiKey: key('MANUFACTURER', 'CHANGWON') });
    try {
      const received: unknown[] = [];
      others.subscribe({ query, variables: {} }, { next: (v) => void received.push(v), error: () => {}, complete: () => {} });
      const [update] = await keepTriggering(firstResults(mine, { query, variables: { id: toGlobalId('ShipmentRequest', requestId) } }), () => report(bookingId, 'IN_TRANSIT'));
      expect(update!.data).toEqual({ shipmentUpdated: { shipmentRequestId: toGlobalId('ShipmentRequest', requestId), status: 'IN_TRANSIT', trackingEvent: { kind: 'IN_TRANSIT' } } });
      expect(received).toEqual([]);
      const foreign = await firstResults(others, { query, variables: { id: toGlobalId('ShipmentRequest', requestId) } });
      expect(foreign[0]!.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    } finally {
      await Promise.all([mine.dispose(), others.dispose()]);
    }
  });

  it('shipmentUpdated tells the shipper its request was offered by a round, and that it expired unserved', async () => {
    await vehicle(ctxAs(server.db, server.keyOf('CARRIER')));
    const request = await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
    const id = toGlobalId('ShipmentRequest', request.id);
    const query = 'subscription ($id: ID) { shipmentUpdated(shipmentRequestId: $id) { shipmentRequestId status } }';
    const mine = wsClient(server.wsUrl, { apiKey: key('MANUFACTURER') });
    try {
      const run = () => gql(server.url, 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }', {}, { apiKey: key('OPERATOR') });
      // Each change is told once: the subscription is held by the server before it happens.
      const told = async (change: () => Promise<unknown>) => {
        const subscribed = subscribedTo(server.pubsub, 'shipmentUpdated');
        const update = firstResults(mine, { query, variables: { id } });
        await subscribed;
        await change();
        return (await update)[0]!.data;
      };
      expect(await told(run)).toEqual({ shipmentUpdated: { shipmentRequestId: id, status: 'OFFERED' } });
      // Its pickup window passes with the offer unanswered: the next round (or read) expires it, and the shipper hears so.
      const past = Date.now() - 60_000;
      const passAndRun = async () => {
        await server.db.update(shipmentRequests).set({ pickupFrom: new Date(past - 3_600_000), pickupUntil: new Date(past) }).where(eq(shipmentRequests.id, request.id)).run();
        return run();
      };
      expect(await told(passAndRun)).toEqual({ shipmentUpdated: { shipmentRequestId: id, status: 'EXPIRED' } });
    } finally {
      await mine.dispose();
    }
  });

  it("shipmentUpdated tells the shipper its request is back on the market when the carrier declines the round's offer", async () => {
    await vehicle(ctxAs(server.db, server.keyOf('CARRIER')));
    const request = await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
    const id = toGlobalId('ShipmentRequest', request.id);
    const run = await gql(server.url, 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }', {}, { apiKey: key('OPERATOR') });
    expect(run.body.errors).toBeUndefined();
    const offered = await gql<{ offers: { edges: { node: { id: string } }[] } }>(server.url, 'query ($id: ID!) { offers(first: 10, filter: { requestId: $id, status: PENDING }) { edges { node { id } } } }', { id }, { apiKey: key('CARRIER') });
    const [offer] = offered.body.data!.offers.edges.map((e) => e.node.id);
    expect(offer).toBeDefined();
    const mine = wsClient(server.wsUrl, { apiKey: key('MANUFACTURER') });
    try {
      const subscribed = subscribedTo(server.pubsub, 'shipmentUpdated');
      const update = firstResults(mine, { query: 'subscription ($id: ID) { shipmentUpdated(shipmentRequestId: $id) { shipmentRequestId status } }', variables: { id } });
      await subscribed;
      const declined = await gql(server.url, 'mutation ($id: ID!) { offerDecline(input: { offerId: $id, reason: "no driver" }) { offer { status } } }', { id: offer }, { apiKey: key('CARRIER') });
      expect(declined.body.errors).toBeUndefined();
      expect((await update)[0]!.data).toEqual({ shipmentUpdated: { shipmentRequestId: id, status: 'OPEN' } });
    } finally {
      await mine.dispose();
    }
  });

  it('offerReceived reaches only the carrier the round made the offer to', async () => {
    const query = 'subscription { offerReceived { kind status vehicleId } }';
    const carrier = wsClient(server.wsUrl, { apiKey: key('CARRIER') });
    const stranger = wsClient(server.wsUrl, { apiKey: key('CARRIER', 'CHANGWON') });
    const shipper = wsClient(server.wsUrl, { apiKey: key('MANUFACTURER') });
    try {
      const received: unknown[] = [];
      stranger.subscribe({ query }, { next: (v) => void received.push(v), error: () => {}, complete: () => {} });
      const shipperTries = await firstResults(shipper, { query });
      expect(shipperTries[0]!.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const v = await vehicle(ctxAs(server.db, server.keyOf('CARRIER')));
      const [offer] = await keepTriggering(firstResults<{ offerReceived: { kind: string; status: string; vehicleId: string } }>(carrier, { query }), async () => {
        await shipment(ctxAs(server.db, server.keyOf('MANUFACTURER')));
        return gql(server.url, 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }', {}, { apiKey: key('OPERATOR') });
      });
      expect(offer!.data!.offerReceived).toMatchObject({ status: 'PENDING' });
      expect(offer!.data!.offerReceived.vehicleId).toBeTruthy();
      expect(v.id).toBeGreaterThan(0);
      expect(received).toEqual([]);
    } finally {
      await Promise.all([carrier.dispose(), stranger.dispose(), shipper.dispose()]);
    }
  });
});
