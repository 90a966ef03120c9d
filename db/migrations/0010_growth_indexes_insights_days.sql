CREATE TABLE `insights_days` (
	`complex_id` integer NOT NULL,
	`day` text NOT NULL,
	`posted` integer NOT NULL,
	`served` integer NOT NULL,
	`expired` integer NOT NULL,
	`cancelled` integer NOT NULL,
	`consolidated` integer NOT NULL,
	`cost_krw` integer NOT NULL,
	`baseline_cost_krw` integer NOT NULL,
	`deadhead_km` real NOT NULL,
	`loaded_km` real NOT NULL,
	`baseline_deadhead_km` real NOT NULL,
	`baseline_loaded_km` real NOT NULL,
	`co2_kg` real NOT NULL,
	`baseline_co2_kg` real NOT NULL,
	`idle_pallet_days` real NOT NULL,
	`booked_pallet_days` integer NOT NULL,
	`booking_ms` text NOT NULL,
	PRIMARY KEY(`complex_id`, `day`),
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
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
--> statement-breakpoint
-- A day's roll-up goes whenever something it summed changes, whichever code path changes it; the next read
-- or the roll-up scheduler writes it again. Days are Asia/Seoul (UTC+9, no daylight saving time).
CREATE TRIGGER `insights_days_request_posted` AFTER INSERT ON `shipment_requests`
BEGIN
  DELETE FROM insights_days WHERE complex_id = NEW.complex_id AND day = date(NEW.created_at / 1000, 'unixepoch', '+9 hours');
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_request_changed` AFTER UPDATE ON `shipment_requests`
BEGIN
  DELETE FROM insights_days WHERE complex_id = OLD.complex_id AND day = date(OLD.created_at / 1000, 'unixepoch', '+9 hours');
  DELETE FROM insights_days WHERE complex_id = NEW.complex_id AND day = date(NEW.created_at / 1000, 'unixepoch', '+9 hours');
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_booking_made` AFTER INSERT ON `bookings`
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT r.complex_id, date(r.created_at / 1000, 'unixepoch', '+9 hours') FROM shipment_requests r WHERE r.id = NEW.request_id);
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_booking_changed` AFTER UPDATE ON `bookings`
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT r.complex_id, date(r.created_at / 1000, 'unixepoch', '+9 hours') FROM shipment_requests r WHERE r.id IN (OLD.request_id, NEW.request_id));
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_reservation_made` AFTER INSERT ON `listing_reservations`
BEGIN
  DELETE FROM insights_days WHERE day = NEW.day AND complex_id = (SELECT complex_id FROM warehouse_listings WHERE id = NEW.listing_id);
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_reservation_released` AFTER UPDATE ON `listing_reservations`
BEGIN
  DELETE FROM insights_days WHERE day = OLD.day AND complex_id = (SELECT complex_id FROM warehouse_listings WHERE id = OLD.listing_id);
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_availability_added` AFTER INSERT ON `listing_availability`
BEGIN
  DELETE FROM insights_days WHERE day BETWEEN NEW.from_day AND NEW.to_day AND complex_id = (SELECT complex_id FROM warehouse_listings WHERE id = NEW.listing_id);
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_availability_changed` AFTER UPDATE ON `listing_availability`
BEGIN
  DELETE FROM insights_days WHERE day BETWEEN OLD.from_day AND OLD.to_day AND complex_id = (SELECT complex_id FROM warehouse_listings WHERE id = OLD.listing_id);
  DELETE FROM insights_days WHERE day BETWEEN NEW.from_day AND NEW.to_day AND complex_id = (SELECT complex_id FROM warehouse_listings WHERE id = NEW.listing_id);
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_availability_removed` AFTER DELETE ON `listing_availability`
BEGIN
  DELETE FROM insights_days WHERE day BETWEEN OLD.from_day AND OLD.to_day AND complex_id = (SELECT complex_id FROM warehouse_listings WHERE id = OLD.listing_id);
END;
--> statement-breakpoint
-- Only ACTIVE listings count as idle space: a listing withdrawn (or back) changes every day it listed.
CREATE TRIGGER `insights_days_listing_changed` AFTER UPDATE OF `status`, `complex_id` ON `warehouse_listings`
BEGIN
  DELETE FROM insights_days WHERE complex_id IN (OLD.complex_id, NEW.complex_id)
    AND day BETWEEN (SELECT min(from_day) FROM listing_availability WHERE listing_id = NEW.id) AND (SELECT max(to_day) FROM listing_availability WHERE listing_id = NEW.id);
END;
