PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_route_stops` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
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
	FOREIGN KEY (`route_id`) REFERENCES `routes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `shipment_requests`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "route_stops_action" CHECK(action in ('PICKUP','DROP','CENTRE_DROP','CENTRE_PICKUP')),
	CONSTRAINT "route_stops_time" CHECK("__new_route_stops"."arrive_at" <= "__new_route_stops"."start_at" and "__new_route_stops"."start_at" <= "__new_route_stops"."depart_at"),
	CONSTRAINT "route_stops_load" CHECK("__new_route_stops"."kg_after" >= 0 and "__new_route_stops"."pallets_after" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_route_stops`("id", "route_id", "seq", "request_id", "action", "lat", "lng", "arrive_at", "start_at", "depart_at", "kg_after", "pallets_after") SELECT "id", "route_id", "seq", "request_id", "action", "lat", "lng", "arrive_at", "start_at", "depart_at", "kg_after", "pallets_after" FROM `route_stops`;--> statement-breakpoint
DROP TABLE `route_stops`;--> statement-breakpoint
ALTER TABLE `__new_route_stops` RENAME TO `route_stops`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `route_stops_order` ON `route_stops` (`route_id`,`seq`);--> statement-breakpoint
CREATE INDEX `route_stops_request` ON `route_stops` (`request_id`);