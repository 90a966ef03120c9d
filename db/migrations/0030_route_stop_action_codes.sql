-- A route stop's action as a code (db/schema/matching.ts ROUTE_STOP_ACTION_CODES: PICKUP 0, DROP 1, CENTRE_DROP 2,
-- CENTRE_PICKUP 3) instead of its spelling: the table rebuilt, still WITHOUT ROWID (as 0017), with each value mapped
-- to its code. No trigger spells these values; the two on the table (dropped with the old table) are created again,
-- and those on other tables that read it are dropped first (a rename checks every trigger's body) and created again
-- as they were.
DROP TRIGGER `insights_days_route_booking_changed`;--> statement-breakpoint
DROP TRIGGER `insights_days_route_booking_made`;--> statement-breakpoint
DROP TRIGGER `insights_days_route_changed`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_route_stops` (
	`route_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`request_id` integer NOT NULL,
	`action` integer NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`arrive_at` integer NOT NULL,
	`start_at` integer NOT NULL,
	`depart_at` integer NOT NULL,
	`kg_after` integer NOT NULL,
	`pallets_after` integer NOT NULL,
	PRIMARY KEY(`route_id`, `seq`),
	FOREIGN KEY (`route_id`) REFERENCES `routes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `shipment_requests`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "route_stops_action" CHECK(action in (0,1,2,3)),
	CONSTRAINT "route_stops_time" CHECK("__new_route_stops"."arrive_at" <= "__new_route_stops"."start_at" and "__new_route_stops"."start_at" <= "__new_route_stops"."depart_at"),
	CONSTRAINT "route_stops_load" CHECK("__new_route_stops"."kg_after" >= 0 and "__new_route_stops"."pallets_after" >= 0)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_route_stops`("route_id", "seq", "request_id", "action", "lat", "lng", "arrive_at", "start_at", "depart_at", "kg_after", "pallets_after") SELECT "route_id", "seq", "request_id", CASE "action" WHEN 'PICKUP' THEN 0 WHEN 'DROP' THEN 1 WHEN 'CENTRE_DROP' THEN 2 WHEN 'CENTRE_PICKUP' THEN 3 END, "lat", "lng", "arrive_at", "start_at", "depart_at", "kg_after", "pallets_after" FROM `route_stops`;--> statement-breakpoint
DROP TABLE `route_stops`;--> statement-breakpoint
ALTER TABLE `__new_route_stops` RENAME TO `route_stops`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `route_stops_request` ON `route_stops` (`request_id`);--> statement-breakpoint
-- The triggers as they were.
CREATE TRIGGER `insights_days_route_booking_changed` AFTER UPDATE ON `bookings`
WHEN OLD.route_id IS NOT NULL OR NEW.route_id IS NOT NULL
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT q.complex_id, date(q.created_at / 1000, 'unixepoch', '+9 hours') FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id IN (OLD.route_id, NEW.route_id));
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_route_booking_made` AFTER INSERT ON `bookings`
WHEN NEW.route_id IS NOT NULL
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT q.complex_id, date(q.created_at / 1000, 'unixepoch', '+9 hours') FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id = NEW.route_id);
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_route_changed` AFTER UPDATE ON `routes`
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT q.complex_id, date(q.created_at / 1000, 'unixepoch', '+9 hours') FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id = NEW.id);
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT m.complex_id, date(m.started_at / 1000, 'unixepoch', '+9 hours') FROM matching_rounds m WHERE m.id IN (OLD.round_id, NEW.round_id));
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_booked_route_stop_added` AFTER INSERT ON `route_stops`
WHEN EXISTS (SELECT 1 FROM bookings b WHERE b.route_id = NEW.route_id AND b.status IN (0, 1))
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT q.complex_id, date(q.created_at / 1000, 'unixepoch', '+9 hours') FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id = NEW.route_id);
END;
--> statement-breakpoint
CREATE TRIGGER `route_stops_within_vehicle` BEFORE INSERT ON `route_stops`
BEGIN
  SELECT RAISE(ABORT, 'vehicle_over_capacity')
  FROM routes r JOIN vehicles v ON v.id = r.vehicle_id
  WHERE r.id = NEW.route_id AND (NEW.kg_after > v.payload_kg OR NEW.pallets_after > v.pallet_slots);
END;
