-- What a complex's recent activity needs to tell every kind the live feed tells. Vehicles retired before this keep no
-- time of it (retired_at stays null: not told again); an endpoint disabled before this, none of its giving up.
ALTER TABLE `vehicles` ADD `retired_at` integer;--> statement-breakpoint
CREATE INDEX `vehicles_complex_retired` ON `vehicles` (`complex_id`,`retired_at`) WHERE retired_at is not null;--> statement-breakpoint
ALTER TABLE `tracking_events` ADD `complex_id` integer REFERENCES complexes(id);--> statement-breakpoint
-- Every event's booking says its complex: filled before the index is built.
UPDATE `tracking_events` SET `complex_id` = (SELECT `complex_id` FROM `bookings` WHERE `bookings`.`id` = `tracking_events`.`booking_id`);--> statement-breakpoint
CREATE INDEX `tracking_events_complex` ON `tracking_events` (`complex_id`) WHERE kind <> 4;--> statement-breakpoint
ALTER TABLE `webhook_endpoints` ADD `complex_id` integer REFERENCES complexes(id);--> statement-breakpoint
UPDATE `webhook_endpoints` SET `complex_id` = (SELECT `complex_id` FROM `organisations` WHERE `organisations`.`id` = `webhook_endpoints`.`organisation_id`);--> statement-breakpoint
ALTER TABLE `webhook_endpoints` ADD `gave_up_at` integer;--> statement-breakpoint
ALTER TABLE `webhook_endpoints` ADD `gave_up_failed` integer;--> statement-breakpoint
ALTER TABLE `webhook_endpoints` ADD `gave_up_since` integer;--> statement-breakpoint
CREATE INDEX `webhook_endpoints_complex_gave_up` ON `webhook_endpoints` (`complex_id`,`gave_up_at`) WHERE gave_up_at is not null;--> statement-breakpoint
CREATE INDEX `listings_complex_withdrawn` ON `warehouse_listings` (`complex_id`,`updated_at`) WHERE status = 'WITHDRAWN';