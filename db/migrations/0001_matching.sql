CREATE TABLE `consolidated_loads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`vehicle_id` integer NOT NULL,
	`price_krw` integer NOT NULL,
	`feeder_km` real NOT NULL,
	`depart_centre_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `matching_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `matching_rounds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`complex_id` integer NOT NULL,
	`status` text DEFAULT 'RUNNING' NOT NULL,
	`trigger` text NOT NULL,
	`started_by_org_id` integer,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`report` text,
	`error` text,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`started_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "matching_rounds_status" CHECK(status in ('RUNNING','COMPLETED','FAILED')),
	CONSTRAINT "matching_rounds_trigger" CHECK("trigger" in ('MANUAL','SCHEDULED'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `matching_rounds_one_running` ON `matching_rounds` (`complex_id`) WHERE status = 'RUNNING';--> statement-breakpoint
CREATE INDEX `matching_rounds_complex` ON `matching_rounds` (`complex_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `offers` (
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
	`load_id` integer,
	`price_krw` integer NOT NULL,
	`base_krw` integer NOT NULL,
	`distance_krw` integer NOT NULL,
	`storage_krw` integer NOT NULL,
	`handling_krw` integer NOT NULL,
	`deadhead_km` real NOT NULL,
	`loaded_km` real NOT NULL,
	`co2_kg` real NOT NULL,
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
	FOREIGN KEY (`load_id`) REFERENCES `consolidated_loads`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "offers_kind" CHECK(kind in ('TRANSPORT','STORAGE','CONSOLIDATED')),
	CONSTRAINT "offers_status" CHECK(status in ('PENDING','ACCEPTED','DECLINED','EXPIRED','WITHDRAWN')),
	CONSTRAINT "offers_leg" CHECK(("offers"."kind" = 'STORAGE') = ("offers"."listing_id" is not null) and ("offers"."kind" = 'STORAGE') = ("offers"."vehicle_id" is null)),
	CONSTRAINT "offers_load" CHECK(("offers"."kind" = 'CONSOLIDATED') = ("offers"."load_id" is not null)),
	CONSTRAINT "offers_price" CHECK("offers"."price_krw" >= 0)
);
--> statement-breakpoint
CREATE INDEX `offers_request` ON `offers` (`request_id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_supplier` ON `offers` (`supplier_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_shipper` ON `offers` (`shipper_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_vehicle` ON `offers` (`vehicle_id`);--> statement-breakpoint
CREATE INDEX `offers_listing` ON `offers` (`listing_id`);--> statement-breakpoint
CREATE INDEX `offers_round` ON `offers` (`round_id`);