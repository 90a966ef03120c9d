-- A proof's image is one uploaded for the proof's own booking, as on SQLite (migration 0021): with one proof per
-- booking that makes one proof per image without the unique constraint on image_id. It reads only the image's own
-- row, which is never changed, so it needs no lock.
CREATE FUNCTION proofs_of_delivery_image_of_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT i.booking_id FROM pod_images i WHERE i.id = NEW.image_id) IS DISTINCT FROM NEW.booking_id THEN
    RAISE EXCEPTION 'proof_image_of_other_booking' USING ERRCODE = 'check_violation',
      DETAIL = format('image %s was not uploaded for booking %s', NEW.image_id, NEW.booking_id);
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER proofs_of_delivery_image_of_booking BEFORE INSERT OR UPDATE OF booking_id, image_id ON proofs_of_delivery
FOR EACH ROW EXECUTE FUNCTION proofs_of_delivery_image_of_booking();
--> statement-breakpoint
ALTER TABLE "proofs_of_delivery" DROP CONSTRAINT "proofs_of_delivery_image_id_unique";
