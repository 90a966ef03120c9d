/**
 * Loads at one building (지식산업센터: dozens of firms, one loading dock) whose shippers' coordinates differ by a few
 * metres (geocoders, map pins and GPS disagree) are one stop: one extra-stop fee and one place towards
 * MATCHING_MAX_STOPS, as when they send identical coordinates; each stop still shows its own request's coordinates.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threeShippers } from '../helpers/bookings-fixtures';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const DOCK = { lat: 37.325, lng: 126.75 };
const SUWON = { lat: 37.2636, lng: 127.0286 };
/** About 3 m north, east and north-east of the dock (0.00003° of latitude ≈ 3.3 m, of longitude here ≈ 2.7 m). */
const NEAR_DOCK = [DOCK, { lat: DOCK.lat + 0.00003, lng: DOCK.lng }, { lat: DOCK.lat + 0.00002, lng: DOCK.lng + 0.00003 }];
const NEAR_SUWON = [SUWON, { lat: SUWON.lat, lng: SUWON.lng - 0.00003 }, { lat: SUWON.lat - 0.00002, lng: SUWON.lng + 0.00002 }];

const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id report { routes pooledRoutes } } } }';
const ROUTES = `query ($round: ID) { routes(first: 20, filter: { roundId: $round }) { edges { node { id priceKrw sharedBy
  shares { requestId priceKrw breakdown { stopsKrw } }
  stops { action requestId location { lat lng } } } } } }`;

interface Route {
  id: string;
  priceKrw: number;
  sharedBy: number;
  shares: { requestId: string; priceKrw: number; breakdown: { stopsKrw: number } }[];
  stops: { action: string; requestId: string; location: { lat: number; lng: number } }[];
}

/** A Banwol-Sihwa service with one carrier's trucks and three shippers, as the tests below use it. */
function market(env: Record<string, string>, trucks: number) {
  const tmp = tempDir();
  const keys = {} as Record<'a' | 'b' | 'c' | 'carrier' | 'operator', string>;
  let server: TestServer;
  const as = async <T,>(key: string, query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server.url, query, variables, { apiKey: key })).body;

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'same-place.db'), env });
    Object.assign(keys, { ...(await threeShippers(server)), carrier: server.keyOf('CARRIER').apiKey, operator: server.keyOf('OPERATOR').apiKey });
    for (let t = 0; t < trucks; t++) {
      const registered = await as(keys.carrier, 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
        input: { plateNumber: `경기1${t}바3456`, tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: at(HOUR), endsAt: at(72 * HOUR) }], idempotencyKey: randomUUID() },
      });
      expect(registered.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  /** Each shipper posts a small load from `origins[i]` to `destinations[i]`; returns the round's routes and their request ids. */
  const roundOf = async (origins: typeof NEAR_DOCK, destinations: typeof NEAR_SUWON) => {
    const ids: string[] = [];
    for (const [i, shipper] of (['a', 'b', 'c'] as const).entries()) {
      const posted = await as<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>(keys[shipper], 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', {
        input: {
          idempotencyKey: randomUUID(), origin: origins[i], destination: destinations[i], weightKg: 600, pallets: 1, cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
          pickupWindow: { from: at(20 * HOUR), until: at(26 * HOUR) }, deliverBy: at(48 * HOUR),
        },
      });
      expect(posted.errors).toBeUndefined();
      ids.push(posted.data!.shipmentRequestCreate.shipmentRequest.id);
    }
    const run = await as<{ matchingRunStart: { round: { id: string } } }>(keys.operator, RUN);
    expect(run.errors).toBeUndefined();
    const listed = await as<{ routes: { edges: { node: Route }[] } }>(keys.carrier, ROUTES, { round: run.data!.matchingRunStart.round.id });
    return { ids, routes: listed.data!.routes.edges.map((e) => e.node) };
  };
  /** Cancels the shippers' requests (withdrawing their routes), freeing the trucks for the next round. */
  const cancel = async (ids: string[]) => {
    for (const [i, shipper] of (['a', 'b', 'c'] as const).entries()) {
      const cancelled = await as(keys[shipper], 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "test" }) { shipmentRequest { status } } }', { id: ids[i] });
      expect(cancelled.errors).toBeUndefined();
    }
  };
  return { roundOf, cancel };
}

const stopFees = (route: Route) => route.shares.map((s) => s.breakdown.stopsKrw).sort();

describe('loads at one building entered a few metres apart', () => {
  const { roundOf, cancel } = market({}, 1);

  it('share one pooled route whose stop fees are those of identical coordinates, each stop at its own request’s coordinates', async () => {
    const same = await roundOf([DOCK, DOCK, DOCK], [SUWON, SUWON, SUWON]);
    expect(same.routes).toHaveLength(1);
    expect(same.routes[0]!.sharedBy).toBe(3);
    await cancel(same.ids);

    const near = await roundOf(NEAR_DOCK, NEAR_SUWON);
    expect(near.routes).toHaveLength(1);
    const [route] = near.routes;
    expect(route!.sharedBy).toBe(3);
    expect(stopFees(route!)).toEqual(stopFees(same.routes[0]!));
    // A few metres more or less driven: a few won at most.
    expect(Math.abs(route!.priceKrw - same.routes[0]!.priceKrw)).toBeLessThan(100);
    // The carrier still sees where each shipper said its goods are.
    near.ids.forEach((id, i) => {
      expect(route!.stops.find((s) => s.requestId === id && s.action === 'PICKUP')!.location).toEqual(NEAR_DOCK[i]);
      expect(route!.stops.find((s) => s.requestId === id && s.action === 'DROP')!.location).toEqual(NEAR_SUWON[i]);
    });
  });
});

describe('at MATCHING_MAX_STOPS=2, loads at one building entered a few metres apart', () => {
  const { roundOf } = market({ MATCHING_MAX_STOPS: '2' }, 3);

  it('ride one route (one pickup place, one drop place), not one truck each', async () => {
    const near = await roundOf(NEAR_DOCK, NEAR_SUWON);
    expect(near.routes.map((r) => r.sharedBy)).toEqual([3]);
    expect(near.routes[0]!.stops).toHaveLength(6);
    expect(stopFees(near.routes[0]!)).toEqual([0, 0, 0]);
  });
});
