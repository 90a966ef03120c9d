-- The roll-up deletes that every booking's and request's triggers run (0001), as PL/pgSQL: its statements keep their
-- plans on a connection, where a LANGUAGE sql function that is not inlined (a DELETE never is) plans its statement on
-- every call, half of a booking's insert. And a request's update forgets its posting day once when the day stays (nearly always).
CREATE OR REPLACE FUNCTION insights_days_forget_requests(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  request integer;
BEGIN
  -- One id a statement: its plan is kept, where one on `= ANY (ids)` is planned again for every array.
  FOREACH request IN ARRAY ids LOOP
    DELETE FROM insights_days d USING shipment_requests r
    WHERE r.id = request AND d.complex_id = r.complex_id AND d.day = seoul_day(r.created_at);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_forget_route(route integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM insights_days d USING route_stops s JOIN shipment_requests q ON q.id = s.request_id
  WHERE s.route_id = route AND d.complex_id = q.complex_id AND d.day = seoul_day(q.created_at);
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION insights_days_request_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.complex_id <> NEW.complex_id OR seoul_day(OLD.created_at) <> seoul_day(NEW.created_at)) THEN
    DELETE FROM insights_days WHERE complex_id = OLD.complex_id AND day = seoul_day(OLD.created_at);
  END IF;
  DELETE FROM insights_days WHERE complex_id = NEW.complex_id AND day = seoul_day(NEW.created_at);
  RETURN NULL;
END $$;
