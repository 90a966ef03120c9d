-- A booking's kind and status as codes, as on SQLite (migration 0025): TRANSPORT 0, STORAGE 1; CONFIRMED 0,
-- COMPLETED 1, CANCELLED 2, RETURNED 3. The triggers whose conditions read the columns are dropped for the change and
-- created again spelling codes; the functions that compare them with values are replaced alike.
DROP TRIGGER bookings_storage_within_need ON bookings;--> statement-breakpoint
DROP TRIGGER bookings_ended_stay_ended ON bookings;--> statement-breakpoint
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_kind";--> statement-breakpoint
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_status";--> statement-breakpoint
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_leg";--> statement-breakpoint
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_ended";--> statement-breakpoint
DROP INDEX "bookings_one_transport_per_request";--> statement-breakpoint
ALTER TABLE "bookings" ALTER COLUMN "status" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "bookings" ALTER COLUMN "kind" SET DATA TYPE smallint USING CASE "kind" WHEN 'TRANSPORT' THEN 0 WHEN 'STORAGE' THEN 1 END;--> statement-breakpoint
ALTER TABLE "bookings" ALTER COLUMN "status" SET DATA TYPE smallint USING CASE "status" WHEN 'CONFIRMED' THEN 0 WHEN 'COMPLETED' THEN 1 WHEN 'CANCELLED' THEN 2 WHEN 'RETURNED' THEN 3 END;--> statement-breakpoint
ALTER TABLE "bookings" ALTER COLUMN "status" SET DEFAULT 0;--> statement-breakpoint
CREATE UNIQUE INDEX "bookings_one_transport_per_request" ON "bookings" USING btree ("request_id",coalesce("centre_leg", '')) WHERE kind <> 1 and status in (0, 1);--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_kind" CHECK (kind in (0,1));--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_status" CHECK (status in (0,1,2,3));--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_leg" CHECK (("bookings"."kind" = 1) = ("bookings"."listing_id" is not null) and ("bookings"."kind" = 1) = ("bookings"."vehicle_id" is null));--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_ended" CHECK (("bookings"."status" in (2, 3)) = ("bookings"."ended_at" is not null));;--> statement-breakpoint
CREATE OR REPLACE FUNCTION bookings_storage_within_need() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  need integer;
  held bigint;
BEGIN
  PERFORM invariant_isolation_check();
  SELECT coalesce(r.storage_pallets, 0) INTO need FROM shipment_requests r WHERE r.id = NEW.request_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN NEW;
  END IF;
  SELECT coalesce(sum(b.pallets), 0) INTO held FROM bookings b
  WHERE b.request_id = NEW.request_id AND b.kind = 1 AND b.status IN (0, 1);
  IF NEW.pallets + held > need THEN
    RAISE EXCEPTION 'request_already_booked' USING ERRCODE = 'check_violation',
      DETAIL = format('request %s: %s storage pallets asked, %s of %s already booked', NEW.request_id, NEW.pallets, held, need);
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER bookings_storage_within_need BEFORE INSERT ON bookings
FOR EACH ROW WHEN (NEW.kind = 1) EXECUTE FUNCTION bookings_storage_within_need();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION bookings_ended_stay_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'booking_already_ended' USING ERRCODE = 'check_violation',
    DETAIL = format('booking %s is %s', OLD.id, CASE OLD.status WHEN 2 THEN 'CANCELLED' WHEN 3 THEN 'RETURNED' END);
END $$;
--> statement-breakpoint
CREATE TRIGGER bookings_ended_stay_ended BEFORE UPDATE OF status ON bookings
FOR EACH ROW WHEN (OLD.status IN (2, 3) AND NEW.status IS DISTINCT FROM OLD.status)
EXECUTE FUNCTION bookings_ended_stay_ended();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_booked_route_stop_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM bookings b WHERE b.route_id = NEW.route_id AND b.status IN (0, 1)) THEN
    PERFORM insights_days_forget_route(NEW.route_id);
  END IF;
  RETURN NULL;
END $$;
