/**
 * What the booked routes of a simulated complex carried: requests per trip and the load factor, pallets and kg
 * on board over capacity, weighted by the km between stops (the drive to the first pickup is not in a route).
 */
import type { Db } from '../../db/client';
import { haversineKm } from '../geo/distance';

export interface BookedRoutes {
  trips: number;
  requestsPerTrip: number;
  loadFactorPct: number;
  loadFactorKgPct: number;
}

interface StopRow {
  routeId: number;
  lat: number;
  lng: number;
  kgAfter: number;
  palletsAfter: number;
  payloadKg: number;
  palletSlots: number;
}

/** Reads every route of `complexCode` with at least one booked share. */
export function bookedRoutes(db: Db, complexCode: string, detourFactor: number): BookedRoutes {
  const stops = db.$client
    .prepare(
      `select s.route_id as routeId, s.lat, s.lng, s.kg_after as kgAfter, s.pallets_after as palletsAfter, v.payload_kg as payloadKg, v.pallet_slots as palletSlots
       from route_stops s join routes r on r.id = s.route_id join vehicles v on v.id = r.vehicle_id join complexes c on c.id = r.complex_id
       where c.code = ? and exists (select 1 from bookings b where b.route_id = r.id and b.status in ('CONFIRMED', 'COMPLETED'))
       order by s.route_id, s.seq`,
    )
    .all(complexCode) as StopRow[];
  const requests = db.$client
    .prepare(
      `select count(*) as n from bookings b join routes r on r.id = b.route_id join complexes c on c.id = r.complex_id
       where c.code = ? and b.kind = 'TRANSPORT' and b.status in ('CONFIRMED', 'COMPLETED')`,
    )
    .get(complexCode) as { n: number };
  let trips = 0;
  let palletKm = 0;
  let slotKm = 0;
  let kgKm = 0;
  let payloadKm = 0;
  stops.forEach((stop, k) => {
    const previous = stops[k - 1];
    if (!previous || previous.routeId !== stop.routeId) return void trips++;
    const km = haversineKm(previous, stop) * detourFactor;
    palletKm += previous.palletsAfter * km;
    kgKm += previous.kgAfter * km;
    slotKm += stop.palletSlots * km;
    payloadKm += stop.payloadKg * km;
  });
  const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);
  return { trips, requestsPerTrip: trips > 0 ? Math.round((requests.n / trips) * 100) / 100 : 0, loadFactorPct: pct(palletKm, slotKm), loadFactorKgPct: pct(kgKm, payloadKm) };
}
