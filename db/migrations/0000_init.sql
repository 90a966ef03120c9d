CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`user_id` integer,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_prefix_unique` ON `api_keys` (`prefix`);--> statement-breakpoint
CREATE INDEX `api_keys_organisation` ON `api_keys` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`complex_id` integer,
	`role` text NOT NULL,
	`name` text NOT NULL,
	`business_registration_number` text NOT NULL,
	`contact_name` text,
	`contact_phone` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "organisations_role" CHECK("organisations"."role" in ('MANUFACTURER','CARRIER','WAREHOUSE_OWNER','OPERATOR','ADMIN')),
	CONSTRAINT "organisations_complex_required" CHECK(("organisations"."role" = 'ADMIN') = ("organisations"."complex_id" is null)),
	CONSTRAINT "organisations_brn" CHECK(length("organisations"."business_registration_number") = 10)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_business_registration_number_unique` ON `organisations` (`business_registration_number`);--> statement-breakpoint
CREATE INDEX `organisations_complex` ON `organisations` (`complex_id`,`role`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `complexes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name_ko` text NOT NULL,
	`name_en` text NOT NULL,
	`region` text NOT NULL,
	`industries` text NOT NULL,
	`industries_ko` text NOT NULL,
	`production_trillion_krw` real NOT NULL,
	`employment` integer NOT NULL,
	`tenant_companies` integer NOT NULL,
	`designated_year` integer NOT NULL,
	`smart_direction` text NOT NULL,
	`logistics_platform` text,
	`centroid_lat` real NOT NULL,
	`centroid_lng` real NOT NULL,
	`radius_km` real NOT NULL,
	`service_area_cells` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	CONSTRAINT "complexes_lat" CHECK("complexes"."centroid_lat" between -90 and 90),
	CONSTRAINT "complexes_lng" CHECK("complexes"."centroid_lng" between -180 and 180)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `complexes_code_unique` ON `complexes` (`code`);--> statement-breakpoint
CREATE TABLE `logistics_centres` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`complex_id` integer NOT NULL,
	`name_ko` text NOT NULL,
	`name_en` text NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`h3_cell` text NOT NULL,
	`cross_dock_pallets_per_day` integer NOT NULL,
	`handling_fee_per_pallet_krw` integer NOT NULL,
	`opens_at` text NOT NULL,
	`closes_at` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "centres_capacity" CHECK("logistics_centres"."cross_dock_pallets_per_day" > 0),
	CONSTRAINT "centres_fee" CHECK("logistics_centres"."handling_fee_per_pallet_krw" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `logistics_centres_complex_id_unique` ON `logistics_centres` (`complex_id`);--> statement-breakpoint
CREATE TABLE `shipment_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shipper_org_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`status` text DEFAULT 'OPEN' NOT NULL,
	`origin_lat` real NOT NULL,
	`origin_lng` real NOT NULL,
	`origin_is_centre` integer DEFAULT false NOT NULL,
	`origin_h3_r5` text NOT NULL,
	`origin_h3_r6` text NOT NULL,
	`origin_h3_r7` text NOT NULL,
	`origin_h3_r8` text NOT NULL,
	`origin_h3_r9` text NOT NULL,
	`destination_lat` real NOT NULL,
	`destination_lng` real NOT NULL,
	`destination_is_centre` integer DEFAULT false NOT NULL,
	`destination_h3_r9` text NOT NULL,
	`weight_kg` integer NOT NULL,
	`pallets` integer NOT NULL,
	`cargo_class` text NOT NULL,
	`loading_at_origin` text NOT NULL,
	`loading_at_destination` text NOT NULL,
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
	CONSTRAINT "requests_status" CHECK(status in ('OPEN','OFFERED','BOOKED','PICKED_UP','AT_CENTRE','IN_TRANSIT','DELIVERED','CANCELLED','EXPIRED')),
	CONSTRAINT "requests_cargo" CHECK(cargo_class in ('GENERAL','CHILLED','FROZEN','HAZMAT','OVERSIZE','LIQUID_BULK')),
	CONSTRAINT "requests_loading" CHECK(loading_at_origin in ('FORKLIFT','HOIST','BY_HAND') and loading_at_destination in ('FORKLIFT','HOIST','BY_HAND')),
	CONSTRAINT "requests_size" CHECK("shipment_requests"."weight_kg" > 0 and "shipment_requests"."pallets" > 0),
	CONSTRAINT "requests_window" CHECK("shipment_requests"."pickup_from" < "shipment_requests"."pickup_until" and "shipment_requests"."pickup_until" <= "shipment_requests"."deliver_by"),
	CONSTRAINT "requests_storage" CHECK(("shipment_requests"."storage_pallets" is null and "shipment_requests"."storage_days" is null and "shipment_requests"."storage_class" is null) or ("shipment_requests"."storage_pallets" > 0 and "shipment_requests"."storage_days" > 0 and "shipment_requests"."storage_class" is not null)),
	CONSTRAINT "requests_price" CHECK("shipment_requests"."max_price_krw" is null or "shipment_requests"."max_price_krw" > 0)
);
--> statement-breakpoint
CREATE INDEX `requests_shipper` ON `shipment_requests` (`shipper_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `requests_complex` ON `shipment_requests` (`complex_id`,`status`);--> statement-breakpoint
CREATE INDEX `requests_origin_r5` ON `shipment_requests` (`origin_h3_r5`);--> statement-breakpoint
CREATE INDEX `requests_origin_r6` ON `shipment_requests` (`origin_h3_r6`);--> statement-breakpoint
CREATE INDEX `requests_origin_r7` ON `shipment_requests` (`origin_h3_r7`);--> statement-breakpoint
CREATE INDEX `requests_origin_r8` ON `shipment_requests` (`origin_h3_r8`);--> statement-breakpoint
CREATE INDEX `requests_origin_r9` ON `shipment_requests` (`origin_h3_r9`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`organisation_id` integer NOT NULL,
	`key` text NOT NULL,
	`operation` text NOT NULL,
	`fingerprint` text NOT NULL,
	`result` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`organisation_id`, `key`),
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `listing_availability` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`listing_id` integer NOT NULL,
	`from_day` text NOT NULL,
	`to_day` text NOT NULL,
	`idle_pallets` integer NOT NULL,
	FOREIGN KEY (`listing_id`) REFERENCES `warehouse_listings`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "listing_availability_order" CHECK("listing_availability"."from_day" <= "listing_availability"."to_day"),
	CONSTRAINT "listing_availability_pallets" CHECK("listing_availability"."idle_pallets" > 0)
);
--> statement-breakpoint
CREATE INDEX `listing_availability_listing` ON `listing_availability` (`listing_id`,`from_day`);--> statement-breakpoint
CREATE TABLE `vehicle_availability` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vehicle_id` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "vehicle_availability_order" CHECK("vehicle_availability"."starts_at" < "vehicle_availability"."ends_at")
);
--> statement-breakpoint
CREATE INDEX `vehicle_availability_vehicle` ON `vehicle_availability` (`vehicle_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `vehicles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`carrier_org_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`plate_number` text NOT NULL,
	`status` text DEFAULT 'ACTIVE' NOT NULL,
	`tonnage_class` text NOT NULL,
	`payload_kg` integer NOT NULL,
	`pallet_slots` integer NOT NULL,
	`body_type` text NOT NULL,
	`hazmat_certified` integer DEFAULT false NOT NULL,
	`base_fee_krw` integer NOT NULL,
	`per_km_krw` integer NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`h3_r5` text NOT NULL,
	`h3_r6` text NOT NULL,
	`h3_r7` text NOT NULL,
	`h3_r8` text NOT NULL,
	`h3_r9` text NOT NULL,
	`location_updated_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`carrier_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "vehicles_status" CHECK(status in ('ACTIVE','RETIRED')),
	CONSTRAINT "vehicles_class" CHECK(tonnage_class in ('T1','T1_4','T2_5','T3_5','T5','T11','T25')),
	CONSTRAINT "vehicles_body" CHECK(body_type in ('CARGO','WING','BOX','REFRIGERATED','FROZEN','FLATBED','TANK')),
	CONSTRAINT "vehicles_capacity" CHECK("vehicles"."payload_kg" > 0 and "vehicles"."pallet_slots" > 0),
	CONSTRAINT "vehicles_rates" CHECK("vehicles"."base_fee_krw" >= 0 and "vehicles"."per_km_krw" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vehicles_plate_number_unique` ON `vehicles` (`plate_number`);--> statement-breakpoint
CREATE INDEX `vehicles_carrier` ON `vehicles` (`carrier_org_id`);--> statement-breakpoint
CREATE INDEX `vehicles_complex` ON `vehicles` (`complex_id`,`status`);--> statement-breakpoint
CREATE INDEX `vehicles_r5` ON `vehicles` (`h3_r5`);--> statement-breakpoint
CREATE INDEX `vehicles_r6` ON `vehicles` (`h3_r6`);--> statement-breakpoint
CREATE INDEX `vehicles_r7` ON `vehicles` (`h3_r7`);--> statement-breakpoint
CREATE INDEX `vehicles_r8` ON `vehicles` (`h3_r8`);--> statement-breakpoint
CREATE INDEX `vehicles_r9` ON `vehicles` (`h3_r9`);--> statement-breakpoint
CREATE TABLE `warehouse_listings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner_org_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'ACTIVE' NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`h3_r5` text NOT NULL,
	`h3_r6` text NOT NULL,
	`h3_r7` text NOT NULL,
	`h3_r8` text NOT NULL,
	`h3_r9` text NOT NULL,
	`storage_class` text NOT NULL,
	`total_pallets` integer NOT NULL,
	`price_per_pallet_day_krw` integer NOT NULL,
	`min_days` integer DEFAULT 1 NOT NULL,
	`has_forklift` integer DEFAULT false NOT NULL,
	`has_dock` integer DEFAULT false NOT NULL,
	`opens_at` text NOT NULL,
	`closes_at` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`owner_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "listings_status" CHECK(status in ('ACTIVE','WITHDRAWN')),
	CONSTRAINT "listings_storage_class" CHECK(storage_class in ('AMBIENT','CHILLED','FROZEN','HAZMAT','BONDED','OUTDOOR_YARD')),
	CONSTRAINT "listings_pallets" CHECK("warehouse_listings"."total_pallets" > 0),
	CONSTRAINT "listings_price" CHECK("warehouse_listings"."price_per_pallet_day_krw" >= 0),
	CONSTRAINT "listings_min_days" CHECK("warehouse_listings"."min_days" >= 1)
);
--> statement-breakpoint
CREATE INDEX `listings_owner` ON `warehouse_listings` (`owner_org_id`);--> statement-breakpoint
CREATE INDEX `listings_complex` ON `warehouse_listings` (`complex_id`,`status`);--> statement-breakpoint
CREATE INDEX `listings_r5` ON `warehouse_listings` (`h3_r5`);--> statement-breakpoint
CREATE INDEX `listings_r6` ON `warehouse_listings` (`h3_r6`);--> statement-breakpoint
CREATE INDEX `listings_r7` ON `warehouse_listings` (`h3_r7`);--> statement-breakpoint
CREATE INDEX `listings_r8` ON `warehouse_listings` (`h3_r8`);--> statement-breakpoint
CREATE INDEX `listings_r9` ON `warehouse_listings` (`h3_r9`);