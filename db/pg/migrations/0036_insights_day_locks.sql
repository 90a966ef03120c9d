-- A roll-up and a change to its day never cross. At READ COMMITTED a roll-up could read a day while a change to it was
-- still open, and store figures that change made stale after its trigger had found no row to delete. So each forgetting
-- trigger takes the day's advisory lock shared (changes never wait for each other) and the roll-up takes it exclusive
-- (src/insights/roll-up-day.ts): either the change commits first and the roll-up's statements see it, or the roll-up
-- commits first and the change's DELETE, waiting for it, removes the row it wrote.
-- Keys: (-complex id, days since 1970-01-01); round leases' (0x53414e44, complex id) are positive (round-leases-pg.ts).
CREATE FUNCTION insights_day_lock(of_complex integer, of_day text, exclusive boolean DEFAULT false) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF exclusive THEN
    PERFORM pg_advisory_xact_lock(-of_complex, of_day::date - DATE '1970-01-01');
  ELSE
    PERFORM pg_advisory_xact_lock_shared(-of_complex, of_day::date - DATE '1970-01-01');
  END IF;
END $$;
--> statement-breakpoint
-- Every trigger forgets a day through here (or insights_days_forget_range), so none deletes without its lock.
CREATE FUNCTION insights_day_forget(of_complex integer, of_day text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM insights_day_lock(of_complex, of_day);
  DELETE FROM insights_days WHERE complex_id = of_complex AND day = of_day;
END $$;
--> statement-breakpoint
-- Locks only the days up to tomorrow (Asia/Seoul): a later one has closed for no instance, so no roll-up writes it, and
-- a listing's windows ahead (nearly all it changes) take no locks.
CREATE FUNCTION insights_days_forget_range(of_complex integer, first_day text, last_day text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  each_day text;
BEGIN
  FOR each_day IN SELECT to_char(d, 'YYYY-MM-DD')
    FROM generate_series(first_day::date, least(last_day::date, (now() AT TIME ZONE 'UTC' + interval '33 hours')::date), interval '1 day') AS d LOOP
    PERFORM insights_day_lock(of_complex, each_day);
  END LOOP;
  DELETE FROM insights_days WHERE complex_id = of_complex AND day BETWEEN first_day AND last_day;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_forget_requests(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  request integer;
  of_complex integer;
  of_day text;
BEGIN
  FOREACH request IN ARRAY ids LOOP
    SELECT r.complex_id, seoul_day(r.created_at) INTO of_complex, of_day FROM shipment_requests r WHERE r.id = request;
    IF FOUND THEN
      PERFORM insights_day_forget(of_complex, of_day);
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_forget_route(route integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  of_complex integer;
  of_day text;
BEGIN
  FOR of_complex, of_day IN SELECT DISTINCT q.complex_id, seoul_day(q.created_at)
    FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id = route LOOP
    PERFORM insights_day_forget(of_complex, of_day);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_request_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.complex_id <> NEW.complex_id OR seoul_day(OLD.created_at) <> seoul_day(NEW.created_at)) THEN
    PERFORM insights_day_forget(OLD.complex_id, seoul_day(OLD.created_at));
  END IF;
  PERFORM insights_day_forget(NEW.complex_id, seoul_day(NEW.created_at));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_route_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  of_complex integer;
  of_day text;
BEGIN
  PERFORM insights_days_forget_route(NEW.id);
  FOR of_complex, of_day IN SELECT m.complex_id, seoul_day(m.started_at) FROM matching_rounds m WHERE m.id IN (OLD.round_id, NEW.round_id) LOOP
    PERFORM insights_day_forget(of_complex, of_day);
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_round_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM insights_day_forget(OLD.complex_id, seoul_day(OLD.started_at));
  IF TG_OP = 'UPDATE' THEN
    PERFORM insights_day_forget(NEW.complex_id, seoul_day(NEW.started_at));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_reservation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r listing_reservations;
BEGIN
  r := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
  PERFORM insights_day_forget((SELECT complex_id FROM warehouse_listings WHERE id = r.listing_id), r.day);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_availability_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM insights_days_forget_range((SELECT complex_id FROM warehouse_listings WHERE id = OLD.listing_id), OLD.from_day, OLD.to_day);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM insights_days_forget_range((SELECT complex_id FROM warehouse_listings WHERE id = NEW.listing_id), NEW.from_day, NEW.to_day);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_listing_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  first_day text;
  last_day text;
BEGIN
  SELECT min(from_day), max(to_day) INTO first_day, last_day FROM listing_availability WHERE listing_id = NEW.id;
  PERFORM insights_days_forget_range(OLD.complex_id, first_day, last_day);
  IF NEW.complex_id <> OLD.complex_id THEN
    PERFORM insights_days_forget_range(NEW.complex_id, first_day, last_day);
  END IF;
  RETURN NULL;
END $$;
