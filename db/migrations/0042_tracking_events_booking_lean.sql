DROP INDEX `tracking_events_booking`;--> statement-breakpoint
CREATE INDEX `tracking_events_booking` ON `tracking_events` (`booking_id`);