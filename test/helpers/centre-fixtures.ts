import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { complexes, logisticsCentres } from '../../db/schema';
import { kstDayOf, kstTimeOn } from '../../src/matching/engine/days';
import { gql } from './clients';
import type { TestServer } from './server';

/** What the centre-legs tests ask: a round, its routes, a route accepted, a tracking report. */
export const RUN = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id report { routes centreRequests } } } }';
export const ROUTES = `query ($round: ID) { routes(first: 50, filter: { roundId: $round }) { edges { node {
  id status vehicleId shares { requestId priceKrw status } stops { action requestId location { lat lng } startAt departAt } } } } }`;
export const ACCEPT = `mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) {
  route { status } bookings { id shipmentRequestId centreLeg } } }`;
export const REPORT = `mutation ($input: TrackingEventReportInput!) { trackingEventReport(input: $input) { booking { status shipment { status } } } }`;

export interface Stop {
  action: string;
  requestId: string;
  location: { lat: number; lng: number };
  startAt: string;
  departAt: string;
}
export interface Route {
  id: string;
  status: string;
  vehicleId: string;
  shares: { requestId: string; priceKrw: number; status: string }[];
  stops: Stop[];
}

type Place = { lat: number; lng: number };

/**
 * Loads that pay to go through Banwol-Sihwa's logistics centre: six picked up 4 km around it in one half hour of
 * tomorrow morning (Seoul, within its opening hours), going ~100 km the same way; a big truck at the centre whose
 * carrier charges little per stop (each load taken at one dock is a stop on its rate card), a small one beside each
 * load. Returns the place and day, the six requests' ids, and how to post and register more.
 */
export async function centreMarket(server: TestServer) {
  const as = async <T,>(role: 'MANUFACTURER' | 'CARRIER', query: string, variables: Record<string, unknown>) => (await gql<T>(server.url, query, variables, { apiKey: server.keyOf(role).apiKey })).body;
  const complex = (await server.db.select().from(complexes).where(eq(complexes.code, 'BANWOL_SIHWA')).get())!;
  const centreRow = (await server.db.select().from(logisticsCentres).where(eq(logisticsCentres.complexId, complex.id)).get())!;
  const centre = { lat: centreRow.lat, lng: centreRow.lng };
  const day = kstDayOf(Date.now()) + 1;
  /** `km` from the centre at `angle` (radians from north). */
  const offset = (km: number, angle: number): Place => ({ lat: centre.lat + (km * Math.cos(angle)) / 111.32, lng: centre.lng + (km * Math.sin(angle)) / (111.32 * Math.cos((centre.lat * Math.PI) / 180)) });
  /** A truck of the demo carrier at `location`, free from a minute from now to 23:00 of `day`; its id. */
  const register = async (location: Place, tonnageClass: string, rates: Record<string, unknown> = {}) => {
    const registered = await as<{ vehicleRegister: { vehicle: { id: string } } }>('CARRIER', 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }', {
      input: { ...rates, plateNumber: `경기${10 + Math.floor(Math.random() * 80)}바${1000 + Math.floor(Math.random() * 8999)}`, tonnageClass, bodyType: 'CARGO', location, availability: [{ startsAt: new Date(Date.now() + 60_000).toISOString(), endsAt: new Date(kstTimeOn(day, '23:00')).toISOString() }], idempotencyKey: randomUUID() },
    });
    expect(registered.errors).toBeUndefined();
    return registered.data!.vehicleRegister.vehicle.id;
  };
  /** A 2-pallet general load picked up between `from` and `until` of `day`, due at 20:00; its id. */
  const post = async (origin: Place, destination: Place, from: string, until: string) => {
    const created = await as<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>('MANUFACTURER', 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', {
      input: {
        idempotencyKey: randomUUID(), origin, destination, weightKg: 800, pallets: 2, cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
        pickupWindow: { from: new Date(kstTimeOn(day, from)).toISOString(), until: new Date(kstTimeOn(day, until)).toISOString() }, deliverBy: new Date(kstTimeOn(day, '20:00')).toISOString(),
      },
    });
    expect(created.errors).toBeUndefined();
    return created.data!.shipmentRequestCreate.shipmentRequest.id;
  };
  await register(centre, 'T11', { rateCard: { perStopFeeKrw: 3_000 } });
  const requestIds: string[] = [];
  for (let i = 0; i < 6; i++) {
    requestIds.push(await post(offset(4, (i * Math.PI) / 3), offset(100 + i, 2.4 + i * 0.01), '09:00', '09:30'));
    await register(offset(4.5, (i * Math.PI) / 3), 'T1');
  }
  return { centre, centreRow, day, offset, register, post, requestIds };
}
