-- A shipment request's H3 cells packed as integers, as on SQLite (migration 0029): bits 24-51 of the index at
-- resolution 7, bits 18-51 at 9. No trigger or function reads them.
ALTER TABLE "shipment_requests" ALTER COLUMN "origin_h3_r7" SET DATA TYPE integer USING ((('x' || lpad("origin_h3_r7", 16, '0'))::bit(64)::bigint >> 24) & 268435455)::integer;--> statement-breakpoint
ALTER TABLE "shipment_requests" ALTER COLUMN "origin_h3_r9" SET DATA TYPE bigint USING (('x' || lpad("origin_h3_r9", 16, '0'))::bit(64)::bigint >> 18) & 17179869183;--> statement-breakpoint
ALTER TABLE "shipment_requests" ALTER COLUMN "destination_h3_r9" SET DATA TYPE bigint USING (('x' || lpad("destination_h3_r9", 16, '0'))::bit(64)::bigint >> 18) & 17179869183;