-- Collected once, delivered once, as a trigger instead of the partial unique index on (booking_id, kind): the index
-- held a copy of every PICKED_UP and DELIVERED event's key (13.5 MB a year of all seven complexes); the trigger looks
-- through the booking's few events by tracking_events_booking, which exists anyway.
CREATE TRIGGER `tracking_events_once` BEFORE INSERT ON `tracking_events`
WHEN NEW.kind IN ('PICKED_UP','DELIVERED')
BEGIN
  SELECT RAISE(ABORT, 'tracking_event_once')
  WHERE EXISTS (SELECT 1 FROM tracking_events e WHERE e.booking_id = NEW.booking_id AND e.kind = NEW.kind);
END;
--> statement-breakpoint
CREATE TRIGGER `tracking_events_once_update` BEFORE UPDATE OF `booking_id`, `kind` ON `tracking_events`
WHEN NEW.kind IN ('PICKED_UP','DELIVERED')
BEGIN
  SELECT RAISE(ABORT, 'tracking_event_once')
  WHERE EXISTS (SELECT 1 FROM tracking_events e WHERE e.booking_id = NEW.booking_id AND e.kind = NEW.kind AND e.id <> NEW.id);
END;
--> statement-breakpoint
DROP INDEX `tracking_events_once`;
