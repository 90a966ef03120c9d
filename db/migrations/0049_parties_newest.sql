DROP INDEX `offers_supplier`;--> statement-breakpoint
DROP INDEX `offers_shipper`;--> statement-breakpoint
CREATE INDEX `offers_supplier` ON `offers` (`supplier_org_id`,`id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_shipper` ON `offers` (`shipper_org_id`,`id`,`status`);--> statement-breakpoint
DROP INDEX `bookings_shipper`;--> statement-breakpoint
DROP INDEX `bookings_supplier`;--> statement-breakpoint
CREATE INDEX `bookings_shipper` ON `bookings` (`shipper_org_id`,`id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_supplier` ON `bookings` (`supplier_org_id`,`id`,`status`);