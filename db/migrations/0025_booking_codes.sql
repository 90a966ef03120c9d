-- A booking's kind and status as codes (db/schema/matching.ts OFFER_KIND_CODES, db/schema/bookings.ts
-- BOOKING_STATUS_CODES) instead of their spellings, in the row and in the (…, status) indexes: the table rebuilt with
-- each value mapped to its code, and the triggers on it (dropped with the old table) created again spelling codes:
-- TRANSPORT 0, STORAGE 1; CONFIRMED 0, COMPLETED 1, CANCELLED 2, RETURNED 3. route_stops' trigger that reads bookings
-- is dropped first (a rename checks every trigger's body, and bookings is missing meanwhile) and created again too.
DROP TRIGGER `insights_days_booked_route_stop_added`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_bookings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`offer_id` integer NOT NULL,
	`request_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`shipper_org_id` integer NOT NULL,
	`supplier_org_id` integer NOT NULL,
	`kind` integer NOT NULL,
	`status` integer DEFAULT 0 NOT NULL,
	`vehicle_id` integer,
	`listing_id` integer,
	`route_id` integer,
	`centre_leg` text,
	`price_krw` integer NOT NULL,
	`weight_kg` integer NOT NULL,
	`pallets` integer NOT NULL,
	`pickup_at` integer,
	`deliver_at` integer,
	`storage_from_day` text,
	`storage_to_day` text,
	`booked_at` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text,
	`ended_by_org_id` integer,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `shipment_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`shipper_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`supplier_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`listing_id`) REFERENCES `warehouse_listings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`route_id`) REFERENCES `routes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ended_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bookings_kind" CHECK(kind in (0,1)),
	CONSTRAINT "bookings_status" CHECK(status in (0,1,2,3)),
	CONSTRAINT "bookings_leg" CHECK(("__new_bookings"."kind" = 1) = ("__new_bookings"."listing_id" is not null) and ("__new_bookings"."kind" = 1) = ("__new_bookings"."vehicle_id" is null)),
	CONSTRAINT "bookings_size" CHECK("__new_bookings"."weight_kg" >= 0 and "__new_bookings"."pallets" > 0 and "__new_bookings"."price_krw" >= 0),
	CONSTRAINT "bookings_ended" CHECK(("__new_bookings"."status" in (2, 3)) = ("__new_bookings"."ended_at" is not null))
);
--> statement-breakpoint
INSERT INTO `__new_bookings`("id", "offer_id", "request_id", "complex_id", "shipper_org_id", "supplier_org_id", "kind", "status", "vehicle_id", "listing_id", "route_id", "centre_leg", "price_krw", "weight_kg", "pallets", "pickup_at", "deliver_at", "storage_from_day", "storage_to_day", "booked_at", "ended_at", "end_reason", "ended_by_org_id") SELECT "id", "offer_id", "request_id", "complex_id", "shipper_org_id", "supplier_org_id", CASE "kind" WHEN 'TRANSPORT' THEN 0 WHEN 'STORAGE' THEN 1 END, CASE "status" WHEN 'CONFIRMED' THEN 0 WHEN 'COMPLETED' THEN 1 WHEN 'CANCELLED' THEN 2 WHEN 'RETURNED' THEN 3 END, "vehicle_id", "listing_id", "route_id", "centre_leg", "price_krw", "weight_kg", "pallets", "pickup_at", "deliver_at", "storage_from_day", "storage_to_day", "booked_at", "ended_at", "end_reason", "ended_by_org_id" FROM `bookings`;--> statement-breakpoint
DROP TABLE `bookings`;--> statement-breakpoint
ALTER TABLE `__new_bookings` RENAME TO `bookings`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_offer_id_unique` ON `bookings` (`offer_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_one_transport_per_request` ON `bookings` (`request_id`,coalesce(`centre_leg`, '')) WHERE kind <> 1 and status in (0, 1);--> statement-breakpoint
CREATE INDEX `bookings_request` ON `bookings` (`request_id`);--> statement-breakpoint
CREATE INDEX `bookings_shipper` ON `bookings` (`shipper_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_supplier` ON `bookings` (`supplier_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_complex` ON `bookings` (`complex_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_route` ON `bookings` (`route_id`);--> statement-breakpoint
-- An ended booking stays ended (as 0003).
CREATE TRIGGER `bookings_ended_stay_ended` BEFORE UPDATE OF `status` ON `bookings`
WHEN OLD.status IN (2, 3) AND NEW.status IS NOT OLD.status
BEGIN
  SELECT RAISE(ABORT, 'booking_already_ended');
END;
--> statement-breakpoint
-- A request's storage booked within its need (as 0003).
CREATE TRIGGER `bookings_storage_within_need` BEFORE INSERT ON `bookings`
WHEN NEW.kind = 1
BEGIN
  SELECT RAISE(ABORT, 'request_already_booked')
  WHERE NEW.pallets + (SELECT coalesce(sum(b.pallets), 0) FROM bookings b
                       WHERE b.request_id = NEW.request_id AND b.kind = 1 AND b.status IN (0, 1))
      > (SELECT coalesce(r.storage_pallets, 0) FROM shipment_requests r WHERE r.id = NEW.request_id);
END;
--> statement-breakpoint
-- Insights roll-ups (as 0010 and 0011): read no value of kind or status.
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
