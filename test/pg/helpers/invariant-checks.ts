import type pg from 'pg';
import { BOOKING_STATUS_CODES, OFFER_KIND_CODES, ROUND_STATUS_CODES, TRACKING_EVENT_KIND_CODES } from '../../../db/schema';

const { CONFIRMED, COMPLETED } = BOOKING_STATUS_CODES;
const { STORAGE } = OFFER_KIND_CODES;

/**
 * Each invariant of DESIGN.md section 5 as a query for the rows that break it: every query returns no row on a sound
 * database, whatever the code that wrote it.
 */
export const INVARIANT_CHECKS: Record<string, string> = {
  // The load on a vehicle peaks at the start of some held reservation.
  vehicleWithinCapacity: `
    select r.vehicle_id, r.starts_at, sum(h.weight_kg) as kg, sum(h.pallets) as pallets
    from vehicle_reservations r
    join vehicles v on v.id = r.vehicle_id
    join vehicle_reservations h on h.vehicle_id = r.vehicle_id and h.released_at is null and h.starts_at <= r.starts_at and h.ends_at > r.starts_at
    where r.released_at is null
    group by r.id, v.payload_kg, v.pallet_slots
    having sum(h.weight_kg) > v.payload_kg or sum(h.pallets) > v.pallet_slots`,
  listingWithinIdlePallets: `
    select h.listing_id, h.day, sum(h.pallets) as held
    from listing_reservations h
    where h.released_at is null
    group by h.listing_id, h.day
    having sum(h.pallets) > (select coalesce(max(a.idle_pallets), 0) from listing_availability a
                             where a.listing_id = h.listing_id and a.from_day <= h.day and a.to_day >= h.day)`,
  transportBookedOnce: `
    select request_id, centre_leg, count(*) from bookings
    where kind <> ${STORAGE} and status in (${CONFIRMED}, ${COMPLETED})
    group by request_id, centre_leg having count(*) > 1`,
  storageWithinNeed: `
    select b.request_id, sum(b.pallets) as held from bookings b join shipment_requests r on r.id = b.request_id
    where b.kind = ${STORAGE} and b.status in (${CONFIRMED}, ${COMPLETED})
    group by b.request_id, r.storage_pallets having sum(b.pallets) > coalesce(r.storage_pallets, 0)`,
  oneRunningRoundPerComplex: `
    select complex_id, count(*) from matching_rounds where status = ${ROUND_STATUS_CODES.RUNNING} group by complex_id having count(*) > 1`,
  idempotencyKeyOnce: `
    select organisation_id, key, count(*) from idempotency_keys group by organisation_id, key having count(*) > 1`,
  collectedAndDeliveredOnce: `
    select booking_id, kind, count(*) from tracking_events where kind in (${TRACKING_EVENT_KIND_CODES.PICKED_UP}, ${TRACKING_EVENT_KIND_CODES.DELIVERED})
    group by booking_id, kind having count(*) > 1`,
  deliveredWithProof: `
    select e.booking_id from tracking_events e
    where e.kind = ${TRACKING_EVENT_KIND_CODES.DELIVERED} and not exists (select 1 from proofs_of_delivery p where p.booking_id = e.booking_id)`,
};

/** The invariants broken, each with its offending rows (empty: all hold). */
export async function brokenInvariants(pool: pg.Pool): Promise<Record<string, unknown[]>> {
  const broken: Record<string, unknown[]> = {};
  for (const [name, query] of Object.entries(INVARIANT_CHECKS)) {
    const { rows } = await pool.query(query);
    if (rows.length > 0) broken[name] = rows;
  }
  return broken;
}
