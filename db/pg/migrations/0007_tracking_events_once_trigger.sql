-- Collected once, delivered once, as a trigger instead of the partial unique index, as on SQLite (migration 0018):
-- the booking's few events are read by tracking_events_booking. Like the capacity triggers (0001) it first locks the
-- parent row, the booking, FOR NO KEY UPDATE, so that of two concurrent reports the second sees the first's row.
CREATE FUNCTION tracking_events_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM invariant_isolation_check();
  PERFORM 1 FROM bookings b WHERE b.id = NEW.booking_id FOR NO KEY UPDATE;
  IF EXISTS (SELECT 1 FROM tracking_events e WHERE e.booking_id = NEW.booking_id AND e.kind = NEW.kind AND e.id IS DISTINCT FROM NEW.id) THEN
    RAISE EXCEPTION 'tracking_event_once' USING ERRCODE = 'check_violation',
      DETAIL = format('booking %s already has its %s event', NEW.booking_id, NEW.kind);
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER tracking_events_once BEFORE INSERT OR UPDATE OF booking_id, kind ON tracking_events
FOR EACH ROW WHEN (NEW.kind IN ('PICKED_UP', 'DELIVERED')) EXECUTE FUNCTION tracking_events_once();
--> statement-breakpoint
DROP INDEX "tracking_events_once";
