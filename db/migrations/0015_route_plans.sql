CREATE TABLE `route_plans` (
	`route_id` integer PRIMARY KEY NOT NULL,
	`stops` text NOT NULL,
	FOREIGN KEY (`route_id`) REFERENCES `routes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- A route never booked keeps its stops as its plan (db/schema routePlans), a booked one its rows. An accepted
-- extension's stops are already those of the booked route it extended (its bookings ride there): its rows go.
INSERT INTO `route_plans` (`route_id`, `stops`)
  SELECT s.route_id, json_group_array(json_array(s.request_id, s.action, s.lat, s.lng, s.arrive_at, s.start_at, s.depart_at, s.kg_after, s.pallets_after) ORDER BY s.seq)
  FROM `route_stops` s
  WHERE NOT EXISTS (SELECT 1 FROM `bookings` b WHERE b.route_id = s.route_id)
    AND NOT EXISTS (SELECT 1 FROM `offers` o WHERE o.route_id = s.route_id AND o.status = 'ACCEPTED')
  GROUP BY s.route_id;
--> statement-breakpoint
DELETE FROM `route_stops` WHERE NOT EXISTS (SELECT 1 FROM `bookings` b WHERE b.route_id = `route_stops`.route_id);
