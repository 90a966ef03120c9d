CREATE TABLE "route_plans" (
	"route_id" integer PRIMARY KEY NOT NULL,
	"stops" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "route_plans" ADD CONSTRAINT "route_plans_route_id_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."routes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- A route never booked keeps its stops as its plan (db/schema routePlans), a booked one its rows. An accepted
-- extension's stops are already those of the booked route it extended (its bookings ride there): its rows go.
INSERT INTO "route_plans" ("route_id", "stops")
  SELECT s.route_id, jsonb_agg(jsonb_build_array(s.request_id, s.action, s.lat, s.lng, s.arrive_at, s.start_at, s.depart_at, s.kg_after, s.pallets_after) ORDER BY s.seq)
  FROM "route_stops" s
  WHERE NOT EXISTS (SELECT 1 FROM "bookings" b WHERE b.route_id = s.route_id)
    AND NOT EXISTS (SELECT 1 FROM "offers" o WHERE o.route_id = s.route_id AND o.status = 'ACCEPTED')
  GROUP BY s.route_id;
--> statement-breakpoint
DELETE FROM "route_stops" s WHERE NOT EXISTS (SELECT 1 FROM "bookings" b WHERE b.route_id = s.route_id);
