DROP INDEX `requests_origin_r5`;--> statement-breakpoint
ALTER TABLE `shipment_requests` DROP COLUMN `origin_h3_r5`;