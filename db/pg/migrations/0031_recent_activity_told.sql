-- What a complex's recent activity needs to tell every kind the live feed tells. Vehicles retired before this keep no
-- time of it (retired_at stays null: not told again); an endpoint disabled before this, none of its giving up.
ALTER TABLE "vehicles" ADD COLUMN "retired_at" bigint;--> statement-breakpoint
ALTER TABLE "tracking_events" ADD COLUMN "complex_id" integer;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "complex_id" integer;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "gave_up_at" bigint;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "gave_up_failed" integer;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "gave_up_since" bigint;--> statement-breakpoint
-- Every event's booking says its complex, and every endpoint's organisation: filled before the indexes are built.
UPDATE "tracking_events" SET "complex_id" = "bookings"."complex_id" FROM "bookings" WHERE "bookings"."id" = "tracking_events"."booking_id";--> statement-breakpoint
UPDATE "webhook_endpoints" SET "complex_id" = "organisations"."complex_id" FROM "organisations" WHERE "organisations"."id" = "webhook_endpoints"."organisation_id";--> statement-breakpoint
ALTER TABLE "tracking_events" ADD CONSTRAINT "tracking_events_complex_id_complexes_id_fk" FOREIGN KEY ("complex_id") REFERENCES "public"."complexes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_complex_id_complexes_id_fk" FOREIGN KEY ("complex_id") REFERENCES "public"."complexes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "vehicles_complex_retired" ON "vehicles" USING btree ("complex_id","retired_at") WHERE retired_at is not null;--> statement-breakpoint
CREATE INDEX "listings_complex_withdrawn" ON "warehouse_listings" USING btree ("complex_id","updated_at") WHERE status = 'WITHDRAWN';--> statement-breakpoint
CREATE INDEX "tracking_events_complex" ON "tracking_events" USING btree ("complex_id","id") WHERE kind <> 4;--> statement-breakpoint
CREATE INDEX "webhook_endpoints_complex_gave_up" ON "webhook_endpoints" USING btree ("complex_id","gave_up_at") WHERE gave_up_at is not null;