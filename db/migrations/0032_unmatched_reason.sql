ALTER TABLE `shipment_requests` ADD `unmatched_reason` text;--> statement-breakpoint
ALTER TABLE `shipment_requests` ADD `unmatched_at` integer;