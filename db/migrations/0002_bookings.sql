CREATE TABLE `bookings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`offer_id` integer NOT NULL,
	`request_id` integer NOT NULL,
	`complex_id` integer NOT NULL,
	`shipper_org_id` integer NOT NULL,
	`supplier_org_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'CONFIRMED' NOT NULL,
	`vehicle_id` integer,
	`listing_id` integer,
	`load_id` integer,
	`price_krw` integer NOT NULL,
	`weight_kg` integer NOT NULL,
	`pallets` integer NOT NULL,
	`pickup_at` integer,
	`deliver_at` integer,
	`storage_from_day` text,
	`storage_to_day` text,
	`booked_at` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text,
	`ended_by_org_id` integer,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `shipment_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`shipper_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`supplier_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`listing_id`) REFERENCES `warehouse_listings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`load_id`) REFERENCES `consolidated_loads`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ended_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bookings_kind" CHECK(kind in ('TRANSPORT','STORAGE','CONSOLIDATED')),
	CONSTRAINT "bookings_status" CHECK(status in ('CONFIRMED','COMPLETED','CANCELLED','RETURNED')),
	CONSTRAINT "bookings_leg" CHECK(("bookings"."kind" = 'STORAGE') = ("bookings"."listing_id" is not null) and ("bookings"."kind" = 'STORAGE') = ("bookings"."vehicle_id" is null)),
	CONSTRAINT "bookings_size" CHECK("bookings"."weight_kg" >= 0 and "bookings"."pallets" > 0 and "bookings"."price_krw" >= 0),
	CONSTRAINT "bookings_ended" CHECK(("bookings"."status" in ('CANCELLED','RETURNED')) = ("bookings"."ended_at" is not null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_offer_id_unique` ON `bookings` (`offer_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_one_transport_per_request` ON `bookings` (`request_id`) WHERE kind <> 'STORAGE' and status in ('CONFIRMED','COMPLETED');--> statement-breakpoint
CREATE INDEX `bookings_request` ON `bookings` (`request_id`);--> statement-breakpoint
CREATE INDEX `bookings_shipper` ON `bookings` (`shipper_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_supplier` ON `bookings` (`supplier_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_complex` ON `bookings` (`complex_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_load` ON `bookings` (`load_id`);--> statement-breakpoint
CREATE TABLE `listing_reservations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`listing_id` integer NOT NULL,
	`day` text NOT NULL,
	`pallets` integer NOT NULL,
	`released_at` integer,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`listing_id`) REFERENCES `warehouse_listings`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "listing_reservations_pallets" CHECK("listing_reservations"."pallets" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `listing_reservations_booking_day` ON `listing_reservations` (`booking_id`,`day`);--> statement-breakpoint
CREATE INDEX `listing_reservations_held` ON `listing_reservations` (`listing_id`,`day`) WHERE released_at is null;--> statement-breakpoint
CREATE TABLE `pod_images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`uploaded_by_org_id` integer NOT NULL,
	`media_type` text NOT NULL,
	`byte_size` integer NOT NULL,
	`sha256` text NOT NULL,
	`file_name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "pod_images_media_type" CHECK(media_type in ('image/jpeg','image/png'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pod_images_file_name_unique` ON `pod_images` (`file_name`);--> statement-breakpoint
CREATE INDEX `pod_images_booking` ON `pod_images` (`booking_id`);--> statement-breakpoint
CREATE TABLE `proofs_of_delivery` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`image_id` integer NOT NULL,
	`receiver_name` text NOT NULL,
	`received_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`image_id`) REFERENCES `pod_images`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `proofs_of_delivery_booking_id_unique` ON `proofs_of_delivery` (`booking_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `proofs_of_delivery_image_id_unique` ON `proofs_of_delivery` (`image_id`);--> statement-breakpoint
CREATE TABLE `tracking_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`request_id` integer NOT NULL,
	`kind` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`note` text,
	`reported_by_org_id` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `shipment_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reported_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "tracking_events_kind" CHECK(kind in ('PICKED_UP','AT_CENTRE','DEPARTED_CENTRE','IN_TRANSIT','DELIVERED','EXCEPTION')),
	CONSTRAINT "tracking_events_position" CHECK("tracking_events"."lat" between -90 and 90 and "tracking_events"."lng" between -180 and 180)
);
--> statement-breakpoint
CREATE INDEX `tracking_events_booking` ON `tracking_events` (`booking_id`,`occurred_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `tracking_events_once` ON `tracking_events` (`booking_id`,`kind`) WHERE kind in ('PICKED_UP','DELIVERED');--> statement-breakpoint
CREATE TABLE `vehicle_reservations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`vehicle_id` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`weight_kg` integer NOT NULL,
	`pallets` integer NOT NULL,
	`released_at` integer,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "vehicle_reservations_span" CHECK("vehicle_reservations"."starts_at" < "vehicle_reservations"."ends_at"),
	CONSTRAINT "vehicle_reservations_size" CHECK("vehicle_reservations"."weight_kg" >= 0 and "vehicle_reservations"."pallets" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vehicle_reservations_booking_id_unique` ON `vehicle_reservations` (`booking_id`);--> statement-breakpoint
CREATE INDEX `vehicle_reservations_held` ON `vehicle_reservations` (`vehicle_id`,`starts_at`) WHERE released_at is null;