-- What the SQLite triggers enforce (db/migrations 0003, 0008, 0010-0012), on PostgreSQL and under concurrency.
-- Refusals carry SQLite's messages (src/market/reservations.ts reads them) with SQLSTATE 23514 (check_violation).
--
-- Each invariant and what enforces it:
--   a request's transport leg booked at most once   unique partial index bookings_one_transport_per_request (0000)
--   one running round per complex                   unique partial index matching_rounds_one_running (0000)
--   idempotency keys unique per organisation        primary key idempotency_keys (organisation_id, key) (0000)
--   collected once, delivered once                  unique partial index tracking_events_once (0000)
--   a vehicle never over its kg and pallets at      trigger vehicle_reservations_capacity, after a row lock on the vehicle
--     any instant of its reservations
--   a listing never over its idle pallets on a day  trigger listing_reservations_capacity, after a row lock on the listing
--   a request's storage booked within its need      trigger bookings_storage_within_need, after a row lock on the request
--   a route's stops within its vehicle              trigger route_stops_within_vehicle (reads only the new row's own route)
--   reservations only ever released, once           triggers *_release_only (compare OLD and NEW of one row)
--   an ended booking stays ended                    trigger bookings_ended_stay_ended (one row)
--   DELIVERED needs its proof of delivery           trigger tracking_events_delivered_needs_proof
--
-- Unique indexes serialise by themselves: of two concurrent inserts the second waits for the first to commit, then
-- fails. A trigger that sums other rows does not: under MVCC two transactions each see the other's row missing and
-- both pass (two 6-pallet bookings on a 10-pallet vehicle both succeed). So each capacity trigger first locks the
-- parent row FOR NO KEY UPDATE: writers of one vehicle (listing, request) queue, and in READ COMMITTED (the default)
-- each of the trigger's statements takes a fresh snapshot, so the sum after the lock sees every reservation committed
-- before it. NO KEY UPDATE does not block foreign-key checks (FOR KEY SHARE), so bookings elsewhere do not wait.
-- In SERIALIZABLE the lock orders the writers and SSI aborts the later one (40001, retry); REPEATABLE READ keeps its
-- first snapshot after the lock, would miss the other's row, and is refused.

CREATE FUNCTION invariant_isolation_check() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('transaction_isolation') = 'repeatable read' THEN
    RAISE EXCEPTION 'capacity checks need READ COMMITTED or SERIALIZABLE, not REPEATABLE READ'
      USING ERRCODE = 'feature_not_supported',
            HINT = 'Under REPEATABLE READ a check after the row lock still reads the snapshot from before it.';
  END IF;
END $$;
--> statement-breakpoint
-- The load on a vehicle peaks at the start of some reservation, so checking the new one's start and every held start
-- inside its span covers every instant.
CREATE FUNCTION vehicle_reservations_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  payload integer;
  slots integer;
BEGIN
  PERFORM invariant_isolation_check();
  SELECT v.payload_kg, v.pallet_slots INTO payload, slots FROM vehicles v WHERE v.id = NEW.vehicle_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN NEW; -- the foreign key refuses it
  END IF;
  IF EXISTS (
    SELECT 1 FROM (
      SELECT NEW.starts_at AS t
      UNION
      SELECT r.starts_at FROM vehicle_reservations r
      WHERE r.vehicle_id = NEW.vehicle_id AND r.released_at IS NULL AND r.starts_at > NEW.starts_at AND r.starts_at < NEW.ends_at
    ) AS p
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(h.weight_kg), 0) AS kg, coalesce(sum(h.pallets), 0) AS pallets FROM vehicle_reservations h
      WHERE h.vehicle_id = NEW.vehicle_id AND h.released_at IS NULL AND h.starts_at <= p.t AND h.ends_at > p.t
    ) AS held
    WHERE NEW.weight_kg + held.kg > payload OR NEW.pallets + held.pallets > slots
  ) THEN
    RAISE EXCEPTION 'vehicle_over_capacity' USING ERRCODE = 'check_violation',
      DETAIL = format('vehicle %s: %s kg and %s pallets from %s do not fit its %s kg and %s pallet slots',
                      NEW.vehicle_id, NEW.weight_kg, NEW.pallets, NEW.starts_at, payload, slots);
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER vehicle_reservations_capacity BEFORE INSERT ON vehicle_reservations
FOR EACH ROW WHEN (NEW.released_at IS NULL) EXECUTE FUNCTION vehicle_reservations_capacity();
--> statement-breakpoint
-- A warehouse never has more pallets reserved on a day than it listed idle that day.
CREATE FUNCTION listing_reservations_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  idle integer;
  held bigint;
BEGIN
  PERFORM invariant_isolation_check();
  PERFORM 1 FROM warehouse_listings l WHERE l.id = NEW.listing_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN NEW;
  END IF;
  SELECT coalesce(max(a.idle_pallets), 0) INTO idle FROM listing_availability a
  WHERE a.listing_id = NEW.listing_id AND a.from_day <= NEW.day AND a.to_day >= NEW.day;
  SELECT coalesce(sum(h.pallets), 0) INTO held FROM listing_reservations h
  WHERE h.listing_id = NEW.listing_id AND h.day = NEW.day AND h.released_at IS NULL;
  IF NEW.pallets + held > idle THEN
    RAISE EXCEPTION 'listing_over_capacity' USING ERRCODE = 'check_violation',
      DETAIL = format('listing %s on %s: %s pallets asked, %s of %s idle already held', NEW.listing_id, NEW.day, NEW.pallets, held, idle);
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER listing_reservations_capacity BEFORE INSERT ON listing_reservations
FOR EACH ROW WHEN (NEW.released_at IS NULL) EXECUTE FUNCTION listing_reservations_capacity();
--> statement-breakpoint
-- A request's storage is booked at most once: its held storage bookings never exceed the pallets it asked to store.
CREATE FUNCTION bookings_storage_within_need() RETURNS trigger LANGUAGE plpgsql AS $$
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
  WHERE b.request_id = NEW.request_id AND b.kind = 'STORAGE' AND b.status IN ('CONFIRMED', 'COMPLETED');
  IF NEW.pallets + held > need THEN
    RAISE EXCEPTION 'request_already_booked' USING ERRCODE = 'check_violation',
      DETAIL = format('request %s: %s storage pallets asked, %s of %s already booked', NEW.request_id, NEW.pallets, held, need);
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER bookings_storage_within_need BEFORE INSERT ON bookings
FOR EACH ROW WHEN (NEW.kind = 'STORAGE') EXECUTE FUNCTION bookings_storage_within_need();
--> statement-breakpoint
-- A route never carries more than its vehicle at any stop, whatever order its stops come in.
CREATE FUNCTION route_stops_within_vehicle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM routes r JOIN vehicles v ON v.id = r.vehicle_id
             WHERE r.id = NEW.route_id AND (NEW.kg_after > v.payload_kg OR NEW.pallets_after > v.pallet_slots)) THEN
    RAISE EXCEPTION 'vehicle_over_capacity' USING ERRCODE = 'check_violation',
      DETAIL = format('route %s stop %s: %s kg and %s pallets on board', NEW.route_id, NEW.seq, NEW.kg_after, NEW.pallets_after);
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER route_stops_within_vehicle BEFORE INSERT ON route_stops
FOR EACH ROW EXECUTE FUNCTION route_stops_within_vehicle();
--> statement-breakpoint
-- Reservations are only ever released, once: a change of span or size would bypass the capacity checks.
CREATE FUNCTION vehicle_reservations_release_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.vehicle_id IS DISTINCT FROM OLD.vehicle_id OR NEW.starts_at IS DISTINCT FROM OLD.starts_at
     OR NEW.ends_at IS DISTINCT FROM OLD.ends_at OR NEW.weight_kg IS DISTINCT FROM OLD.weight_kg
     OR NEW.pallets IS DISTINCT FROM OLD.pallets OR NEW.booking_id IS DISTINCT FROM OLD.booking_id
     OR (OLD.released_at IS NOT NULL AND NEW.released_at IS DISTINCT FROM OLD.released_at) THEN
    RAISE EXCEPTION 'reservation_is_release_only' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER vehicle_reservations_release_only BEFORE UPDATE ON vehicle_reservations
FOR EACH ROW EXECUTE FUNCTION vehicle_reservations_release_only();
--> statement-breakpoint
CREATE FUNCTION listing_reservations_release_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.listing_id IS DISTINCT FROM OLD.listing_id OR NEW.day IS DISTINCT FROM OLD.day
     OR NEW.pallets IS DISTINCT FROM OLD.pallets OR NEW.booking_id IS DISTINCT FROM OLD.booking_id
     OR (OLD.released_at IS NOT NULL AND NEW.released_at IS DISTINCT FROM OLD.released_at) THEN
    RAISE EXCEPTION 'reservation_is_release_only' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER listing_reservations_release_only BEFORE UPDATE ON listing_reservations
FOR EACH ROW EXECUTE FUNCTION listing_reservations_release_only();
--> statement-breakpoint
-- An ended booking stays ended: its reservations were released and a revived booking would hold nothing.
CREATE FUNCTION bookings_ended_stay_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'booking_already_ended' USING ERRCODE = 'check_violation',
    DETAIL = format('booking %s is %s', OLD.id, OLD.status);
END $$;
--> statement-breakpoint
CREATE TRIGGER bookings_ended_stay_ended BEFORE UPDATE OF status ON bookings
FOR EACH ROW WHEN (OLD.status IN ('CANCELLED', 'RETURNED') AND NEW.status IS DISTINCT FROM OLD.status)
EXECUTE FUNCTION bookings_ended_stay_ended();
--> statement-breakpoint
-- DELIVERED needs its proof of delivery, written earlier in the same transaction.
CREATE FUNCTION tracking_events_delivered_needs_proof() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM proofs_of_delivery p WHERE p.booking_id = NEW.booking_id) THEN
    RAISE EXCEPTION 'proof_of_delivery_required' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER tracking_events_delivered_needs_proof BEFORE INSERT ON tracking_events
FOR EACH ROW WHEN (NEW.kind = 'DELIVERED') EXECUTE FUNCTION tracking_events_delivered_needs_proof();
--> statement-breakpoint
-- Insights roll-ups (insights_days): a day's row goes whenever something it summed changes, whichever code path
-- changes it, as SQLite's insights_days_* triggers do; the next read or the roll-up scheduler writes it again.
-- Days are Asia/Seoul at a fixed UTC+9, like SQLite's date(ms / 1000, 'unixepoch', '+9 hours').
-- Unlike SQLite's single writer, a roll-up computed from a snapshot could be written after a change it missed (whose
-- trigger found no row to delete): its writer must run SERIALIZABLE or lock the day first.
CREATE FUNCTION seoul_day(ms bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN to_char(to_timestamp(ms / 1000) AT TIME ZONE 'UTC' + interval '9 hours', 'YYYY-MM-DD');
--> statement-breakpoint
-- The roll-ups of the days the given requests were posted.
CREATE FUNCTION insights_days_forget_requests(ids integer[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM insights_days d USING shipment_requests r
  WHERE r.id = ANY (ids) AND d.complex_id = r.complex_id AND d.day = seoul_day(r.created_at);
$$;
--> statement-breakpoint
-- A booked route counts on the posting day of its earliest request: the roll-ups of every day one of its requests was posted.
CREATE FUNCTION insights_days_forget_route(route integer) RETURNS void LANGUAGE sql AS $$
  DELETE FROM insights_days d USING route_stops s JOIN shipment_requests q ON q.id = s.request_id
  WHERE s.route_id = route AND d.complex_id = q.complex_id AND d.day = seoul_day(q.created_at);
$$;
--> statement-breakpoint
CREATE FUNCTION insights_days_request_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM insights_days WHERE complex_id = OLD.complex_id AND day = seoul_day(OLD.created_at);
  END IF;
  DELETE FROM insights_days WHERE complex_id = NEW.complex_id AND day = seoul_day(NEW.created_at);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER insights_days_request_posted AFTER INSERT ON shipment_requests
FOR EACH ROW EXECUTE FUNCTION insights_days_request_changed();
--> statement-breakpoint
CREATE TRIGGER insights_days_request_changed AFTER UPDATE ON shipment_requests
FOR EACH ROW EXECUTE FUNCTION insights_days_request_changed();
--> statement-breakpoint
-- SQLite's insights_days_booking_* and insights_days_route_booking_* in one function.
CREATE FUNCTION insights_days_booking_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM insights_days_forget_requests(ARRAY[NEW.request_id]);
  ELSE
    PERFORM insights_days_forget_requests(ARRAY[OLD.request_id, NEW.request_id]);
    IF OLD.route_id IS NOT NULL THEN
      PERFORM insights_days_forget_route(OLD.route_id);
    END IF;
  END IF;
  IF NEW.route_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.route_id IS DISTINCT FROM OLD.route_id) THEN
    PERFORM insights_days_forget_route(NEW.route_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER insights_days_booking_made AFTER INSERT ON bookings
FOR EACH ROW EXECUTE FUNCTION insights_days_booking_changed();
--> statement-breakpoint
CREATE TRIGGER insights_days_booking_changed AFTER UPDATE ON bookings
FOR EACH ROW EXECUTE FUNCTION insights_days_booking_changed();
--> statement-breakpoint
-- Stops added to a booked route (an extension) change its trip figures.
CREATE FUNCTION insights_days_booked_route_stop_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM bookings b WHERE b.route_id = NEW.route_id AND b.status IN ('CONFIRMED', 'COMPLETED')) THEN
    PERFORM insights_days_forget_route(NEW.route_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER insights_days_booked_route_stop_added AFTER INSERT ON route_stops
FOR EACH ROW EXECUTE FUNCTION insights_days_booked_route_stop_added();
--> statement-breakpoint
CREATE FUNCTION insights_days_route_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM insights_days_forget_route(NEW.id);
  DELETE FROM insights_days d USING matching_rounds m
  WHERE m.id IN (OLD.round_id, NEW.round_id) AND d.complex_id = m.complex_id AND d.day = seoul_day(m.started_at);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER insights_days_route_changed AFTER UPDATE ON routes
FOR EACH ROW EXECUTE FUNCTION insights_days_route_changed();
--> statement-breakpoint
-- A round's costs count on the day it started, once its report is written.
CREATE FUNCTION insights_days_round_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM insights_days WHERE complex_id = OLD.complex_id AND day = seoul_day(OLD.started_at);
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM insights_days WHERE complex_id = NEW.complex_id AND day = seoul_day(NEW.started_at);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER insights_days_round_reported AFTER UPDATE OF report ON matching_rounds
FOR EACH ROW EXECUTE FUNCTION insights_days_round_changed();
--> statement-breakpoint
CREATE TRIGGER insights_days_round_removed AFTER DELETE ON matching_rounds
FOR EACH ROW WHEN ((OLD.report ->> 'assignmentCostKrw')::numeric > 0) EXECUTE FUNCTION insights_days_round_changed();
--> statement-breakpoint
CREATE FUNCTION insights_days_reservation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r listing_reservations;
BEGIN
  r := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
  DELETE FROM insights_days WHERE day = r.day AND complex_id = (SELECT complex_id FROM warehouse_listings WHERE id = r.listing_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER insights_days_reservation_made AFTER INSERT ON listing_reservations
FOR EACH ROW EXECUTE FUNCTION insights_days_reservation_changed();
--> statement-breakpoint
CREATE TRIGGER insights_days_reservation_released AFTER UPDATE ON listing_reservations
FOR EACH ROW EXECUTE FUNCTION insights_days_reservation_changed();
--> statement-breakpoint
CREATE FUNCTION insights_days_availability_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM insights_days WHERE day BETWEEN OLD.from_day AND OLD.to_day
      AND complex_id = (SELECT complex_id FROM warehouse_listings WHERE id = OLD.listing_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    DELETE FROM insights_days WHERE day BETWEEN NEW.from_day AND NEW.to_day
      AND complex_id = (SELECT complex_id FROM warehouse_listings WHERE id = NEW.listing_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER insights_days_availability_added AFTER INSERT ON listing_availability
FOR EACH ROW EXECUTE FUNCTION insights_days_availability_changed();
--> statement-breakpoint
CREATE TRIGGER insights_days_availability_changed AFTER UPDATE ON listing_availability
FOR EACH ROW EXECUTE FUNCTION insights_days_availability_changed();
--> statement-breakpoint
CREATE TRIGGER insights_days_availability_removed AFTER DELETE ON listing_availability
FOR EACH ROW EXECUTE FUNCTION insights_days_availability_changed();
--> statement-breakpoint
-- Only ACTIVE listings count as idle space: a listing withdrawn (or back) changes every day it listed.
CREATE FUNCTION insights_days_listing_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM insights_days WHERE complex_id IN (OLD.complex_id, NEW.complex_id)
    AND day BETWEEN (SELECT min(from_day) FROM listing_availability WHERE listing_id = NEW.id)
                AND (SELECT max(to_day) FROM listing_availability WHERE listing_id = NEW.id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER insights_days_listing_changed AFTER UPDATE OF status, complex_id ON warehouse_listings
FOR EACH ROW EXECUTE FUNCTION insights_days_listing_changed();
