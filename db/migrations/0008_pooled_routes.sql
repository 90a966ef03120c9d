-- Pooled routes: consolidated loads become routes (a route of one request is a plain trip), with their stops.
-- Offers and bookings are rebuilt (their CHECKs change): a former CONSOLIDATED share is a TRANSPORT share of its
-- route. Runs with foreign keys off (db/client.ts migrateDatabase), as SQLite's table-rebuild procedure asks.
ALTER TABLE `consolidated_loads` RENAME TO `routes`;--> statement-breakpoint
CREATE TABLE `route_stops` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`route_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`request_id` integer NOT NULL,
	`action` text NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`arrive_at` integer NOT NULL,
	`start_at` integer NOT NULL,
	`depart_at` integer NOT NULL,
	`kg_after` integer NOT NULL,
	`pallets_after` integer NOT NULL,
	FOREIGN KEY (`route_id`) REFERENCES `routes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `shipment_requests`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "route_stops_action" CHECK(action in ('PICKUP','DROP')),
	CONSTRAINT "route_stops_time" CHECK("route_stops"."arrive_at" <= "route_stops"."start_at" and "route_stops"."start_at" <= "route_stops"."depart_at"),
	CONSTRAINT "route_stops_load" CHECK("route_stops"."kg_after" >= 0 and "route_stops"."pallets_after" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `route_stops_order` ON `route_stops` (`route_id`,`seq`);--> statement-breakpoint
CREATE INDEX `route_stops_request` ON `route_stops` (`request_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_routes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`vehicle_id` integer NOT NULL,
	`price_krw` integer NOT NULL,
	`deadhead_km` real DEFAULT 0 NOT NULL,
	`loaded_km` real DEFAULT 0 NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `matching_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "routes_price" CHECK("__new_routes"."price_krw" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_routes`("id", "round_id", "complex_id", "vehicle_id", "price_krw", "deadhead_km", "loaded_km", "start_at", "end_at", "created_at") SELECT "id", "round_id", "complex_id", "vehicle_id", "price_krw", 0, 0, "depart_centre_at", "depart_centre_at", "created_at" FROM `routes`;--> statement-breakpoint
DROP TABLE `routes`;--> statement-breakpoint
ALTER TABLE `__new_routes` RENAME TO `routes`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `routes_round` ON `routes` (`round_id`);--> statement-breakpoint
CREATE TABLE `__new_offers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'PENDING' NOT NULL,
	`request_id` integer NOT NULL,
	`shipper_org_id` integer NOT NULL,
	`supplier_org_id` integer NOT NULL,
	`vehicle_id` integer,
	`listing_id` integer,
	`route_id` integer,
	`price_krw` integer NOT NULL,
	`base_krw` integer NOT NULL,
	`distance_krw` integer NOT NULL,
	`storage_krw` integer NOT NULL,
	`handling_krw` integer NOT NULL,
	`stops_krw` integer DEFAULT 0 NOT NULL,
	`waiting_krw` integer DEFAULT 0 NOT NULL,
	`standalone_krw` integer,
	`deadhead_km` real NOT NULL,
	`loaded_km` real NOT NULL,
	`co2_kg` real NOT NULL,
	`baseline_krw` integer,
	`baseline_co2_kg` real,
	`baseline_deadhead_km` real,
	`baseline_loaded_km` real,
	`pickup_at` integer,
	`deliver_at` integer,
	`storage_pallets` integer,
	`storage_from_day` text,
	`storage_to_day` text,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`responded_at` integer,
	`response_reason` text,
	FOREIGN KEY (`round_id`) REFERENCES `matching_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `shipment_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`shipper_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`supplier_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`listing_id`) REFERENCES `warehouse_listings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`route_id`) REFERENCES `routes`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "offers_kind" CHECK(kind in ('TRANSPORT','STORAGE')),
	CONSTRAINT "offers_status" CHECK(status in ('PENDING','ACCEPTED','DECLINED','EXPIRED','WITHDRAWN')),
	CONSTRAINT "offers_leg" CHECK(("__new_offers"."kind" = 'STORAGE') = ("__new_offers"."listing_id" is not null) and ("__new_offers"."kind" = 'STORAGE') = ("__new_offers"."vehicle_id" is null)),
	CONSTRAINT "offers_route" CHECK(not ("__new_offers"."kind" = 'STORAGE' and "__new_offers"."route_id" is not null)),
	CONSTRAINT "offers_price" CHECK("__new_offers"."price_krw" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_offers`("id", "round_id", "complex_id", "kind", "status", "request_id", "shipper_org_id", "supplier_org_id", "vehicle_id", "listing_id", "route_id", "price_krw", "base_krw", "distance_krw", "storage_krw", "handling_krw", "stops_krw", "waiting_krw", "standalone_krw", "deadhead_km", "loaded_km", "co2_kg", "baseline_krw", "baseline_co2_kg", "baseline_deadhead_km", "baseline_loaded_km", "pickup_at", "deliver_at", "storage_pallets", "storage_from_day", "storage_to_day", "expires_at", "created_at", "responded_at", "response_reason") SELECT "id", "round_id", "complex_id", CASE "kind" WHEN 'CONSOLIDATED' THEN 'TRANSPORT' ELSE "kind" END, "status", "request_id", "shipper_org_id", "supplier_org_id", "vehicle_id", "listing_id", "load_id", "price_krw", "base_krw", "distance_krw", "storage_krw", "handling_krw", 0, 0, NULL, "deadhead_km", "loaded_km", "co2_kg", "baseline_krw", "baseline_co2_kg", "baseline_deadhead_km", "baseline_loaded_km", "pickup_at", "deliver_at", "storage_pallets", "storage_from_day", "storage_to_day", "expires_at", "created_at", "responded_at", "response_reason" FROM `offers`;--> statement-breakpoint
DROP TABLE `offers`;--> statement-breakpoint
ALTER TABLE `__new_offers` RENAME TO `offers`;--> statement-breakpoint
CREATE INDEX `offers_request` ON `offers` (`request_id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_supplier` ON `offers` (`supplier_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_shipper` ON `offers` (`shipper_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_vehicle` ON `offers` (`vehicle_id`);--> statement-breakpoint
CREATE INDEX `offers_listing` ON `offers` (`listing_id`);--> statement-breakpoint
CREATE INDEX `offers_round` ON `offers` (`round_id`);--> statement-breakpoint
CREATE INDEX `offers_route` ON `offers` (`route_id`);--> statement-breakpoint
CREATE TABLE `__new_bookings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`offer_id` integer NOT NULL,
	`request_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`shipper_org_id` integer NOT NULL,
	`supplier_org_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'CONFIRMED' NOT NULL,
	`vehicle_id` integer,
	`listing_id` integer,
	`route_id` integer,
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
	CONSTRAINT "bookings_kind" CHECK(kind in ('TRANSPORT','STORAGE')),
	CONSTRAINT "bookings_status" CHECK(status in ('CONFIRMED','COMPLETED','CANCELLED','RETURNED')),
	CONSTRAINT "bookings_leg" CHECK(("__new_bookings"."kind" = 'STORAGE') = ("__new_bookings"."listing_id" is not null) and ("__new_bookings"."kind" = 'STORAGE') = ("__new_bookings"."vehicle_id" is null)),
	CONSTRAINT "bookings_size" CHECK("__new_bookings"."weight_kg" >= 0 and "__new_bookings"."pallets" > 0 and "__new_bookings"."price_krw" >= 0),
	CONSTRAINT "bookings_ended" CHECK(("__new_bookings"."status" in ('CANCELLED','RETURNED')) = ("__new_bookings"."ended_at" is not null))
);
--> statement-breakpoint
INSERT INTO `__new_bookings`("id", "offer_id", "request_id", "complex_id", "shipper_org_id", "supplier_org_id", "kind", "status", "vehicle_id", "listing_id", "route_id", "price_krw", "weight_kg", "pallets", "pickup_at", "deliver_at", "storage_from_day", "storage_to_day", "booked_at", "ended_at", "end_reason", "ended_by_org_id") SELECT "id", "offer_id", "request_id", "complex_id", "shipper_org_id", "supplier_org_id", CASE "kind" WHEN 'CONSOLIDATED' THEN 'TRANSPORT' ELSE "kind" END, "status", "vehicle_id", "listing_id", "load_id", "price_krw", "weight_kg", "pallets", "pickup_at", "deliver_at", "storage_from_day", "storage_to_day", "booked_at", "ended_at", "end_reason", "ended_by_org_id" FROM `bookings`;--> statement-breakpoint
DROP TABLE `bookings`;--> statement-breakpoint
ALTER TABLE `__new_bookings` RENAME TO `bookings`;--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_offer_id_unique` ON `bookings` (`offer_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_one_transport_per_request` ON `bookings` (`request_id`) WHERE kind <> 'STORAGE' and status in ('CONFIRMED','COMPLETED');--> statement-breakpoint
CREATE INDEX `bookings_request` ON `bookings` (`request_id`);--> statement-breakpoint
CREATE INDEX `bookings_shipper` ON `bookings` (`shipper_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_supplier` ON `bookings` (`supplier_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_complex` ON `bookings` (`complex_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_route` ON `bookings` (`route_id`);--> statement-breakpoint
-- Rebuilding `bookings` dropped its triggers (migration 0003): the same invariants, again.
CREATE TRIGGER `bookings_storage_within_need` BEFORE INSERT ON `bookings`
WHEN NEW.kind = 'STORAGE'
BEGIN
  SELECT RAISE(ABORT, 'request_already_booked')
  WHERE NEW.pallets + (SELECT coalesce(sum(b.pallets), 0) FROM bookings b
                       WHERE b.request_id = NEW.request_id AND b.kind = 'STORAGE' AND b.status IN ('CONFIRMED', 'COMPLETED'))
      > (SELECT coalesce(r.storage_pallets, 0) FROM shipment_requests r WHERE r.id = NEW.request_id);
END;
--> statement-breakpoint
CREATE TRIGGER `bookings_ended_stay_ended` BEFORE UPDATE OF `status` ON `bookings`
WHEN OLD.status IN ('CANCELLED', 'RETURNED') AND NEW.status IS NOT OLD.status
BEGIN
  SELECT RAISE(ABORT, 'booking_already_ended');
END;
--> statement-breakpoint
-- A route never carries more than its vehicle at any stop, whatever order its stops come in.
CREATE TRIGGER `route_stops_within_vehicle` BEFORE INSERT ON `route_stops`
BEGIN
  SELECT RAISE(ABORT, 'vehicle_over_capacity')
  FROM routes r JOIN vehicles v ON v.id = r.vehicle_id
  WHERE r.id = NEW.route_id AND (NEW.kg_after > v.payload_kg OR NEW.pallets_after > v.pallet_slots);
END;
