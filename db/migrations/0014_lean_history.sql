DROP INDEX `requests_origin_r6`;--> statement-breakpoint
DROP INDEX `requests_origin_r8`;--> statement-breakpoint
ALTER TABLE `shipment_requests` DROP COLUMN `origin_h3_r6`;--> statement-breakpoint
ALTER TABLE `shipment_requests` DROP COLUMN `origin_h3_r8`;--> statement-breakpoint
DROP INDEX `offers_vehicle`;--> statement-breakpoint
DROP INDEX `offers_listing`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_pod_images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`uploaded_by_org_id` integer NOT NULL,
	`media_type` text NOT NULL,
	`byte_size` integer NOT NULL,
	`sha256` text NOT NULL,
	`file_name` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "pod_images_media_type" CHECK(media_type in ('image/jpeg','image/png'))
);
--> statement-breakpoint
INSERT INTO `__new_pod_images`("id", "booking_id", "uploaded_by_org_id", "media_type", "byte_size", "sha256", "file_name", "created_at") SELECT "id", "booking_id", "uploaded_by_org_id", "media_type", "byte_size", "sha256", "file_name", "created_at" FROM `pod_images`;--> statement-breakpoint
DROP TABLE `pod_images`;--> statement-breakpoint
ALTER TABLE `__new_pod_images` RENAME TO `pod_images`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `pod_images_file_name_unique` ON `pod_images` (`file_name`) WHERE file_name is not null;--> statement-breakpoint
-- Round reports as JSON arrays in ROUND_REPORT_FIELDS order (db/schema/matching.ts), read by position. The
-- triggers that read or follow a report are set aside while the rows are rewritten (the roll-ups stay valid: the
-- figures do not change), then recreated reading positions.
DROP TRIGGER `insights_days_round_reported`;--> statement-breakpoint
DROP TRIGGER `insights_days_round_removed`;--> statement-breakpoint
DROP INDEX `matching_rounds_empty_scheduled`;--> statement-breakpoint
UPDATE `matching_rounds` SET report = json_array(json_extract(report, '$.requestsConsidered'), json_extract(report, '$.servedCount'), json_extract(report, '$.routes'), json_extract(report, '$.extensions'), json_extract(report, '$.pooledRoutes'), json_extract(report, '$.pooledRequests'), json_extract(report, '$.requestsPerTrip'), json_extract(report, '$.stopsPerRoute'), json_extract(report, '$.loadFactorKgPeakPct'), json_extract(report, '$.loadFactorPalletsPeakPct'), json_extract(report, '$.loadFactorKgKmPct'), json_extract(report, '$.loadFactorPalletsKmPct'), json_extract(report, '$.assignmentCostKrw'), json_extract(report, '$.offersWritten'), json_extract(report, '$.totalCostKrw'), json_extract(report, '$.baselineCostKrw'), json_extract(report, '$.savingsPct'), json_extract(report, '$.deadheadKm'), json_extract(report, '$.loadedKm'), json_extract(report, '$.emptyKmShare'), json_extract(report, '$.co2Kg'), json_extract(report, '$.baselineCo2Kg'), json_extract(report, '$.candidatePairsEvaluated'), json_extract(report, '$.feasiblePairs'), json_extract(report, '$.timeMs'), json_extract(report, '$.centreRequests')) WHERE json_type(report) = 'object';--> statement-breakpoint
CREATE INDEX `matching_rounds_empty_scheduled` ON `matching_rounds` (`started_at`) WHERE "trigger" = 'SCHEDULED' and json_extract(report, '$[0]') = 0;--> statement-breakpoint
-- A round's costs count on the day it started, once its report is written.
CREATE TRIGGER `insights_days_round_reported` AFTER UPDATE OF `report` ON `matching_rounds`
BEGIN
  DELETE FROM insights_days WHERE complex_id = NEW.complex_id AND day = date(NEW.started_at / 1000, 'unixepoch', '+9 hours');
END;
--> statement-breakpoint
-- $[12]: assignmentCostKrw.
CREATE TRIGGER `insights_days_round_removed` AFTER DELETE ON `matching_rounds`
WHEN json_extract(OLD.report, '$[12]') > 0
BEGIN
  DELETE FROM insights_days WHERE complex_id = OLD.complex_id AND day = date(OLD.started_at / 1000, 'unixepoch', '+9 hours');
END;
--> statement-breakpoint
-- Insights roll-ups keep each day's booking times as sorted float64 bytes, not JSON. The roll-ups are a cache of
-- the rows: not copied, they are written again by the insights scheduler at start (and by reads meanwhile). Dropped
-- and created again under its name (a rename would trip over the triggers that delete from it).
DROP TABLE `insights_days`;--> statement-breakpoint
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
	`trips` integer DEFAULT 0 NOT NULL,
	`trip_requests` integer DEFAULT 0 NOT NULL,
	`trip_stops` integer DEFAULT 0 NOT NULL,
	`peak_kg_share` real DEFAULT 0 NOT NULL,
	`peak_pallets_share` real DEFAULT 0 NOT NULL,
	`kg_km` real DEFAULT 0 NOT NULL,
	`payload_km` real DEFAULT 0 NOT NULL,
	`pallet_km` real DEFAULT 0 NOT NULL,
	`pallet_slot_km` real DEFAULT 0 NOT NULL,
	`rounds` integer DEFAULT 0 NOT NULL,
	`assignment_cost_krw` integer DEFAULT 0 NOT NULL,
	`pooled_cost_krw` integer DEFAULT 0 NOT NULL,
	`booking_ms` blob NOT NULL,
	PRIMARY KEY(`complex_id`, `day`),
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action
);

