ALTER TABLE `insights_days` ADD `trips` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `trip_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `trip_stops` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `peak_kg_share` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `peak_pallets_share` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `kg_km` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `payload_km` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `pallet_km` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `pallet_slot_km` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `rounds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `assignment_cost_krw` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `insights_days` ADD `pooled_cost_krw` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Days rolled up before these columns have no route or round figures: they are rolled up again.
DELETE FROM insights_days;
--> statement-breakpoint
-- A booked route counts on the posting day of its earliest request, which need not be the day of the request a
-- booking is for: a booking on a route removes the roll-up of every day one of the route's requests was posted.
CREATE TRIGGER `insights_days_route_booking_made` AFTER INSERT ON `bookings`
WHEN NEW.route_id IS NOT NULL
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT q.complex_id, date(q.created_at / 1000, 'unixepoch', '+9 hours') FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id = NEW.route_id);
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_route_booking_changed` AFTER UPDATE ON `bookings`
WHEN OLD.route_id IS NOT NULL OR NEW.route_id IS NOT NULL
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT q.complex_id, date(q.created_at / 1000, 'unixepoch', '+9 hours') FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id IN (OLD.route_id, NEW.route_id));
END;
--> statement-breakpoint
-- Stops added to a booked route (an extension) change its trip figures.
CREATE TRIGGER `insights_days_booked_route_stop_added` AFTER INSERT ON `route_stops`
WHEN EXISTS (SELECT 1 FROM bookings b WHERE b.route_id = NEW.route_id AND b.status IN ('CONFIRMED', 'COMPLETED'))
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT q.complex_id, date(q.created_at / 1000, 'unixepoch', '+9 hours') FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id = NEW.route_id);
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_route_changed` AFTER UPDATE ON `routes`
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT q.complex_id, date(q.created_at / 1000, 'unixepoch', '+9 hours') FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id = NEW.id);
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT m.complex_id, date(m.started_at / 1000, 'unixepoch', '+9 hours') FROM matching_rounds m WHERE m.id IN (OLD.round_id, NEW.round_id));
END;
--> statement-breakpoint
-- A round's costs count on the day it started, once its report is written.
CREATE TRIGGER `insights_days_round_reported` AFTER UPDATE OF `report` ON `matching_rounds`
BEGIN
  DELETE FROM insights_days WHERE complex_id = NEW.complex_id AND day = date(NEW.started_at / 1000, 'unixepoch', '+9 hours');
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_round_removed` AFTER DELETE ON `matching_rounds`
WHEN json_extract(OLD.report, '$.assignmentCostKrw') > 0
BEGIN
  DELETE FROM insights_days WHERE complex_id = OLD.complex_id AND day = date(OLD.started_at / 1000, 'unixepoch', '+9 hours');
END;
