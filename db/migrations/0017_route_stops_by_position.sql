-- Route stops keyed by route and position, WITHOUT ROWID: the table is the (route_id, seq) index, so no id column,
-- no rowid and no second index for the order (~10 MB a year less at seven complexes' volume).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_route_stops` (
	`route_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`request_id` integer NOT NULL,
	`action` text NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`arrive_at` integer NOT NULL,
	`start_at` integer NOT NULL,
	`depart_at` integer NOT NULL,
	`kg_after` integer NOT NULL,
	`pallets_after` integer NOT NULL,
	PRIMARY KEY(`route_id`, `seq`),
	FOREIGN KEY (`route_id`) REFERENCES `routes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `shipment_requests`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "route_stops_action" CHECK(action in ('PICKUP','DROP','CENTRE_DROP','CENTRE_PICKUP')),
	CONSTRAINT "route_stops_time" CHECK("arrive_at" <= "start_at" and "start_at" <= "depart_at"),
	CONSTRAINT "route_stops_load" CHECK("kg_after" >= 0 and "pallets_after" >= 0)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_route_stops`("route_id", "seq", "request_id", "action", "lat", "lng", "arrive_at", "start_at", "depart_at", "kg_after", "pallets_after") SELECT "route_id", "seq", "request_id", "action", "lat", "lng", "arrive_at", "start_at", "depart_at", "kg_after", "pallets_after" FROM `route_stops`;--> statement-breakpoint
DROP TABLE `route_stops`;--> statement-breakpoint
-- Triggers on other tables read route_stops by name: rename without re-checking them (the name comes back).
PRAGMA legacy_alter_table=ON;--> statement-breakpoint
ALTER TABLE `__new_route_stops` RENAME TO `route_stops`;--> statement-breakpoint
PRAGMA legacy_alter_table=OFF;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `route_stops_request` ON `route_stops` (`request_id`);--> statement-breakpoint
-- Dropping the old table dropped its triggers (0012): the same again.
CREATE TRIGGER `route_stops_within_vehicle` BEFORE INSERT ON `route_stops`
BEGIN
  SELECT RAISE(ABORT, 'vehicle_over_capacity')
  FROM routes r JOIN vehicles v ON v.id = r.vehicle_id
  WHERE r.id = NEW.route_id AND (NEW.kg_after > v.payload_kg OR NEW.pallets_after > v.pallet_slots);
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_booked_route_stop_added` AFTER INSERT ON `route_stops`
WHEN EXISTS (SELECT 1 FROM bookings b WHERE b.route_id = NEW.route_id AND b.status IN ('CONFIRMED', 'COMPLETED'))
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT q.complex_id, date(q.created_at / 1000, 'unixepoch', '+9 hours') FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id = NEW.route_id);
END;
