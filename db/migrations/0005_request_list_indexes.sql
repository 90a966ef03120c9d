DROP INDEX `requests_complex`;--> statement-breakpoint
CREATE INDEX `requests_shipper_newest` ON `shipment_requests` (`shipper_org_id`,`id`);--> statement-breakpoint
CREATE INDEX `requests_complex_newest` ON `shipment_requests` (`complex_id`,`id`);--> statement-breakpoint
CREATE INDEX `requests_complex_area` ON `shipment_requests` (`complex_id`,`status`,`origin_h3_r7`);--> statement-breakpoint
CREATE INDEX `requests_complex` ON `shipment_requests` (`complex_id`,`status`,`pickup_from`);