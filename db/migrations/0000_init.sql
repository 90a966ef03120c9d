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
CREATE TABLE `organisations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`complex_id` integer NOT NULL,
	`role` text NOT NULL,
	`name` text NOT NULL,
	`business_registration_number` text NOT NULL,
	`contact_name` text,
	`contact_phone` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "organisations_role" CHECK("organisations"."role" in ('MANUFACTURER','CARRIER','WAREHOUSE_OWNER','OPERATOR')),
	CONSTRAINT "organisations_brn" CHECK(length("organisations"."business_registration_number") = 10)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_business_registration_number_unique` ON `organisations` (`business_registration_number`);