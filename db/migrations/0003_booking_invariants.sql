-- Booking invariants the database enforces whatever the code does (DESIGN.md section 5). Each trigger
-- aborts the statement, and so the writer's transaction, with a fixed message the code maps to CONFLICT.

-- A vehicle never holds overlapping bookings beyond its payload or pallet slots: the load on the vehicle
-- peaks at the start of some reservation, so checking the new one's start and every held start inside
-- its span covers every instant.
CREATE TRIGGER `vehicle_reservations_capacity` BEFORE INSERT ON `vehicle_reservations`
WHEN NEW.released_at IS NULL
BEGIN
  SELECT RAISE(ABORT, 'vehicle_over_capacity')
  FROM vehicles v
  WHERE v.id = NEW.vehicle_id AND EXISTS (
    SELECT 1 FROM (
      SELECT NEW.starts_at AS t
      UNION
      SELECT r.starts_at FROM vehicle_reservations r
      WHERE r.vehicle_id = NEW.vehicle_id AND r.released_at IS NULL AND r.starts_at > NEW.starts_at AND r.starts_at < NEW.ends_at
    ) AS p
    WHERE NEW.weight_kg + (SELECT coalesce(sum(h.weight_kg), 0) FROM vehicle_reservations h
                           WHERE h.vehicle_id = NEW.vehicle_id AND h.released_at IS NULL AND h.starts_at <= p.t AND h.ends_at > p.t) > v.payload_kg
       OR NEW.pallets + (SELECT coalesce(sum(h.pallets), 0) FROM vehicle_reservations h
                         WHERE h.vehicle_id = NEW.vehicle_id AND h.released_at IS NULL AND h.starts_at <= p.t AND h.ends_at > p.t) > v.pallet_slots
  );
END;
--> statement-breakpoint
-- Reservations are only ever released, once: a change of span or size would bypass the check above.
CREATE TRIGGER `vehicle_reservations_release_only` BEFORE UPDATE ON `vehicle_reservations`
WHEN NEW.vehicle_id IS NOT OLD.vehicle_id OR NEW.starts_at IS NOT OLD.starts_at OR NEW.ends_at IS NOT OLD.ends_at
  OR NEW.weight_kg IS NOT OLD.weight_kg OR NEW.pallets IS NOT OLD.pallets OR NEW.booking_id IS NOT OLD.booking_id
  OR (OLD.released_at IS NOT NULL AND NEW.released_at IS NOT OLD.released_at)
BEGIN
  SELECT RAISE(ABORT, 'reservation_is_release_only');
END;
--> statement-breakpoint
-- A warehouse never has more pallets reserved on a day than it listed idle that day.
CREATE TRIGGER `listing_reservations_capacity` BEFORE INSERT ON `listing_reservations`
WHEN NEW.released_at IS NULL
BEGIN
  SELECT RAISE(ABORT, 'listing_over_capacity')
  WHERE NEW.pallets + (SELECT coalesce(sum(h.pallets), 0) FROM listing_reservations h
                       WHERE h.listing_id = NEW.listing_id AND h.day = NEW.day AND h.released_at IS NULL)
      > (SELECT coalesce(max(a.idle_pallets), 0) FROM listing_availability a
         WHERE a.listing_id = NEW.listing_id AND a.from_day <= NEW.day AND a.to_day >= NEW.day);
END;
--> statement-breakpoint
CREATE TRIGGER `listing_reservations_release_only` BEFORE UPDATE ON `listing_reservations`
WHEN NEW.listing_id IS NOT OLD.listing_id OR NEW.day IS NOT OLD.day OR NEW.pallets IS NOT OLD.pallets OR NEW.booking_id IS NOT OLD.booking_id
  OR (OLD.released_at IS NOT NULL AND NEW.released_at IS NOT OLD.released_at)
BEGIN
  SELECT RAISE(ABORT, 'reservation_is_release_only');
END;
--> statement-breakpoint
-- A request's storage is booked at most once: its held storage bookings never exceed the pallets it asked to store.
CREATE TRIGGER `bookings_storage_within_need` BEFORE INSERT ON `bookings`
WHEN NEW.kind = 'STORAGE'
BEGIN
  SELECT RAISE(ABORT, 'request_already_booked')
  WHERE NEW.pallets + (SELECT coalesce(sum(b.pallets), 0) FROM bookings b
                       WHERE b.request_id = NEW.request_id AND b.kind = 'STORAGE' AND b.status IN ('CONFIRMED', 'COMPLETED'))
      > (SELECT coalesce(r.storage_pallets, 0) FROM shipment_requests r WHERE r.id = NEW.request_id);
END;
--> statement-breakpoint
-- An ended booking stays ended: its reservations were released and a revived booking would hold nothing.
CREATE TRIGGER `bookings_ended_stay_ended` BEFORE UPDATE OF `status` ON `bookings`
WHEN OLD.status IN ('CANCELLED', 'RETURNED') AND NEW.status IS NOT OLD.status
BEGIN
  SELECT RAISE(ABORT, 'booking_already_ended');
END;
--> statement-breakpoint
-- DELIVERED needs its proof of delivery, written earlier in the same transaction.
CREATE TRIGGER `tracking_events_delivered_needs_proof` BEFORE INSERT ON `tracking_events`
WHEN NEW.kind = 'DELIVERED' AND NOT EXISTS (SELECT 1 FROM proofs_of_delivery p WHERE p.booking_id = NEW.booking_id)
BEGIN
  SELECT RAISE(ABORT, 'proof_of_delivery_required');
END;
