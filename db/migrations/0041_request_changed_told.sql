-- When and which terms a shipper last changed, for the REQUEST_CHANGED line of a complex's recent activity. Requests
-- changed before this keep no time of it (terms_changed_at stays null: not told again).
ALTER TABLE `shipment_requests` ADD `terms_changed_at` integer;--> statement-breakpoint
ALTER TABLE `shipment_requests` ADD `terms_changed` integer;--> statement-breakpoint
CREATE INDEX `requests_complex_changed` ON `shipment_requests` (`complex_id`,`terms_changed_at`) WHERE terms_changed_at is not null;