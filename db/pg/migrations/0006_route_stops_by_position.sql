-- Route stops keyed by route and position (the SQLite twin is WITHOUT ROWID): no id, no second index for the order.
-- The id goes first, with its primary key.
ALTER TABLE "route_stops" DROP COLUMN "id";--> statement-breakpoint
DROP INDEX "route_stops_order";--> statement-breakpoint
ALTER TABLE "route_stops" ADD CONSTRAINT "route_stops_route_id_seq_pk" PRIMARY KEY("route_id","seq");
