DROP INDEX "offers_supplier";--> statement-breakpoint
DROP INDEX "offers_shipper";--> statement-breakpoint
DROP INDEX "bookings_shipper";--> statement-breakpoint
DROP INDEX "bookings_supplier";--> statement-breakpoint
CREATE INDEX "offers_supplier" ON "offers" USING btree ("supplier_org_id","id","status");--> statement-breakpoint
CREATE INDEX "offers_shipper" ON "offers" USING btree ("shipper_org_id","id","status");--> statement-breakpoint
CREATE INDEX "bookings_shipper" ON "bookings" USING btree ("shipper_org_id","id","status");--> statement-breakpoint
CREATE INDEX "bookings_supplier" ON "bookings" USING btree ("supplier_org_id","id","status");