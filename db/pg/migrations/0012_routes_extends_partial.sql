DROP INDEX "routes_extends";--> statement-breakpoint
CREATE INDEX "routes_extends" ON "routes" USING btree ("extends_route_id") WHERE extends_route_id is not null;