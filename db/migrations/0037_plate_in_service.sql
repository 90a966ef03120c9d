DROP INDEX `vehicles_plate_number_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `vehicles_plate_in_service` ON `vehicles` (`plate_number`) WHERE status = 'ACTIVE';