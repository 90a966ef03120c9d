-- A tracking event's kind as a code (db/schema/bookings.ts TRACKING_EVENT_KIND_CODES) instead of its spelling: the
-- table rebuilt with each value mapped to its code, and the triggers on it (dropped with the old table) created again
-- spelling codes: DELIVERED 1, PICKED_UP 0.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_tracking_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`request_id` integer NOT NULL,
	`kind` integer NOT NULL,
	`occurred_at` integer NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`note` text,
	`reported_by_org_id` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `shipment_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reported_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "tracking_events_kind" CHECK(kind in (0,1,2,3,4,5)),
	CONSTRAINT "tracking_events_position" CHECK("__new_tracking_events"."lat" between -90 and 90 and "__new_tracking_events"."lng" between -180 and 180)
);
--> statement-breakpoint
INSERT INTO `__new_tracking_events`("id", "booking_id", "request_id", "kind", "occurred_at", "lat", "lng", "note", "reported_by_org_id", "recorded_at") SELECT "id", "booking_id", "request_id", CASE "kind" WHEN 'PICKED_UP' THEN 0 WHEN 'DELIVERED' THEN 1 WHEN 'AT_CENTRE' THEN 2 WHEN 'DEPARTED_CENTRE' THEN 3 WHEN 'IN_TRANSIT' THEN 4 WHEN 'EXCEPTION' THEN 5 END, "occurred_at", "lat", "lng", "note", "reported_by_org_id", "recorded_at" FROM `tracking_events`;--> statement-breakpoint
DROP TABLE `tracking_events`;--> statement-breakpoint
ALTER TABLE `__new_tracking_events` RENAME TO `tracking_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `tracking_events_booking` ON `tracking_events` (`booking_id`,`occurred_at`);;--> statement-breakpoint
-- DELIVERED needs its proof of delivery, written earlier in the same transaction (as 0003).
CREATE TRIGGER `tracking_events_delivered_needs_proof` BEFORE INSERT ON `tracking_events`
WHEN NEW.kind = 1 AND NOT EXISTS (SELECT 1 FROM proofs_of_delivery p WHERE p.booking_id = NEW.booking_id)
BEGIN
  SELECT RAISE(ABORT, 'proof_of_delivery_required');
END;
--> statement-breakpoint
-- Collected once, delivered once (as 0018).
CREATE TRIGGER `tracking_events_once` BEFORE INSERT ON `tracking_events`
WHEN NEW.kind IN (0, 1)
BEGIN
  SELECT RAISE(ABORT, 'tracking_event_once')
  WHERE EXISTS (SELECT 1 FROM tracking_events e WHERE e.booking_id = NEW.booking_id AND e.kind = NEW.kind);
END;
--> statement-breakpoint
CREATE TRIGGER `tracking_events_once_update` BEFORE UPDATE OF `booking_id`, `kind` ON `tracking_events`
WHEN NEW.kind IN (0, 1)
BEGIN
  SELECT RAISE(ABORT, 'tracking_event_once')
  WHERE EXISTS (SELECT 1 FROM tracking_events e WHERE e.booking_id = NEW.booking_id AND e.kind = NEW.kind AND e.id <> NEW.id);
END;
