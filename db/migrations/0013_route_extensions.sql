-- Route extensions: a round may offer a booked route's carrier new stops (a route that extends it); accepting one
-- rewrites the booked route's stops (its revision counts how often) and moves its bookings' reservations (release,
-- then insert anew), so a booking may now have released rows besides its one held row.
DROP INDEX `vehicle_reservations_booking_id_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `vehicle_reservations_booking_held` ON `vehicle_reservations` (`booking_id`) WHERE released_at is null;--> statement-breakpoint
CREATE INDEX `vehicle_reservations_booking` ON `vehicle_reservations` (`booking_id`);--> statement-breakpoint
ALTER TABLE `routes` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `routes` ADD `extends_route_id` integer REFERENCES routes(id);--> statement-breakpoint
ALTER TABLE `routes` ADD `extends_revision` integer;--> statement-breakpoint
ALTER TABLE `routes` ADD `extends_stops_done` integer;--> statement-breakpoint
CREATE INDEX `routes_extends` ON `routes` (`extends_route_id`);