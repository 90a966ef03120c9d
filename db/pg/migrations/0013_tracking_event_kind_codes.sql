-- A tracking event's kind as a code, as on SQLite (migration 0024). The triggers whose conditions read the column are
-- dropped for the change and created again spelling codes (DELIVERED 1, PICKED_UP 0); their functions compare kinds
-- with each other only.
DROP TRIGGER tracking_events_delivered_needs_proof ON tracking_events;--> statement-breakpoint
DROP TRIGGER tracking_events_once ON tracking_events;--> statement-breakpoint
ALTER TABLE "tracking_events" DROP CONSTRAINT "tracking_events_kind";--> statement-breakpoint
ALTER TABLE "tracking_events" ALTER COLUMN "kind" SET DATA TYPE smallint USING CASE "kind" WHEN 'PICKED_UP' THEN 0 WHEN 'DELIVERED' THEN 1 WHEN 'AT_CENTRE' THEN 2 WHEN 'DEPARTED_CENTRE' THEN 3 WHEN 'IN_TRANSIT' THEN 4 WHEN 'EXCEPTION' THEN 5 END;--> statement-breakpoint
ALTER TABLE "tracking_events" ADD CONSTRAINT "tracking_events_kind" CHECK (kind in (0,1,2,3,4,5));--> statement-breakpoint
CREATE TRIGGER tracking_events_delivered_needs_proof BEFORE INSERT ON tracking_events
FOR EACH ROW WHEN (NEW.kind = 1) EXECUTE FUNCTION tracking_events_delivered_needs_proof();
--> statement-breakpoint
CREATE TRIGGER tracking_events_once BEFORE INSERT OR UPDATE OF booking_id, kind ON tracking_events
FOR EACH ROW WHEN (NEW.kind IN (0, 1)) EXECUTE FUNCTION tracking_events_once();
