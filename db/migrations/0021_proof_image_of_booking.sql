-- A proof's image is one uploaded for the proof's own booking (src/tracking/report-tracking-event.ts checks it too):
-- with one proof per booking (proofs_of_delivery_booking_id_unique) that makes one proof per image, which the
-- unique index on image_id held at 3.5 MB a year of all seven complexes. Images are never changed or deleted.
CREATE TRIGGER `proofs_of_delivery_image_of_booking` BEFORE INSERT ON `proofs_of_delivery`
BEGIN
  SELECT RAISE(ABORT, 'proof_image_of_other_booking')
  WHERE (SELECT i.booking_id FROM pod_images i WHERE i.id = NEW.image_id) IS NOT NEW.booking_id;
END;
--> statement-breakpoint
CREATE TRIGGER `proofs_of_delivery_image_of_booking_update` BEFORE UPDATE OF `booking_id`, `image_id` ON `proofs_of_delivery`
BEGIN
  SELECT RAISE(ABORT, 'proof_image_of_other_booking')
  WHERE (SELECT i.booking_id FROM pod_images i WHERE i.id = NEW.image_id) IS NOT NEW.booking_id;
END;
--> statement-breakpoint
DROP INDEX `proofs_of_delivery_image_id_unique`;
