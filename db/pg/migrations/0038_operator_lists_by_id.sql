CREATE INDEX "matching_rounds_complex_newest" ON "matching_rounds" USING btree ("complex_id","id");--> statement-breakpoint
CREATE INDEX "offers_complex" ON "offers" USING btree ("complex_id","id","status");--> statement-breakpoint
CREATE INDEX "bookings_complex_newest" ON "bookings" USING btree ("complex_id","id","status");