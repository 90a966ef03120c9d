import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { haversineKm } from '../../src/geo/distance';
import { toGlobalId } from '../../src/global-id';
import { ctxAs, HOUR, shipment, vehicle } from '../helpers/bookings-fixtures';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }';
const OFFERS = 'query ($id: ID!) { offers(filter: { requestId: $id, status: PENDING }) { edges { node { id vehicleId deadheadKm pickupAt deliverAt } } } }';
const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { offer { status } } }';
const SUWON = { lat: 37.2636, lng: 127.0286 };

type Offers = { offers: { edges: { node: { id: string; vehicleId: string; deadheadKm: number; pickupAt: string; deliverAt: string } }[] } };

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'chaining.db') });
});
afterAll(async () => {
  await server.stop();
  tmp.remove();
});

it('plans a booked vehicle from where its booking leaves it, after that booking', async () => {
  const operator = server.keyOf('OPERATOR').apiKey;
  const carrier = server.keyOf('CARRIER').apiKey;
  const shipper = ctxAs(server.db, server.keyOf('MANUFACTURER'));
  const truck = await vehicle(ctxAs(server.db, server.keyOf('CARRIER')));
  const now = Date.now();
  const toSuwon = await shipment(shipper, { destination: SUWON });
  await gql(server.url, RUN, {}, { apiKey: operator });
  const first = (await gql<Offers>(server.url, OFFERS, { id: toGlobalId('ShipmentRequest', toSuwon.id) }, { apiKey: carrier })).body.data!.offers.edges[0]!.node;
  expect((await gql(server.url, ACCEPT, { id: first.id, key: randomUUID() }, { apiKey: carrier })).body.errors).toBeUndefined();

  // A return load picked up next to that drop, later the same day: the truck is still in Banwol-Sihwa.
  const backOrigin = { lat: 37.27, lng: 127.02 };
  const back = await shipment(shipper, {
    origin: backOrigin,
    destination: { lat: 37.325, lng: 126.75 },
    pickupWindow: { from: new Date(now + 8 * HOUR), until: new Date(now + 12 * HOUR) },
    deliverBy: new Date(now + 30 * HOUR),
  });
  await gql(server.url, RUN, {}, { apiKey: operator });
  const [offer] = (await gql<Offers>(server.url, OFFERS, { id: toGlobalId('ShipmentRequest', back.id) }, { apiKey: carrier })).body.data!.offers.edges.map((e) => e.node);
  expect(offer?.vehicleId).toBe(toGlobalId('Vehicle', truck.id));
  expect(Date.parse(offer!.pickupAt)).toBeGreaterThanOrEqual(Date.parse(first.deliverAt));
  expect(offer!.deadheadKm).toBeCloseTo(haversineKm(SUWON, backOrigin) * 1.3, 1);
});
