-- A shipment request's H3 cells as integers (db/schema/enums.ts cellCodec): the base cell and the resolution's digits
-- of each, bits 24-51 of the index at resolution 7 (hex digits 3-9), bits 18-51 at 9 (hex digits 3-11, less the last
-- two bits), instead of 15 hex characters, in the row and in the three indexes on origin cells: the table rebuilt
-- with each cell so packed. No trigger reads the cells; the two on the table (dropped with the old table) are created
-- again, and the seven on other tables that read requests are dropped first (a rename checks every trigger's body)
-- and created again as they were.
DROP TRIGGER `bookings_storage_within_need`;--> statement-breakpoint
DROP TRIGGER `insights_days_booking_changed`;--> statement-breakpoint
DROP TRIGGER `insights_days_booking_made`;--> statement-breakpoint
DROP TRIGGER `insights_days_route_booking_changed`;--> statement-breakpoint
DROP TRIGGER `insights_days_route_booking_made`;--> statement-breakpoint
DROP TRIGGER `insights_days_booked_route_stop_added`;--> statement-breakpoint
DROP TRIGGER `insights_days_route_changed`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_shipment_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shipper_org_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`status` integer DEFAULT 2 NOT NULL,
	`origin_lat` real NOT NULL,
	`origin_lng` real NOT NULL,
	`origin_is_centre` integer DEFAULT false NOT NULL,
	`origin_h3_r7` integer NOT NULL,
	`origin_h3_r9` integer NOT NULL,
	`destination_lat` real NOT NULL,
	`destination_lng` real NOT NULL,
	`destination_is_centre` integer DEFAULT false NOT NULL,
	`destination_h3_r9` integer NOT NULL,
	`weight_kg` integer NOT NULL,
	`pallets` integer NOT NULL,
	`cargo_class` integer NOT NULL,
	`loading_at_origin` integer NOT NULL,
	`loading_at_destination` integer NOT NULL,
	`pickup_from` integer NOT NULL,
	`pickup_until` integer NOT NULL,
	`deliver_by` integer NOT NULL,
	`storage_pallets` integer,
	`storage_days` integer,
	`storage_class` text,
	`storage_split_allowed` integer DEFAULT false NOT NULL,
	`max_price_krw` integer,
	`notes` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	`cancelled_at` integer,
	`cancel_reason` text,
	FOREIGN KEY (`shipper_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "requests_status" CHECK(status in (0,1,2,3,4,5,6,7,8)),
	CONSTRAINT "requests_cargo" CHECK(cargo_class in (0,1,2,3,4,5)),
	CONSTRAINT "requests_loading" CHECK(loading_at_origin in (0,1,2) and loading_at_destination in (0,1,2)),
	CONSTRAINT "requests_size" CHECK("__new_shipment_requests"."weight_kg" > 0 and "__new_shipment_requests"."pallets" > 0),
	CONSTRAINT "requests_window" CHECK("__new_shipment_requests"."pickup_from" < "__new_shipment_requests"."pickup_until" and "__new_shipment_requests"."pickup_until" <= "__new_shipment_requests"."deliver_by"),
	CONSTRAINT "requests_storage" CHECK(("__new_shipment_requests"."storage_pallets" is null and "__new_shipment_requests"."storage_days" is null and "__new_shipment_requests"."storage_class" is null) or ("__new_shipment_requests"."storage_pallets" > 0 and "__new_shipment_requests"."storage_days" > 0 and "__new_shipment_requests"."storage_class" is not null)),
	CONSTRAINT "requests_price" CHECK("__new_shipment_requests"."max_price_krw" is null or "__new_shipment_requests"."max_price_krw" > 0)
);
--> statement-breakpoint
INSERT INTO `__new_shipment_requests`("id", "shipper_org_id", "complex_id", "status", "origin_lat", "origin_lng", "origin_is_centre", "origin_h3_r7", "origin_h3_r9", "destination_lat", "destination_lng", "destination_is_centre", "destination_h3_r9", "weight_kg", "pallets", "cargo_class", "loading_at_origin", "loading_at_destination", "pickup_from", "pickup_until", "deliver_by", "storage_pallets", "storage_days", "storage_class", "storage_split_allowed", "max_price_krw", "notes", "created_at", "updated_at", "cancelled_at", "cancel_reason") SELECT "id", "shipper_org_id", "complex_id", "status", "origin_lat", "origin_lng", "origin_is_centre", ((instr('0123456789abcdef', substr("origin_h3_r7", 3, 1)) - 1) * 16777216 + (instr('0123456789abcdef', substr("origin_h3_r7", 4, 1)) - 1) * 1048576 + (instr('0123456789abcdef', substr("origin_h3_r7", 5, 1)) - 1) * 65536 + (instr('0123456789abcdef', substr("origin_h3_r7", 6, 1)) - 1) * 4096 + (instr('0123456789abcdef', substr("origin_h3_r7", 7, 1)) - 1) * 256 + (instr('0123456789abcdef', substr("origin_h3_r7", 8, 1)) - 1) * 16 + (instr('0123456789abcdef', substr("origin_h3_r7", 9, 1)) - 1) * 1), (((instr('0123456789abcdef', substr("origin_h3_r9", 3, 1)) - 1) * 4294967296 + (instr('0123456789abcdef', substr("origin_h3_r9", 4, 1)) - 1) * 268435456 + (instr('0123456789abcdef', substr("origin_h3_r9", 5, 1)) - 1) * 16777216 + (instr('0123456789abcdef', substr("origin_h3_r9", 6, 1)) - 1) * 1048576 + (instr('0123456789abcdef', substr("origin_h3_r9", 7, 1)) - 1) * 65536 + (instr('0123456789abcdef', substr("origin_h3_r9", 8, 1)) - 1) * 4096 + (instr('0123456789abcdef', substr("origin_h3_r9", 9, 1)) - 1) * 256 + (instr('0123456789abcdef', substr("origin_h3_r9", 10, 1)) - 1) * 16 + (instr('0123456789abcdef', substr("origin_h3_r9", 11, 1)) - 1) * 1) >> 2), "destination_lat", "destination_lng", "destination_is_centre", (((instr('0123456789abcdef', substr("destination_h3_r9", 3, 1)) - 1) * 4294967296 + (instr('0123456789abcdef', substr("destination_h3_r9", 4, 1)) - 1) * 268435456 + (instr('0123456789abcdef', substr("destination_h3_r9", 5, 1)) - 1) * 16777216 + (instr('0123456789abcdef', substr("destination_h3_r9", 6, 1)) - 1) * 1048576 + (instr('0123456789abcdef', substr("destination_h3_r9", 7, 1)) - 1) * 65536 + (instr('0123456789abcdef', substr("destination_h3_r9", 8, 1)) - 1) * 4096 + (instr('0123456789abcdef', substr("destination_h3_r9", 9, 1)) - 1) * 256 + (instr('0123456789abcdef', substr("destination_h3_r9", 10, 1)) - 1) * 16 + (instr('0123456789abcdef', substr("destination_h3_r9", 11, 1)) - 1) * 1) >> 2), "weight_kg", "pallets", "cargo_class", "loading_at_origin", "loading_at_destination", "pickup_from", "pickup_until", "deliver_by", "storage_pallets", "storage_days", "storage_class", "storage_split_allowed", "max_price_krw", "notes", "created_at", "updated_at", "cancelled_at", "cancel_reason" FROM `shipment_requests`;--> statement-breakpoint
DROP TABLE `shipment_requests`;--> statement-breakpoint
ALTER TABLE `__new_shipment_requests` RENAME TO `shipment_requests`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `requests_shipper_newest` ON `shipment_requests` (`shipper_org_id`,`id`);--> statement-breakpoint
CREATE INDEX `requests_complex_newest` ON `shipment_requests` (`complex_id`,`id`);--> statement-breakpoint
CREATE INDEX `requests_complex_created` ON `shipment_requests` (`complex_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `requests_complex` ON `shipment_requests` (`complex_id`,`status`,`pickup_from`);--> statement-breakpoint
CREATE INDEX `requests_complex_area` ON `shipment_requests` (`complex_id`,`status`,`origin_h3_r7`);--> statement-breakpoint
CREATE INDEX `requests_origin_r7` ON `shipment_requests` (`origin_h3_r7`);--> statement-breakpoint
CREATE INDEX `requests_origin_r9` ON `shipment_requests` (`origin_h3_r9`);--> statement-breakpoint
-- The triggers as they were.
CREATE TRIGGER `bookings_storage_within_need` BEFORE INSERT ON `bookings`
WHEN NEW.kind = 1
BEGIN
  SELECT RAISE(ABORT, 'request_already_booked')
  WHERE NEW.pallets + (SELECT coalesce(sum(b.pallets), 0) FROM bookings b
                       WHERE b.request_id = NEW.request_id AND b.kind = 1 AND b.status IN (0, 1))
      > (SELECT coalesce(r.storage_pallets, 0) FROM shipment_requests r WHERE r.id = NEW.request_id);
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_booking_changed` AFTER UPDATE ON `bookings`
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT r.complex_id, date(r.created_at / 1000, 'unixepoch', '+9 hours') FROM shipment_requests r WHERE r.id IN (OLD.request_id, NEW.request_id));
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_booking_made` AFTER INSERT ON `bookings`
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT r.complex_id, date(r.created_at / 1000, 'unixepoch', '+9 hours') FROM shipment_requests r WHERE r.id = NEW.request_id);
END;
--> statement-breakpoint
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
CREATE TRIGGER `insights_days_booked_route_stop_added` AFTER INSERT ON `route_stops`
WHEN EXISTS (SELECT 1 FROM bookings b WHERE b.route_id = NEW.route_id AND b.status IN (0, 1))
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
CREATE TRIGGER `insights_days_request_changed` AFTER UPDATE ON `shipment_requests`
BEGIN
  DELETE FROM insights_days WHERE complex_id = OLD.complex_id AND day = date(OLD.created_at / 1000, 'unixepoch', '+9 hours');
  DELETE FROM insights_days WHERE complex_id = NEW.complex_id AND day = date(NEW.created_at / 1000, 'unixepoch', '+9 hours');
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_request_posted` AFTER INSERT ON `shipment_requests`
BEGIN
  DELETE FROM insights_days WHERE complex_id = NEW.complex_id AND day = date(NEW.created_at / 1000, 'unixepoch', '+9 hours');
END;
