-- A shipment request's status, cargo class and loading methods as codes, as on SQLite (migration 0026). No trigger
-- or function reads these columns.
ALTER TABLE "shipment_requests" DROP CONSTRAINT "requests_status";--> statement-breakpoint
ALTER TABLE "shipment_requests" DROP CONSTRAINT "requests_cargo";--> statement-breakpoint
ALTER TABLE "shipment_requests" DROP CONSTRAINT "requests_loading";--> statement-breakpoint
ALTER TABLE "shipment_requests" ALTER COLUMN "status" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "shipment_requests" ALTER COLUMN "status" SET DATA TYPE smallint USING CASE "status" WHEN 'DELIVERED' THEN 0 WHEN 'EXPIRED' THEN 1 WHEN 'OPEN' THEN 2 WHEN 'OFFERED' THEN 3 WHEN 'BOOKED' THEN 4 WHEN 'PICKED_UP' THEN 5 WHEN 'AT_CENTRE' THEN 6 WHEN 'IN_TRANSIT' THEN 7 WHEN 'CANCELLED' THEN 8 END;--> statement-breakpoint
ALTER TABLE "shipment_requests" ALTER COLUMN "status" SET DEFAULT 2;--> statement-breakpoint
ALTER TABLE "shipment_requests" ALTER COLUMN "cargo_class" SET DATA TYPE smallint USING CASE "cargo_class" WHEN 'GENERAL' THEN 0 WHEN 'OVERSIZE' THEN 1 WHEN 'HAZMAT' THEN 2 WHEN 'CHILLED' THEN 3 WHEN 'FROZEN' THEN 4 WHEN 'LIQUID_BULK' THEN 5 END;--> statement-breakpoint
ALTER TABLE "shipment_requests" ALTER COLUMN "loading_at_origin" SET DATA TYPE smallint USING CASE "loading_at_origin" WHEN 'FORKLIFT' THEN 0 WHEN 'HOIST' THEN 1 WHEN 'BY_HAND' THEN 2 END;--> statement-breakpoint
ALTER TABLE "shipment_requests" ALTER COLUMN "loading_at_destination" SET DATA TYPE smallint USING CASE "loading_at_destination" WHEN 'FORKLIFT' THEN 0 WHEN 'HOIST' THEN 1 WHEN 'BY_HAND' THEN 2 END;--> statement-breakpoint
ALTER TABLE "shipment_requests" ADD CONSTRAINT "requests_status" CHECK (status in (0,1,2,3,4,5,6,7,8));--> statement-breakpoint
ALTER TABLE "shipment_requests" ADD CONSTRAINT "requests_cargo" CHECK (cargo_class in (0,1,2,3,4,5));--> statement-breakpoint
ALTER TABLE "shipment_requests" ADD CONSTRAINT "requests_loading" CHECK (loading_at_origin in (0,1,2) and loading_at_destination in (0,1,2));