CREATE INDEX `matching_rounds_complex_newest` ON `matching_rounds` (`complex_id`,`id`);--> statement-breakpoint
CREATE INDEX `offers_complex` ON `offers` (`complex_id`,`id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_complex_newest` ON `bookings` (`complex_id`,`id`,`status`);