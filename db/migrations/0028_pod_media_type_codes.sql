-- A proof-of-delivery image's media type as a code (db/schema/bookings.ts POD_MEDIA_TYPE_CODES: image/png 0,
-- image/jpeg 1) instead of its spelling: the table rebuilt with each value mapped to its code. No trigger is on it;
-- the two on proofs_of_delivery that read it are dropped first (a rename checks every trigger's body) and created
-- again as they were.
DROP TRIGGER `proofs_of_delivery_image_of_booking`;--> statement-breakpoint
DROP TRIGGER `proofs_of_delivery_image_of_booking_update`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_pod_images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`uploaded_by_org_id` integer NOT NULL,
	`media_type` integer NOT NULL,
	`byte_size` integer NOT NULL,
	`sha256` blob NOT NULL,
	`file_name` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "pod_images_media_type" CHECK(media_type in (0,1))
);
--> statement-breakpoint
INSERT INTO `__new_pod_images`("id", "booking_id", "uploaded_by_org_id", "media_type", "byte_size", "sha256", "file_name", "created_at") SELECT "id", "booking_id", "uploaded_by_org_id", CASE "media_type" WHEN 'image/png' THEN 0 WHEN 'image/jpeg' THEN 1 END, "byte_size", "sha256", "file_name", "created_at" FROM `pod_images`;--> statement-breakpoint
DROP TABLE `pod_images`;--> statement-breakpoint
ALTER TABLE `__new_pod_images` RENAME TO `pod_images`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `pod_images_file_name_unique` ON `pod_images` (`file_name`) WHERE file_name is not null;--> statement-breakpoint
-- The triggers as they were.
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
