-- An offer's kind and status as codes (db/schema/matching.ts OFFER_KIND_CODES, OFFER_STATUS_CODES) instead of their
-- spellings, in the row and in the three (…, status) indexes: the table rebuilt with each value mapped to its code.
-- No trigger reads offers.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_offers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`kind` integer NOT NULL,
	`status` integer DEFAULT 0 NOT NULL,
	`request_id` integer NOT NULL,
	`shipper_org_id` integer NOT NULL,
	`supplier_org_id` integer NOT NULL,
	`vehicle_id` integer,
	`listing_id` integer,
	`route_id` integer,
	`centre_leg` text,
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
	CONSTRAINT "offers_kind" CHECK(kind in (0,1)),
	CONSTRAINT "offers_status" CHECK(status in (0,1,2,3,4)),
	CONSTRAINT "offers_leg" CHECK(("__new_offers"."kind" = 1) = ("__new_offers"."listing_id" is not null) and ("__new_offers"."kind" = 1) = ("__new_offers"."vehicle_id" is null)),
	CONSTRAINT "offers_route" CHECK(not ("__new_offers"."kind" = 1 and "__new_offers"."route_id" is not null)),
	CONSTRAINT "offers_price" CHECK("__new_offers"."price_krw" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_offers`("id", "round_id", "complex_id", "kind", "status", "request_id", "shipper_org_id", "supplier_org_id", "vehicle_id", "listing_id", "route_id", "centre_leg", "price_krw", "base_krw", "distance_krw", "storage_krw", "handling_krw", "stops_krw", "waiting_krw", "standalone_krw", "deadhead_km", "loaded_km", "co2_kg", "baseline_krw", "baseline_co2_kg", "baseline_loaded_km", "pickup_at", "deliver_at", "storage_pallets", "storage_from_day", "storage_to_day", "expires_at", "created_at", "responded_at", "response_reason") SELECT "id", "round_id", "complex_id", CASE "kind" WHEN 'TRANSPORT' THEN 0 WHEN 'STORAGE' THEN 1 END, CASE "status" WHEN 'PENDING' THEN 0 WHEN 'ACCEPTED' THEN 1 WHEN 'DECLINED' THEN 2 WHEN 'EXPIRED' THEN 3 WHEN 'WITHDRAWN' THEN 4 END, "request_id", "shipper_org_id", "supplier_org_id", "vehicle_id", "listing_id", "route_id", "centre_leg", "price_krw", "base_krw", "distance_krw", "storage_krw", "handling_krw", "stops_krw", "waiting_krw", "standalone_krw", "deadhead_km", "loaded_km", "co2_kg", "baseline_krw", "baseline_co2_kg", "baseline_loaded_km", "pickup_at", "deliver_at", "storage_pallets", "storage_from_day", "storage_to_day", "expires_at", "created_at", "responded_at", "response_reason" FROM `offers`;--> statement-breakpoint
DROP TABLE `offers`;--> statement-breakpoint
ALTER TABLE `__new_offers` RENAME TO `offers`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `offers_request` ON `offers` (`request_id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_supplier` ON `offers` (`supplier_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_shipper` ON `offers` (`shipper_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_round` ON `offers` (`round_id`);--> statement-breakpoint
CREATE INDEX `offers_route` ON `offers` (`route_id`);--> statement-breakpoint
CREATE INDEX `offers_pending_expiry` ON `offers` (`complex_id`,`expires_at`) WHERE status = 0;--> statement-breakpoint
CREATE INDEX `offers_centre_feeders` ON `offers` (`complex_id`,`deliver_at`) WHERE centre_leg = 'FEEDER';