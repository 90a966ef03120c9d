-- A route stop's action as a code, as on SQLite (migration 0030). No trigger or function reads it.
ALTER TABLE "route_stops" DROP CONSTRAINT "route_stops_action";--> statement-breakpoint
ALTER TABLE "route_stops" ALTER COLUMN "action" SET DATA TYPE smallint USING CASE "action" WHEN 'PICKUP' THEN 0 WHEN 'DROP' THEN 1 WHEN 'CENTRE_DROP' THEN 2 WHEN 'CENTRE_PICKUP' THEN 3 END;--> statement-breakpoint
ALTER TABLE "route_stops" ADD CONSTRAINT "route_stops_action" CHECK (action in (0,1,2,3));