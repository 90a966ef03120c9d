-- An image's SHA-256 as its 32 bytes, not 64 hex characters (db/schema sha256Digest).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_pod_images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`uploaded_by_org_id` integer NOT NULL,
	`media_type` text NOT NULL,
	`byte_size` integer NOT NULL,
	`sha256` blob NOT NULL,
	`file_name` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "pod_images_media_type" CHECK(media_type in ('image/jpeg','image/png'))
);
--> statement-breakpoint
INSERT INTO `__new_pod_images`("id", "booking_id", "uploaded_by_org_id", "media_type", "byte_size", "sha256", "file_name", "created_at") SELECT "id", "booking_id", "uploaded_by_org_id", "media_type", "byte_size", unhex("sha256"), "file_name", "created_at" FROM `pod_images`;--> statement-breakpoint
DROP TABLE `pod_images`;--> statement-breakpoint
ALTER TABLE `__new_pod_images` RENAME TO `pod_images`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `pod_images_file_name_unique` ON `pod_images` (`file_name`) WHERE file_name is not null;