DROP INDEX `requests_shipper`;--> statement-breakpoint
CREATE INDEX `requests_complex_created` ON `shipment_requests` (`complex_id`,`created_at`);--> statement-breakpoint
DROP INDEX `vehicle_availability_vehicle`;--> statement-breakpoint
CREATE INDEX `vehicle_availability_vehicle` ON `vehicle_availability` (`vehicle_id`,`ends_at`);--> statement-breakpoint
CREATE INDEX `listing_availability_ends` ON `listing_availability` (`to_day`);--> statement-breakpoint
CREATE INDEX `offers_pending_expiry` ON `offers` (`complex_id`,`expires_at`) WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX `vehicle_reservations_held_until` ON `vehicle_reservations` (`vehicle_id`,`ends_at`) WHERE released_at is null;--> statement-breakpoint
-- As in 0003, but the load at each instant is summed over the reservations still running then (ends_at > t,
-- index vehicle_reservations_held_until): `+starts_at` keeps the planner off the starts_at index, which would
-- walk every reservation the vehicle ever held, and a booking would cost more with each year of history.
DROP TRIGGER `vehicle_reservations_capacity`;
--> statement-breakpoint
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
                           WHERE h.vehicle_id = NEW.vehicle_id AND h.released_at IS NULL AND +h.starts_at <= p.t AND h.ends_at > p.t) > v.payload_kg
       OR NEW.pallets + (SELECT coalesce(sum(h.pallets), 0) FROM vehicle_reservations h
                         WHERE h.vehicle_id = NEW.vehicle_id AND h.released_at IS NULL AND +h.starts_at <= p.t AND h.ends_at > p.t) > v.pallet_slots
  );
END;
