DROP INDEX `bookings_complex`;--> statement-breakpoint
CREATE INDEX `bookings_complex_returned` ON `bookings` (`complex_id`,`ended_at`) WHERE status = 3;--> statement-breakpoint
CREATE INDEX `bookings_complex` ON `bookings` (`complex_id`,`status`,`booked_at`);--> statement-breakpoint
CREATE INDEX `requests_complex_cancelled` ON `shipment_requests` (`complex_id`,`cancelled_at`) WHERE status = 8;