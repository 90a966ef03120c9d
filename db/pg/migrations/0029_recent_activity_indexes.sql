DROP INDEX "bookings_complex";--> statement-breakpoint
CREATE INDEX "requests_complex_cancelled" ON "shipment_requests" USING btree ("complex_id","cancelled_at") WHERE status = 8;--> statement-breakpoint
CREATE INDEX "bookings_complex_returned" ON "bookings" USING btree ("complex_id","ended_at") WHERE status = 3;--> statement-breakpoint
CREATE INDEX "bookings_complex" ON "bookings" USING btree ("complex_id","status","booked_at");